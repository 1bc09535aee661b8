// The inventory stream lands in `cluster_inventory`: a chunked snapshot replaces the cluster's
// rows, deltas upsert and delete (a namespace takes its contents with it), `inventory_revision`
// grows with each write, and a sequence gap makes the gateway ask for a resync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  chunkSnapshot,
  type InventoryDeletes,
  type InventoryItems,
  type WorkloadEndpoint,
} from '@palisade/protocol';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness } from './support/harness.js';
import { connectAgent, type TestTunnelClient } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;
let gateway: RunningGateway;

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway();
});
afterAll(async () => h.stop());

const none = (): InventoryItems => ({ namespaces: [], endpoints: [], serviceAccounts: [], services: [] });
const noDeletes = (): InventoryDeletes => ({
  namespaces: [],
  endpoints: [],
  serviceAccounts: [],
  services: [],
});

function pod(namespace: string, name: string, app: string): WorkloadEndpoint {
  return {
    namespace,
    name,
    labels: { app },
    ips: ['10.0.0.1'],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    serviceAccount: 'default',
    node: 'node-1',
  };
}

function inventory(): InventoryItems {
  return {
    namespaces: [
      { name: 'shop', labels: { team: 'web' } },
      { name: 'db', labels: {} },
    ],
    endpoints: [
      pod('shop', 'frontend-1', 'frontend'),
      pod('shop', 'backend-1', 'backend'),
      pod('db', 'pg-0', 'pg'),
    ],
    serviceAccounts: [{ namespace: 'shop', name: 'default', labels: {} }],
    services: [
      {
        namespace: 'shop',
        name: 'frontend',
        labels: {},
        selector: { app: 'frontend' },
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
        clusterIps: ['10.96.0.10'],
        endpoints: [{ ip: '10.0.0.1', pod: 'frontend-1', ready: true }],
      },
    ],
  };
}

async function rows(clusterId: string): Promise<string[]> {
  const { rows: found } = await h.sql.query<{ key: string }>(
    `SELECT kind || ':' || namespace || '/' || name AS key FROM cluster_inventory WHERE cluster_id = $1 ORDER BY 1`,
    [clusterId],
  );
  return found.map((r) => r.key);
}

async function revision(clusterId: string): Promise<number> {
  return Number((await h.cluster(clusterId))?.['inventory_revision']);
}

async function connected(): Promise<{ clusterId: string; orgId: string; client: TestTunnelClient }> {
  const { clusterId, orgId, credential } = await h.enrolledCluster();
  const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
  return { clusterId, orgId, client };
}

describe('inventory', () => {
  it('stores a chunked snapshot, then applies deltas', async () => {
    const { clusterId, orgId, client } = await connected();
    const chunks = chunkSnapshot(1, inventory(), { ...DEFAULT_LIMITS, maxInventoryItemsPerFrame: 2 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) client.send(chunk);
    await waitFor(async () => (await revision(clusterId)) === 1, 'the snapshot write');
    expect(await rows(clusterId)).toEqual([
      'endpoint:db/pg-0',
      'endpoint:shop/backend-1',
      'endpoint:shop/frontend-1',
      'namespace:/db',
      'namespace:/shop',
      'service:shop/frontend',
      'service_account:shop/default',
    ]);
    const { rows: stored } = await h.sql.query(
      `SELECT org_id, labels, data FROM cluster_inventory WHERE cluster_id = $1 AND kind = 'endpoint' AND name = 'frontend-1'`,
      [clusterId],
    );
    expect(stored[0]).toEqual({
      org_id: orgId,
      labels: { app: 'frontend' },
      data: pod('shop', 'frontend-1', 'frontend'),
    });

    client.send({
      type: 'inventory.delta',
      revision: 1,
      sequence: 1,
      upserts: {
        ...none(),
        endpoints: [pod('shop', 'frontend-2', 'frontend'), { ...pod('shop', 'backend-1', 'api') }],
      },
      deletes: { ...noDeletes(), namespaces: ['db'], services: [{ namespace: 'shop', name: 'frontend' }] },
    });
    await waitFor(async () => (await revision(clusterId)) === 2, 'the delta write');
    expect(await rows(clusterId)).toEqual([
      'endpoint:shop/backend-1',
      'endpoint:shop/frontend-1',
      'endpoint:shop/frontend-2',
      'namespace:/shop',
      'service_account:shop/default',
    ]);
    const { rows: relabelled } = await h.sql.query(
      `SELECT labels FROM cluster_inventory WHERE cluster_id = $1 AND name = 'backend-1'`,
      [clusterId],
    );
    expect(relabelled[0]).toEqual({ labels: { app: 'api' } });
    expect((await h.cluster(clusterId))?.['inventory_updated_at']).toBeInstanceOf(Date);
    await client.closeAndWait();
  });

  it('asks for a resync on a sequence gap, ignores deltas until the new snapshot, which replaces everything', async () => {
    const { clusterId, client } = await connected();
    for (const chunk of chunkSnapshot(7, inventory())) client.send(chunk);
    await waitFor(async () => (await revision(clusterId)) === 1, 'the snapshot write');
    const delta = (sequence: number, name: string) =>
      client.send({
        type: 'inventory.delta',
        revision: 7,
        sequence,
        upserts: { ...none(), namespaces: [{ name, labels: {} }] },
        deletes: noDeletes(),
      });
    delta(2, 'skipped-one');
    expect(await client.next('inventory.resync')).toEqual({
      type: 'inventory.resync',
      reason: 'sequence_gap',
    });
    delta(3, 'after-the-gap');
    client.send({
      type: 'inventory.delta',
      revision: 99,
      sequence: 1,
      upserts: none(),
      deletes: noDeletes(),
    });
    for (const chunk of chunkSnapshot(8, { ...none(), namespaces: [{ name: 'fresh', labels: {} }] }))
      client.send(chunk);
    await waitFor(async () => (await revision(clusterId)) === 2, 'the resync snapshot');
    expect(await rows(clusterId)).toEqual(['namespace:/fresh']);

    client.send({ type: 'inventory.delta', revision: 3, sequence: 1, upserts: none(), deletes: noDeletes() });
    expect(await client.next('inventory.resync')).toEqual({
      type: 'inventory.resync',
      reason: 'unknown_revision',
    });
    await client.closeAndWait();
  });

  it('closes with limit_exceeded when a snapshot outgrows what may be staged', async () => {
    const small = await h.gateway({ tuning: { maxStagedInventoryItems: 4 } });
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(small), { kind: 'credential', credential });
    for (const chunk of chunkSnapshot(1, inventory(), { ...DEFAULT_LIMITS, maxInventoryItemsPerFrame: 3 })) {
      if (!client.isClosed) client.send(chunk);
    }
    expect((await client.closed).reason).toBe('limit_exceeded');
    expect(await rows(clusterId)).toEqual([]);
  });

  it('does not write inventory for a superseded connection', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const old = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    await h.sql.query('UPDATE clusters SET lease_epoch = lease_epoch + 10 WHERE id = $1', [clusterId]);
    for (const chunk of chunkSnapshot(1, inventory())) old.client.send(chunk);
    old.client.send({ type: 'heartbeat', sentAtMs: 1 });
    await old.client.next('heartbeat');
    await old.client.next('heartbeat');
    expect(await revision(clusterId)).toBe(0);
    expect(await rows(clusterId)).toEqual([]);
    old.client.destroy();
  });
});
