// Day partitions from the gateway's side (decisions 0040, 0042): a gateway meeting a day without
// its partition (no worker has run, as on a fresh install) creates it before the batch's
// transaction and stores the batch; and when a day it had seen is dropped under it, the failed
// write is not acknowledged, the gateway forgets what it knew, and the resend lands. The definer
// function that makes partitions accepts only days near today, and dropping is not the gateway's.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness, type EnrolledCluster } from './support/harness.js';
import { flowRecord, storedFlows, wire } from './support/flow-records.js';
import { TestTunnelClient } from './support/tunnel-client.js';

let h: GatewayHarness;
let gateway: RunningGateway;
/** The first test's record: its day is the one the gateway has then seen. */
const seen = flowRecord();

beforeAll(async () => {
  h = await GatewayHarness.start();
});
afterAll(async () => h.stop());

async function connect(cluster: EnrolledCluster): Promise<TestTunnelClient> {
  const client = await TestTunnelClient.connect(h.url(gateway));
  client.hello({ kind: 'credential', credential: cluster.credential });
  await client.next('welcome');
  return client;
}

/** Drops the day partitions of every flow table holding `startTime` (Unix seconds). */
async function dropDay(startTime: number): Promise<string[]> {
  const day = new Date(startTime * 1000).toISOString().slice(0, 10).replaceAll('-', '');
  const names = ['flows', 'flow_edge_minutes', 'flow_policy_minutes', 'flow_pair_hours'].map(
    (t) => `${t}_${day}`,
  );
  for (const name of names) await h.sql.query(`DROP TABLE IF EXISTS flow_partitions.${name}`);
  return names;
}

async function partitionsExist(names: string[]): Promise<boolean> {
  const { rows } = await h.sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'flow_partitions' AND c.relname = ANY($1)`,
    [names],
  );
  return Number(rows[0]?.n) === names.length;
}

describe('flow partitions', () => {
  it('creates the partition of a day it meets for the first time, and stores the batch', async () => {
    const record = seen;
    const names = await dropDay(record.start_time);
    gateway = await h.gateway();
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [wire(record)] });
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    expect(await partitionsExist(names)).toBe(true);
    expect(await storedFlows(h.sql, cluster.clusterId)).toHaveLength(1);
    await client.closeAndWait();
  });

  it('does not acknowledge a batch for a day dropped under it, and stores the resend', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    const record = { ...seen, dest_name: 'after-drop-*' };
    await dropDay(record.start_time);
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [wire(record)] });
    expect((await client.closed).reason).toBe('internal_error');
    expect(client.received.some((m) => m.type === 'flow.ack')).toBe(false);

    const again = await connect(cluster);
    again.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [wire(record)] });
    expect(await again.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    expect((await storedFlows(h.sql, cluster.clusterId)).map((f) => f.dest_name)).toEqual(['after-drop-*']);
    await again.closeAndWait();
  });

  it("keeps the partition door narrow: days near today only, and no dropping for the gateway's role", async () => {
    const asGateway = new pg.Client({ connectionString: h.gatewayDatabaseUrl });
    await asGateway.connect();
    const code = (error: unknown): unknown => (error as { code?: unknown }).code;
    try {
      await expect(
        asGateway.query("SELECT flows_ensure_partitions((now() AT TIME ZONE 'UTC')::date + 40)"),
      ).rejects.toSatisfy((e) => code(e) === '22023');
      await expect(asGateway.query("SELECT * FROM flows_drop_expired_partitions('1 day')")).rejects.toSatisfy(
        (e) => code(e) === '42501',
      );
      await expect(asGateway.query('CREATE TABLE flow_partitions.mine (x int)')).rejects.toSatisfy(
        (e) => code(e) === '42501',
      );
    } finally {
      await asGateway.end();
    }
  });
});
