// The agent under the RBAC of the install manifest the API generates: the test API server refuses
// (403) every request that the manifest's Roles and ClusterRoles do not allow the agent's
// ServiceAccount, and the kubernetes provider and the credential Secret store do all their work —
// cluster facts, inventory list and watch, policy apply, prune and drift watch, credential save and
// load — without one refusal. Without the clusterinformations rule (the manifest before this
// change) the Calico version silently becomes null, which is the bug issue 19 describes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyResource } from '@palisade/policy';
import { waitFor } from '@palisade/testing';
import { SecretCredentialStore } from '../../agent/src/credentials/secret-store.js';
import { KubernetesProvider } from '../../agent/src/providers/kubernetes/kubernetes-provider.js';
import {
  collectionPath,
  PLACEMENTS as POLICY_KINDS,
} from '../../agent/src/providers/kubernetes/policy-kinds.js';
import { FakeKubeApi, namespace } from '../../agent/test/support/fake-kube-api.js';
import { RbacAuthorizer } from '../../agent/test/support/rbac-authorizer.js';
import {
  AGENT_NAMESPACE,
  installManifest,
} from '../../services/api/src/modules/clusters/install-manifest.js';
import { parseManifests } from '../checks/kubernetes-manifests.js';

const AGENT = { namespace: AGENT_NAMESPACE, name: 'palisade-agent' };
const INVENTORY = ['/api/v1/namespaces', '/api/v1/pods', '/api/v1/serviceaccounts', '/api/v1/services'];
const MANAGED = { 'app.kubernetes.io/managed-by': 'palisade' };

const manifest = parseManifests(
  'install.yaml',
  installManifest({
    clusterName: 'prod-eu',
    orgSlug: 'acme',
    enrollmentToken: 'pal_enr_0123456789abcdef0123456789abcdef',
    gatewayUrl: 'wss://tunnel.example.com/v1/tunnel',
    image: 'palisade/agent:0.1.0',
  }),
);

const k8sPolicy = (name: string) =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace: 'shop',
      labels: MANAGED,
      annotations: { 'palisade.io/drift-mode': 'revert' },
    },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  }) as unknown as PolicyResource;

describe("the agent under the install manifest's RBAC", () => {
  let api: FakeKubeApi;
  let provider: KubernetesProvider | undefined;

  function enforce(objects: readonly unknown[]): RbacAuthorizer {
    const authorizer = new RbacAuthorizer(objects, AGENT);
    api.authorize = (request) => authorizer.allows(request);
    return authorizer;
  }

  async function start(): Promise<KubernetesProvider> {
    provider = new KubernetesProvider({
      config: api.kubeConfig(),
      retry: { initialMs: 20, maxMs: 100 },
      coalesceMs: 10,
    });
    await provider.start();
    return provider;
  }

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    api.setList('/api/v1/namespaces', [namespace('shop')], '1');
    for (const path of INVENTORY.slice(1)) api.setList(path, [], '1');
    for (const kind of POLICY_KINDS) api.setList(collectionPath(kind, null), [], '1');
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await api.stop();
  });

  it('does all its work without one refusal', async () => {
    const authorizer = enforce(manifest);
    const agent = await start();
    expect(agent.facts().calicoVersion).toBe('v3.29.1');
    await waitFor(() => INVENTORY.every((p) => api.openWatches(p) === 1), 'a watch on every inventory kind');

    const applied = await agent.applyDesiredState(1, [k8sPolicy('deny-all'), k8sPolicy('web')], []);
    expect(applied.results.map((r) => r.status)).toEqual(['ok', 'ok']);
    const pruned = await agent.applyDesiredState(2, [k8sPolicy('web')], []);
    expect(pruned.results.map((r) => r.status)).toEqual(['ok']);
    expect(api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/deny-all',
    ]);

    const store = new SecretCredentialStore(api.kubeConfig(), AGENT_NAMESPACE, 'palisade-agent-credential');
    const credential = { credential: 'pal_cred_x', clusterId: 'c1', enrollmentTokenSha256: 'ab' };
    await store.save(credential);
    await store.save({ ...credential, credential: 'pal_cred_y' });
    expect(await store.load()).toMatchObject({ credential: 'pal_cred_y' });

    const refused = api.requests.filter((r) => !authorizer.allows(r)).map((r) => `${r.method} ${r.path}`);
    expect(refused).toEqual([]);
    expect(new Set(api.requests.map((r) => r.method))).toEqual(
      new Set(['GET', 'PATCH', 'DELETE', 'POST', 'PUT']),
    );
  });

  it('reports no Calico version when the manifest lacks the clusterinformations rule (the 403 is swallowed)', async () => {
    const before = manifest.map((o) =>
      o.kind === 'ClusterRole'
        ? {
            ...o,
            rules: (o['rules'] as { apiGroups: string[] }[]).filter(
              (r) => !r.apiGroups.includes('crd.projectcalico.org'),
            ),
          }
        : o,
    );
    const authorizer = enforce(before);
    const agent = await start();
    expect(agent.facts().calicoVersion).toBeNull();
    expect(api.requests.filter((r) => !authorizer.allows(r)).map((r) => r.path)).toEqual([
      '/apis/crd.projectcalico.org/v1/clusterinformations/default',
    ]);
  });

  it('refuses what the manifest does not grant', () => {
    const authorizer = new RbacAuthorizer(manifest, AGENT);
    const get = (path: string, query: Record<string, string> = {}) => ({ method: 'GET', path, query });
    expect(
      authorizer.allows(get('/api/v1/namespaces/palisade-system/secrets/palisade-agent-credential')),
    ).toBe(true);
    expect(authorizer.allows(get('/api/v1/namespaces/palisade-system/secrets/other'))).toBe(false);
    expect(authorizer.allows(get('/api/v1/namespaces/kube-system/secrets/palisade-agent-credential'))).toBe(
      false,
    );
    expect(authorizer.allows(get('/api/v1/secrets'))).toBe(false);
    expect(authorizer.allows(get('/api/v1/pods'))).toBe(true);
    expect(authorizer.allows(get('/api/v1/pods', { watch: 'true' }))).toBe(true);
    expect(authorizer.allows(get('/api/v1/namespaces/shop/pods/web-1'))).toBe(false);
    expect(authorizer.allows(get('/api/v1/endpoints'))).toBe(false);
    expect(authorizer.allows(get('/apis/discovery.k8s.io/v1/endpointslices'))).toBe(false);
    // A subresource is its own resource: list on pods grants no pods/log.
    expect(authorizer.allows(get('/api/v1/namespaces/shop/pods/web-1/log'))).toBe(false);
    expect(
      authorizer.allows({
        method: 'PUT',
        path: '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/x',
        query: {},
      }),
    ).toBe(false);
    expect(
      new RbacAuthorizer(manifest, { namespace: 'default', name: 'palisade-agent' }).allows(
        get('/api/v1/pods'),
      ),
    ).toBe(false);
  });
});
