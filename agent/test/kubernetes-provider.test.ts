import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import type { InventoryDelta } from '../src/inventory/inventory-delta.js';
import { loadKubeConfig } from '../src/providers/kubernetes/kube-config.js';
import { KubernetesProvider } from '../src/providers/kubernetes/kubernetes-provider.js';
import { FakeKubeApi, namespace, pod, service, serviceAccount, status } from './support/fake-kube-api.js';
import { waitFor } from '@palisade/testing';

const PATHS = ['/api/v1/namespaces', '/api/v1/pods', '/api/v1/serviceaccounts', '/api/v1/services'] as const;

describe('kubernetes provider against a recorded API server', () => {
  let api: FakeKubeApi;
  let provider: KubernetesProvider | undefined;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    api.setList('/api/v1/namespaces', [namespace('default'), namespace('shop', { team: 'web' })], '100');
    api.setList(
      '/api/v1/pods',
      [
        pod('shop', 'web-1', { labels: { app: 'web' }, ip: '10.0.0.11', serviceAccount: 'web' }),
        pod('shop', 'web-2', { labels: { app: 'web' }, ip: '10.0.0.12', ready: false }),
        pod('kube-system', 'kube-proxy-x', { hostNetwork: true, ip: '192.168.1.10' }),
        pod('shop', 'migrate-1', { phase: 'Succeeded', ip: '10.0.0.13' }),
      ],
      '101',
    );
    api.setList(
      '/api/v1/serviceaccounts',
      [serviceAccount('shop', 'default'), serviceAccount('shop', 'web')],
      '102',
    );
    api.setList(
      '/api/v1/services',
      [service('shop', 'web', { app: 'web' }, '10.96.0.20'), service('shop', 'external', undefined, 'None')],
      '103',
    );
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await api.stop();
  });

  async function started(logger?: Logger): Promise<{ deltas: InventoryDelta[] }> {
    provider = new KubernetesProvider({
      ...(logger ? { logger } : {}),
      config: api.kubeConfig(),
      retry: { initialMs: 20, maxMs: 100 },
      coalesceMs: 10,
    });
    await provider.start();
    const deltas: InventoryDelta[] = [];
    provider.onChange((d) => deltas.push(d));
    await waitFor(() => PATHS.every((p) => api.openWatches(p) === 1), 'a watch on every kind');
    return { deltas };
  }

  it('lists every kind, then watches each from its list resourceVersion, authenticated', async () => {
    await started();
    expect(api.requests.slice(0, 2).map((r) => r.path)).toEqual([
      '/version',
      '/apis/crd.projectcalico.org/v1/clusterinformations/default',
    ]);
    for (const [path, rv] of [
      ['/api/v1/namespaces', '100'],
      ['/api/v1/pods', '101'],
      ['/api/v1/serviceaccounts', '102'],
      ['/api/v1/services', '103'],
    ] as const) {
      expect(api.listRequests(path)).toHaveLength(1);
      expect(api.watchRequests(path).map((r) => r.query)).toEqual([{ watch: 'true', resourceVersion: rv }]);
    }
    expect(new Set(api.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer test-token']));
    expect(provider!.facts()).toEqual({
      provider: 'kubernetes',
      kubernetesVersion: 'v1.30.4',
      calicoVersion: 'v3.29.1',
    });
  });

  it('maps objects to the inventory: pods with IPs, ports, service account and node; no host-network or finished pods', async () => {
    await started();
    const items = provider!.snapshot();
    expect(items.namespaces).toEqual([
      { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } },
      { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'web' } },
    ]);
    expect(items.endpoints).toEqual([
      {
        namespace: 'shop',
        name: 'web-1',
        labels: { app: 'web' },
        ips: ['10.0.0.11'],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        serviceAccount: 'web',
        node: 'node-1',
      },
      expect.objectContaining({ name: 'web-2', serviceAccount: 'default' }),
    ]);
    expect(items.serviceAccounts.map((a) => a.name)).toEqual(['default', 'web']);
    expect(items.services).toEqual([
      {
        namespace: 'shop',
        name: 'external',
        labels: {},
        selector: null,
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
        clusterIps: [],
        endpoints: [],
      },
      {
        namespace: 'shop',
        name: 'web',
        labels: {},
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
        clusterIps: ['10.96.0.20'],
        endpoints: [
          { ip: '10.0.0.11', pod: 'web-1', ready: true },
          { ip: '10.0.0.12', pod: 'web-2', ready: false },
        ],
      },
    ]);
  });

  it('turns watch events into deltas, and drops events that change nothing', async () => {
    const { deltas } = await started();
    api.push(
      '/api/v1/pods',
      'ADDED',
      pod('shop', 'web-3', { labels: { app: 'web' }, ip: '10.0.0.14', rv: '110' }),
    );
    const added = await waitFor(() => deltas[0], 'the ADDED delta');
    expect(added.upserts.endpoints.map((e) => e.name)).toEqual(['web-3']);
    expect(added.upserts.services[0]!.endpoints.map((e) => e.pod)).toEqual(['web-1', 'web-2', 'web-3']);

    // Only the resourceVersion changed: nothing to report.
    api.push(
      '/api/v1/pods',
      'MODIFIED',
      pod('shop', 'web-3', { labels: { app: 'web' }, ip: '10.0.0.14', rv: '111' }),
    );
    api.push('/api/v1/namespaces', 'MODIFIED', namespace('shop', { team: 'shop' }, '112'));
    const relabelled = await waitFor(() => deltas[1], 'the namespace delta');
    expect(relabelled.upserts).toMatchObject({
      namespaces: [{ name: 'shop', labels: { team: 'shop' } }],
      endpoints: [],
    });

    api.push(
      '/api/v1/pods',
      'MODIFIED',
      pod('shop', 'web-3', { labels: { app: 'api' }, ip: '10.0.0.14', rv: '113' }),
    );
    const moved = await waitFor(() => deltas[2], 'the relabel delta');
    expect(moved.upserts.endpoints[0]!.labels).toEqual({ app: 'api' });
    expect(moved.upserts.services[0]!.endpoints.map((e) => e.pod)).toEqual(['web-1', 'web-2']);

    api.push('/api/v1/pods', 'DELETED', pod('shop', 'web-1', { rv: '114' }));
    api.push('/api/v1/services', 'DELETED', service('shop', 'external', undefined, 'None'));
    const deleted = await waitFor(() => deltas[3], 'the delete delta');
    expect(deleted.deletes.endpoints).toEqual([{ namespace: 'shop', name: 'web-1' }]);
    expect(deleted.deletes.services).toEqual([{ namespace: 'shop', name: 'external' }]);

    api.push('/api/v1/namespaces', 'DELETED', namespace('shop'));
    const gone = await waitFor(() => deltas[4], 'the namespace deletion');
    expect(gone.deletes.namespaces).toEqual(['shop']);
    expect(gone.deletes.endpoints.map((r) => r.name)).toEqual(['web-2', 'web-3']);
    expect(deltas).toHaveLength(5);
  });

  it('re-lists after a 410 Gone watch event, then watches from the new resourceVersion; the difference becomes a delta', async () => {
    const { deltas } = await started();
    api.setList(
      '/api/v1/pods',
      [
        pod('shop', 'web-1', { labels: { app: 'web' }, ip: '10.0.0.11', serviceAccount: 'web' }),
        pod('shop', 'web-9', { labels: { app: 'web' }, ip: '10.0.0.19' }),
      ],
      '300',
    );
    api.push('/api/v1/pods', 'ERROR', {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: 'too old resource version: 101 (250)',
    });
    api.endWatches('/api/v1/pods');
    await waitFor(
      () => api.watchRequests('/api/v1/pods').some((r) => r.query['resourceVersion'] === '300'),
      'a watch from the new list',
    );
    expect(api.listRequests('/api/v1/pods')).toHaveLength(2);
    const delta = await waitFor(() => deltas[0], 'the re-list delta');
    expect(delta.deletes.endpoints).toEqual([{ namespace: 'shop', name: 'web-2' }]);
    expect(delta.upserts.endpoints.map((e) => e.name)).toEqual(['web-9']);
  });

  it('re-lists when the watch request itself answers 410 Gone', async () => {
    await started();
    api.push('/api/v1/services', 'MODIFIED', {
      ...(service('shop', 'web', { app: 'web' }, '10.96.0.20') as object),
      metadata: { namespace: 'shop', name: 'web', resourceVersion: '150' },
    });
    api.script('WATCH /api/v1/services', status(410, 'Expired', 'too old resource version'));
    api.setList('/api/v1/services', [service('shop', 'web', { app: 'web' }, '10.96.0.20')], '400');
    api.endWatches('/api/v1/services');
    await waitFor(
      () => api.watchRequests('/api/v1/services').some((r) => r.query['resourceVersion'] === '400'),
      'a watch after the re-list',
    );
    expect(api.watchRequests('/api/v1/services').map((r) => r.query['resourceVersion'])).toEqual([
      '103',
      '150',
      '400',
    ]);
    expect(provider!.counts().services).toBe(1);
  });

  it('refuses to start with a clear error when RBAC forbids a list (403)', async () => {
    api.script(
      'LIST /api/v1/pods',
      status(
        403,
        'Forbidden',
        'pods is forbidden: User "system:serviceaccount:palisade-system:palisade-agent" cannot list resource "pods"',
      ),
    );
    provider = new KubernetesProvider({ config: api.kubeConfig(), retry: { initialMs: 20, maxMs: 100 } });
    await expect(provider.start()).rejects.toThrow(
      'the Kubernetes API forbids the agent to list and watch pods in all namespaces (403 Forbidden): grant its ServiceAccount that permission',
    );
  });

  it('refuses to start with a clear error when the credentials are refused (401)', async () => {
    api.script('LIST /api/v1/namespaces', status(401, 'Unauthorized', 'Unauthorized'));
    provider = new KubernetesProvider({ config: api.kubeConfig() });
    await expect(provider.start()).rejects.toThrow(
      /refused the agent's credentials \(401 Unauthorized\) to list and watch namespaces/,
    );
  });

  it('retries a list that fails transiently at start', async () => {
    api.script(
      'LIST /api/v1/services',
      status(500, 'InternalError', 'etcd timeout'),
      status(503, 'ServiceUnavailable', 'try later'),
    );
    await started();
    expect(api.listRequests('/api/v1/services')).toHaveLength(3);
    expect(provider!.counts().services).toBe(2);
  });

  it('reports a watch refused later (403) and keeps retrying from where it was', async () => {
    const lines: { level: number; msg: string; status?: number }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    await started(logger);
    api.script('WATCH /api/v1/pods', status(403, 'Forbidden', 'pods is forbidden'));
    api.endWatches('/api/v1/pods');
    await waitFor(() => api.watchRequests('/api/v1/pods').length === 3, 'the refused watch and its retry');
    await waitFor(() => api.openWatches('/api/v1/pods') === 1, 'the watch to be re-established');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        status: 403,
        msg: expect.stringContaining('forbids the agent to list and watch pods'),
      }),
    ]);
    expect(api.watchRequests('/api/v1/pods').map((r) => r.query['resourceVersion'])).toEqual([
      '101',
      '101',
      '101',
    ]);
    expect(provider!.counts().endpoints).toBe(2);
  });

  it('reads no Calico version where Calico is not installed', async () => {
    api.script(
      'GET /apis/crd.projectcalico.org/v1/clusterinformations/default',
      status(404, 'NotFound', 'the server could not find the requested resource'),
    );
    await started();
    expect(provider!.facts().calicoVersion).toBeNull();
  });
});

// Runs against a real cluster when one is configured; otherwise reported as skipped, by name.
const liveKubeconfig = process.env['PALISADE_TEST_KUBECONFIG'] ?? process.env['KUBECONFIG'];
describe.skipIf(liveKubeconfig === undefined)(
  'kubernetes provider against a live cluster (needs KUBECONFIG or PALISADE_TEST_KUBECONFIG)',
  () => {
    it('lists and watches the live cluster', async () => {
      const config = loadKubeConfig({ inCluster: false, kubeconfigPath: liveKubeconfig! });
      expect(config).toBeInstanceOf(KubeConfig);
      const live = new KubernetesProvider({ config });
      try {
        await live.start();
        expect(live.facts().kubernetesVersion).toMatch(/^v\d+\.\d+/);
        const names = live.snapshot().namespaces.map((n) => n.name);
        expect(names).toContain('default');
        expect(names).toContain('kube-system');
        expect(live.counts().serviceAccounts).toBeGreaterThan(0);
      } finally {
        await live.stop();
      }
    });
  },
);
