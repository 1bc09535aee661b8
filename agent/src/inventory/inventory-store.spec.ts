import type { WorkloadEndpoint } from '@palisade/protocol';
import { describe, expect, it } from 'vitest';
import type { InventoryDelta } from './inventory-delta.js';
import { InventoryStore } from './inventory-store.js';

const endpoint = (name: string, labels: Record<string, string>, ip: string): WorkloadEndpoint => ({
  namespace: 'shop',
  name,
  labels,
  ips: [ip],
  ports: [],
  serviceAccount: 'default',
  node: null,
});

function store(): { s: InventoryStore; deltas: InventoryDelta[] } {
  const s = new InventoryStore({ coalesceMs: 0 });
  const deltas: InventoryDelta[] = [];
  s.onChange((d) => deltas.push(d));
  return { s, deltas };
}

describe('inventory store', () => {
  it('publishes only real changes', () => {
    const { s, deltas } = store();
    s.upsertNamespace({ name: 'shop', labels: { a: '1' } });
    s.flush();
    s.upsertNamespace({ name: 'shop', labels: { a: '1' } });
    s.flush();
    s.upsertNamespace({ name: 'shop', labels: { a: '2' } });
    s.upsertNamespace({ name: 'shop', labels: { a: '1' } });
    s.flush();
    s.deleteEndpoint({ namespace: 'shop', name: 'ghost' });
    s.flush();
    expect(deltas).toHaveLength(1);
  });

  it('derives service endpoints from pods, and republishes a service when its pods change', () => {
    const { s, deltas } = store();
    s.upsertService({
      namespace: 'shop',
      name: 'web',
      labels: {},
      selector: { app: 'web' },
      ports: [],
      clusterIps: ['10.96.0.1'],
    });
    s.upsertEndpoint(endpoint('web-1', { app: 'web' }, '10.0.0.1'), true);
    s.upsertEndpoint(endpoint('db-1', { app: 'db' }, '10.0.0.2'), true);
    s.flush();
    expect(deltas[0]!.upserts.services[0]!.endpoints).toEqual([
      { ip: '10.0.0.1', pod: 'web-1', ready: true },
    ]);
    s.upsertEndpoint(endpoint('web-1', { app: 'web' }, '10.0.0.1'), false);
    s.flush();
    expect(deltas[1]!.upserts.endpoints).toEqual([]);
    expect(deltas[1]!.upserts.services[0]!.endpoints).toEqual([
      { ip: '10.0.0.1', pod: 'web-1', ready: false },
    ]);
    s.upsertEndpoint(endpoint('db-1', { app: 'db', tier: 'data' }, '10.0.0.2'), true);
    s.flush();
    expect(deltas[2]!.upserts.services).toEqual([]);
  });

  it('takes a namespace’s contents with it, and says so explicitly', () => {
    const { s, deltas } = store();
    s.upsertNamespace({ name: 'shop', labels: {} });
    s.upsertEndpoint(endpoint('web-1', {}, '10.0.0.1'), true);
    s.upsertServiceAccount({ namespace: 'shop', name: 'default', labels: {} });
    s.upsertServiceAccount({ namespace: 'shopping', name: 'default', labels: {} });
    s.flush();
    s.deleteNamespace('shop');
    s.flush();
    expect(deltas[1]!.deletes).toEqual({
      namespaces: ['shop'],
      endpoints: [{ namespace: 'shop', name: 'web-1' }],
      serviceAccounts: [{ namespace: 'shop', name: 'default' }],
      services: [],
    });
    expect(s.counts()).toEqual({ namespaces: 0, endpoints: 0, serviceAccounts: 1, services: 0 });
  });

  it('coalesces changes within its window into one delta', async () => {
    const s = new InventoryStore({ coalesceMs: 20 });
    const deltas: InventoryDelta[] = [];
    s.onChange((d) => deltas.push(d));
    for (let i = 0; i < 50; i++)
      s.upsertEndpoint(endpoint(`p-${String(i)}`, {}, `10.0.1.${String(i)}`), true);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (deltas.length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    expect(deltas).toHaveLength(1);
    expect(deltas[0]!.upserts.endpoints).toHaveLength(50);
    s.close();
  });
});
