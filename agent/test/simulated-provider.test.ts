import { mkdtemp, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkSnapshot, decodeMessage } from '@palisade/protocol';
import type { InventoryDelta } from '../src/inventory/inventory-delta.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { ClusterSpecError } from '../src/providers/simulated/spec-error.js';
import { waitFor } from '@palisade/testing';

const EXAMPLES = new URL('../examples/', import.meta.url).pathname;

describe('simulated provider: examples', () => {
  it('shop.yaml: namespaces, pods, service accounts and services as a cluster would report them', async () => {
    const provider = await SimulatedProvider.load({ file: join(EXAMPLES, 'shop.yaml'), watch: false });
    const items = provider.snapshot();
    expect(provider.facts()).toEqual({
      provider: 'simulated',
      kubernetesVersion: 'v1.30.4',
      calicoVersion: 'v3.29.1',
    });
    expect(items.namespaces.map((n) => n.name)).toEqual(['backend', 'db', 'frontend', 'monitoring']);
    expect(items.namespaces.find((n) => n.name === 'db')!.labels).toEqual({
      env: 'prod',
      'kubernetes.io/metadata.name': 'db',
      pci: 'true',
      team: 'data',
    });
    expect(provider.counts()).toEqual({ namespaces: 4, endpoints: 16, serviceAccounts: 9, services: 7 });

    const api = items.endpoints.filter((e) => e.namespace === 'backend' && e.labels['app'] === 'api');
    expect(api).toHaveLength(4);
    const hash = api[0]!.labels['pod-template-hash']!;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    expect(api.map((e) => e.name)).toEqual([0, 1, 2, 3].map((n) => `api-${hash}-${String(n)}`));
    expect(api[0]).toMatchObject({
      labels: { app: 'api', tier: 'backend', 'pod-template-hash': hash },
      ports: [
        { name: 'http', port: 8000, protocol: 'TCP' },
        { name: 'grpc', port: 9000, protocol: 'TCP' },
      ],
      serviceAccount: 'api',
    });
    for (const e of items.endpoints) {
      expect(e.ips).toHaveLength(1);
      expect(e.ips[0]).toMatch(/^10\.244\.\d+\.\d+$/);
      expect(e.node).toMatch(/^shop-node-[123]$/);
    }
    expect(new Set(items.endpoints.map((e) => e.ips[0])).size).toBe(16);
    expect(items.endpoints.find((e) => e.name.startsWith('nginx-'))!.serviceAccount).toBe('default');

    expect(items.serviceAccounts.filter((a) => a.name === 'default').map((a) => a.namespace)).toEqual([
      'backend',
      'db',
      'frontend',
      'monitoring',
    ]);
    const apiService = items.services.find((s) => s.namespace === 'backend' && s.name === 'api')!;
    expect(apiService).toMatchObject({
      selector: { app: 'api' },
      ports: [
        { name: 'http', port: 80, targetPort: 8000, protocol: 'TCP' },
        { name: 'grpc', port: 9000, targetPort: 9000, protocol: 'TCP' },
      ],
    });
    expect(apiService.clusterIps[0]).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(apiService.endpoints.map((e) => e.pod)).toEqual(api.map((e) => e.name));
    expect(apiService.endpoints.map((e) => e.ip)).toEqual(api.map((e) => e.ips[0]));
    expect(provider.traffic()).toHaveLength(15);

    // What the gateway would receive is valid by the protocol's own decoder.
    for (const chunk of chunkSnapshot(1, items))
      expect(decodeMessage(JSON.stringify(chunk), undefined, 'agent').ok).toBe(true);
  });

  it('loads deterministically: the same file gives the same inventory', async () => {
    const a = await SimulatedProvider.load({ file: join(EXAMPLES, 'shop.yaml'), watch: false });
    const b = await SimulatedProvider.load({ file: join(EXAMPLES, 'shop.yaml'), watch: false });
    expect(b.snapshot()).toEqual(a.snapshot());
  });

  it('large.yaml has 2,000 pods across 20 namespaces, and its snapshot fits the protocol', async () => {
    const provider = await SimulatedProvider.load({ file: join(EXAMPLES, 'large.yaml'), watch: false });
    expect(provider.counts()).toMatchObject({ namespaces: 20, endpoints: 2_000 });
    const items = provider.snapshot();
    expect(new Set(items.endpoints.map((e) => e.ips[0])).size).toBe(2_000);
    const chunks = chunkSnapshot(7, items);
    for (const chunk of chunks)
      expect(decodeMessage(JSON.stringify(chunk), undefined, 'agent').ok).toBe(true);
  });
});

describe('simulated provider: file edits become deltas', () => {
  let dir: string;
  let file: string;
  let provider: SimulatedProvider | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-sim-'));
    file = join(dir, 'cluster.yaml');
    await writeFile(file, await readFile(join(EXAMPLES, 'shop.yaml'), 'utf8'));
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function started(): Promise<{ deltas: InventoryDelta[] }> {
    provider = await SimulatedProvider.load({ file, debounceMs: 20, pollIntervalMs: 100 });
    await provider.start();
    const deltas: InventoryDelta[] = [];
    provider.onChange((d) => deltas.push(d));
    return { deltas };
  }

  async function edit(change: (text: string) => string): Promise<void> {
    const text = change(await readFile(file, 'utf8'));
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  }

  it('scaling a workload adds and removes pods, and updates its service', async () => {
    const { deltas } = await started();
    const before = provider!.snapshot();
    const oldIps = new Map(before.endpoints.map((e) => [e.name, e.ips[0]]));
    await edit((t) => t.replace(/name: api\n {4}replicas: 4/, 'name: api\n    replicas: 6'));
    const delta = await waitFor(() => deltas[0], 'a delta after scaling up');
    expect(delta.upserts.endpoints.map((e) => e.name.replace(/-\w{10}-/, '-*-'))).toEqual([
      'api-*-4',
      'api-*-5',
    ]);
    expect(delta.upserts.services.map((s) => s.name)).toEqual(['api']);
    expect(delta.upserts.services[0]!.endpoints).toHaveLength(6);
    expect(delta.upserts.namespaces).toEqual([]);
    expect(delta.deletes.endpoints).toEqual([]);
    // Nobody else was renumbered.
    for (const e of provider!.snapshot().endpoints)
      if (oldIps.has(e.name)) expect(e.ips[0]).toBe(oldIps.get(e.name));

    await edit((t) => t.replace(/name: api\n {4}replicas: 6/, 'name: api\n    replicas: 1'));
    const down = await waitFor(() => deltas[1], 'a delta after scaling down');
    expect(down.deletes.endpoints.map((r) => r.name.replace(/-\w{10}-/, '-*-'))).toEqual([
      'api-*-1',
      'api-*-2',
      'api-*-3',
      'api-*-4',
      'api-*-5',
    ]);
    expect(down.upserts.endpoints).toEqual([]);
    expect(down.upserts.services[0]!.endpoints).toHaveLength(1);
  });

  it('relabelling a namespace and a workload updates them in place', async () => {
    const { deltas } = await started();
    await edit((t) =>
      t
        .replace('labels: { team: sre }', 'labels: { team: sre, env: prod }')
        .replace('labels: { app: redis, tier: data }', 'labels: { app: redis, tier: cache }'),
    );
    const delta = await waitFor(() => deltas[0], 'a delta after relabelling');
    expect(delta.upserts.namespaces).toEqual([
      {
        name: 'monitoring',
        labels: { env: 'prod', 'kubernetes.io/metadata.name': 'monitoring', team: 'sre' },
      },
    ]);
    expect(delta.upserts.endpoints).toHaveLength(1);
    expect(delta.upserts.endpoints[0]!.labels['tier']).toBe('cache');
    expect(delta.deletes).toEqual({ namespaces: [], endpoints: [], serviceAccounts: [], services: [] });
  });

  it('adding and removing a namespace', async () => {
    const { deltas } = await started();
    await edit((t) =>
      t.replace('namespaces:\n', 'namespaces:\n  - name: batch\n    labels: { team: data }\n'),
    );
    const added = await waitFor(() => deltas[0], 'a delta after adding a namespace');
    expect(added.upserts.namespaces.map((n) => n.name)).toEqual(['batch']);
    expect(added.upserts.serviceAccounts).toEqual([{ namespace: 'batch', name: 'default', labels: {} }]);

    // Removing db means removing everything in it, and what referred to it.
    await edit((t) =>
      t
        .replace(/ {2}- name: db\n {4}labels: .*\n/, '')
        .replace(/ {2}- \{ namespace: db, .*\n/g, '')
        .replace(/ {2}- namespace: db\n( {4}.*\n)+/g, '')
        .replace(/ {2}- \{ from: [^}]*db\/[^}]*\}\n/g, ''),
    );
    const removed = await waitFor(() => deltas[1], 'a delta after removing a namespace');
    expect(removed.deletes.namespaces).toEqual(['db']);
    expect(removed.deletes.endpoints.map((r) => r.namespace)).toEqual(['db', 'db']);
    expect(removed.deletes.services).toEqual([
      { namespace: 'db', name: 'postgres' },
      { namespace: 'db', name: 'redis' },
    ]);
    expect(removed.deletes.serviceAccounts.map((r) => `${r.namespace}/${r.name}`)).toEqual([
      'db/default',
      'db/postgres',
    ]);
    expect(provider!.counts().namespaces).toBe(4);
  });

  it('an invalid edit changes nothing and is reported; the next valid one applies', async () => {
    const { deltas } = await started();
    const before = provider!.snapshot();
    await edit((t) => t.replace('replicas: 4', 'replicas: -4'));
    const error = await waitFor(() => provider!.lastError(), 'the edit to be refused');
    expect(error).toBeInstanceOf(ClusterSpecError);
    expect(error.message).toContain('workloads[2].replicas: must be 0 or more');
    expect(provider!.snapshot()).toEqual(before);
    expect(deltas).toEqual([]);

    await edit((t) => t.replace('replicas: -4', 'replicas: 3'));
    await waitFor(() => deltas[0], 'the corrected edit to apply');
    expect(provider!.lastError()).toBeNull();
    expect(provider!.counts().endpoints).toBe(15);
  });

  it('a rewrite with the same content emits nothing', async () => {
    const { deltas } = await started();
    await edit((t) => `${t}\n# a comment\n`);
    await provider!.reload();
    await edit((t) => t.replace('replicas: 4', 'replicas: 5'));
    await waitFor(() => deltas.length > 0, 'the real change');
    expect(deltas).toHaveLength(1);
  });
});
