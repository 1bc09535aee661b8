// The kubernetes provider's policy half against a recorded loopback API server: server-side apply
// (PATCH application/apply-patch+yaml, fieldManager=palisade, force=true) of projectcalico.org/v3
// and networking.k8s.io/v1 objects, DELETE of managed objects no longer desired, unmanaged objects
// never touched, no request when nothing changed, and drift noticed through the watch of managed
// objects — reported with what differs, and re-applied in revert mode.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyResource } from '@palisade/policy';
import type { ApplyOutcome } from '../src/policy/managed-policies.js';
import { KubernetesProvider } from '../src/providers/kubernetes/kubernetes-provider.js';
import { FakeKubeApi, namespace } from './support/fake-kube-api.js';
import { waitFor } from '@palisade/testing';

const CALICO = '/apis/projectcalico.org/v3/networkpolicies';
const K8S = '/apis/networking.k8s.io/v1/networkpolicies';
const MANAGED = { 'app.kubernetes.io/managed-by': 'palisade' };

function calicoPolicy(name: string, mode: 'report' | 'revert', order = 100): PolicyResource {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace: 'shop',
      labels: { ...MANAGED, 'projectcalico.org/tier': 'default' },
      annotations: { 'palisade.io/drift-mode': mode },
    },
    spec: {
      tier: 'default',
      order,
      selector: "app == 'api'",
      types: ['Ingress'],
      ingress: [{ action: 'Deny' }],
    },
  } as unknown as PolicyResource;
}

const k8sPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {
    name: 'web',
    namespace: 'shop',
    labels: MANAGED,
    annotations: { 'palisade.io/drift-mode': 'report' },
  },
  spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
} as unknown as PolicyResource;

describe('kubernetes provider: policy', () => {
  let api: FakeKubeApi;
  let provider: KubernetesProvider | undefined;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    api.setList('/api/v1/namespaces', [namespace('shop')], '1');
    api.setList('/api/v1/pods', [], '1');
    api.setList('/api/v1/serviceaccounts', [], '1');
    api.setList('/api/v1/services', [], '1');
    api.setList(
      CALICO,
      [
        // Palisade applied it once; it is no longer desired: pruned.
        {
          ...calicoPolicy('stale', 'report'),
          metadata: { ...calicoPolicy('stale', 'report').metadata, resourceVersion: '7' },
        },
        // Someone else's: never touched.
        {
          apiVersion: 'projectcalico.org/v3',
          kind: 'NetworkPolicy',
          metadata: { name: 'by-hand', namespace: 'shop' },
          spec: {},
        },
      ],
      '10',
    );
    api.setList(K8S, [], '11');
    provider = new KubernetesProvider({
      config: api.kubeConfig(),
      retry: { initialMs: 20, maxMs: 100 },
      coalesceMs: 10,
    });
    await provider.start();
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await api.stop();
  });

  const writes = () => api.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE');

  it('applies server-side with one field manager, prunes managed objects only, and is idempotent', async () => {
    const outcome = await provider!.applyDesiredState(1, [calicoPolicy('deny-api', 'report'), k8sPolicy], []);
    expect(outcome.results.map((r) => [r.resource.name, r.status])).toEqual([
      ['deny-api', 'ok'],
      ['web', 'ok'],
    ]);
    expect(writes().map((r) => [r.method, r.path, r.query, r.contentType])).toEqual([
      [
        'PATCH',
        '/apis/projectcalico.org/v3/namespaces/shop/networkpolicies/deny-api',
        { fieldManager: 'palisade', force: 'true' },
        'application/apply-patch+yaml',
      ],
      [
        'PATCH',
        '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web',
        { fieldManager: 'palisade', force: 'true' },
        'application/apply-patch+yaml',
      ],
      ['DELETE', '/apis/projectcalico.org/v3/namespaces/shop/networkpolicies/stale', {}, undefined],
    ]);
    expect(writes()[0]!.body).toEqual(calicoPolicy('deny-api', 'report'));
    expect(writes()[1]!.body).toEqual(k8sPolicy);
    expect(writes().some((r) => r.path.endsWith('/by-hand'))).toBe(false);

    const before = writes().length;
    await provider!.applyDesiredState(1, [calicoPolicy('deny-api', 'report'), k8sPolicy], []);
    expect(writes()).toHaveLength(before);

    // Dropping the Kubernetes policy prunes it.
    await provider!.applyDesiredState(2, [calicoPolicy('deny-api', 'report')], []);
    expect(
      writes()
        .slice(before)
        .map((r) => [r.method, r.path]),
    ).toEqual([['DELETE', '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web']]);
  });

  it('refuses to take over an object of a desired name that it does not manage', async () => {
    const outcome = await provider!.applyDesiredState(1, [{ ...calicoPolicy('by-hand', 'report') }], []);
    expect(outcome.results).toEqual([
      expect.objectContaining({
        status: 'failed',
        message: expect.stringContaining('does not touch it') as unknown,
      }),
    ]);
    expect(writes().filter((r) => r.path.endsWith('/by-hand'))).toEqual([]);
  });

  it('notices drift through the watch: reports what differs, and re-applies in revert mode', async () => {
    const drift: ApplyOutcome[] = [];
    provider!.onDrift((o) => drift.push(o));
    await provider!.applyDesiredState(
      1,
      [calicoPolicy('reported', 'report'), calicoPolicy('reverted', 'revert')],
      [],
    );
    await waitFor(() => api.openWatches(CALICO) === 1, 'the watch of managed Calico policies');
    expect(api.watchRequests(CALICO)[0]!.query['labelSelector']).toBe(
      'app.kubernetes.io/managed-by=palisade',
    );

    const list = api.lists.get(CALICO)!;
    const edited = (name: string) => ({
      ...calicoPolicy(name, name === 'reverted' ? 'revert' : 'report', 5),
    });
    list.items = list.items.map((item) =>
      (item as { metadata: { name: string } }).metadata.name === 'reported'
        ? edited('reported')
        : (item as { metadata: { name: string } }).metadata.name === 'reverted'
          ? edited('reverted')
          : item,
    );
    const patches = writes().length;
    api.push(CALICO, 'MODIFIED', edited('reported'));
    await waitFor(() => drift.length >= 2, 'drift, then the revert');
    expect(drift[0]!.drift.map((d) => [d.resource.name, d.drift, d.message])).toEqual([
      ['reported', 'modified', 'spec.order: desired 100, found 5'],
      ['reverted', 'modified', 'spec.order: desired 100, found 5'],
    ]);
    expect(drift[1]!.drift.map((d) => d.resource.name)).toEqual(['reported']);
    expect(
      writes()
        .slice(patches)
        .map((r) => [r.method, r.path]),
    ).toEqual([['PATCH', '/apis/projectcalico.org/v3/namespaces/shop/networkpolicies/reverted']]);
    expect(provider!.appliedState()?.drift.map((d) => d.resource.name)).toEqual(['reported']);
  });
});
