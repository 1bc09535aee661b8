// The agent's policy writes against a test API server that follows server-side apply's ownership
// rules (support/server-side-apply.ts) rather than replacing objects: what another field manager
// set survives the agent's applies and drift reverts, what the agent stops setting goes away, and
// the agent's forced apply takes a field back from whoever changed it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyResource } from '@palisade/policy';
import { KubePolicyCluster } from '../src/providers/kubernetes/kube-policy-cluster.js';
import { FakeKubeApi } from './support/fake-kube-api.js';

const COLLECTION = '/apis/networking.k8s.io/v1/networkpolicies';
const OBJECT = '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web';

const desired = (annotations: Record<string, string>) =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'palisade' },
      annotations,
    },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
  }) as unknown as PolicyResource;

describe('server-side apply in the test API server', () => {
  let api: FakeKubeApi;
  let cluster: KubePolicyCluster;

  /** An apply by another field manager, as kubectl apply --server-side sends it. */
  async function applyAs(manager: string, body: unknown, force = false): Promise<number> {
    const query = new URLSearchParams({ fieldManager: manager, ...(force ? { force: 'true' } : {}) });
    const res = await fetch(`${api.url}${OBJECT}?${query.toString()}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify(body),
    });
    return res.status;
  }
  /** The object as the server stores it (and as the next list returns it). */
  const stored = () =>
    api.lists.get(COLLECTION)!.items[0] as {
      metadata: {
        labels: Record<string, string>;
        annotations?: Record<string, string>;
        managedFields: { manager: string }[];
      };
      spec: { podSelector: { matchLabels: Record<string, string> } };
    };

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    api.serverSideApply = true;
    api.setList(COLLECTION, [], '1');
    cluster = new KubePolicyCluster(api.kubeConfig());
  });
  afterEach(async () => {
    await api.stop();
  });

  it("keeps another manager's fields, drops the agent's own that it no longer sets, and takes back a changed field", async () => {
    await cluster.write(desired({ 'palisade.io/drift-mode': 'revert', 'palisade.io/note': 'v1' }));
    const labelledByHand = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: 'shop', labels: { team: 'payments' } },
    };
    expect(await applyAs('kubectl', labelledByHand)).toBe(200);

    // Someone else changes a field the agent owns: refused unless forced, and forcing takes it over.
    const widened = { ...labelledByHand, spec: { podSelector: { matchLabels: { app: 'everything' } } } };
    expect(await applyAs('kubectl', widened)).toBe(409);
    expect(stored().spec.podSelector.matchLabels).toEqual({ app: 'web' });
    expect(await applyAs('kubectl', widened, true)).toBe(200);
    expect(stored().spec.podSelector.matchLabels).toEqual({ app: 'everything' });

    // The agent's next apply (a drift revert) restores its value, keeps kubectl's label, and drops the
    // annotation it no longer sets.
    await cluster.write(desired({ 'palisade.io/drift-mode': 'revert' }));
    const after = stored();
    expect(after.spec.podSelector.matchLabels).toEqual({ app: 'web' });
    expect(after.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade', team: 'payments' });
    expect(after.metadata.annotations).toEqual({ 'palisade.io/drift-mode': 'revert' });
    expect(after.metadata.managedFields.map((f) => f.manager).sort()).toEqual(['kubectl', 'palisade']);
  });

  it('names the conflicting fields and their manager', async () => {
    await cluster.write(desired({ 'palisade.io/drift-mode': 'report' }));
    const res = await fetch(`${api.url}${OBJECT}?fieldManager=kubectl`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify({
        metadata: { name: 'web', namespace: 'shop', annotations: { 'palisade.io/drift-mode': 'revert' } },
      }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toContain(
      'conflict with "palisade": .metadata.annotations.palisade.io/drift-mode',
    );
  });
});
