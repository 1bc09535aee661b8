// Flow batches through a real gateway into real Postgres (issue 13 item 4, decision 0040): a
// batch lands exactly once with its rollups, status and event, under the organisation and cluster
// of the tunnel's credential; a resend (on the same or a new connection) is acknowledged and
// changes nothing; the ack waits for COMMIT; batches piling up unwritten close the tunnel at a
// bound; a batch whose write fails is not acknowledged, the
// tunnel is closed, and the resend after reconnecting stores it once; and row-level security
// keeps every flow table to its own organisation.
import type { FlowsLandedEvent } from '@palisade/protocol/routing';
import { waitFor } from '@palisade/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness, type EnrolledCluster } from './support/harness.js';
import { bucketStart, flowRecord, flowStatus, storedFlows, wire } from './support/flow-records.js';
import { TestTunnelClient } from './support/tunnel-client.js';

let h: GatewayHarness;
let gateway: RunningGateway;
let events: FlowsLandedEvent[];

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway();
  events = await h.subscribe<FlowsLandedEvent>(h.keys.flowEvents);
});
afterAll(async () => h.stop());

async function connect(cluster: EnrolledCluster, instanceId = 'agent-1'): Promise<TestTunnelClient> {
  const client = await TestTunnelClient.connect(h.url(gateway));
  client.hello({ kind: 'credential', credential: cluster.credential }, { instanceId });
  await client.next('welcome');
  return client;
}

async function count(table: string, clusterId: string): Promise<number> {
  const { rows } = await h.sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE cluster_id = $1`,
    [clusterId],
  );
  return Number(rows[0]?.n);
}

describe('flow batches', () => {
  it('stores an accepted batch once, merged per flow, with its rollups, status and event', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    const start = bucketStart(60);
    const records = [
      flowRecord({ start_time: start, end_time: start + 15 }),
      // The same flow and bucket again: merged (counters summed, labels intersected).
      flowRecord({ start_time: start, end_time: start + 15, source_labels: ['app=frontend'], packets_in: 8 }),
      flowRecord({
        start_time: start + 15,
        end_time: start + 30,
        dest_name: 'payments-6c8d9f-*',
        action: 'deny',
        reporter: 'src',
        policies: { enforced: ['0|default|np:shop/deny-payments|deny|2'], pending: [] },
      }),
    ];
    client.send({ type: 'flow.batch', sequence: 7, droppedTotal: 4, records: records.map(wire) });
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 7 });

    const flows = await storedFlows(h.sql, cluster.clusterId);
    expect(flows).toHaveLength(2);
    const [allowed, denied] = flows;
    expect(allowed).toMatchObject({
      org_id: cluster.orgId,
      cluster_id: cluster.clusterId,
      source_labels: ['app=frontend'],
      packets_in: '50',
      bytes_out: String(2 * 88310),
      num_flows: '6',
      pending_action: 'deny',
      policies_enforced: [{ kind: 'np', name: 'allow-frontend', rule_index: 0 }],
      policies_pending: [{ kind: 'sgnp', name: 'quarantine-shop', action: 'deny' }],
    });
    expect(allowed?.start_time.getTime()).toBe(start * 1000);
    expect(denied).toMatchObject({ dest_name: 'payments-6c8d9f-*', pending_action: null });

    // The edge rollup is the worker's (decision 0207): the write marks its minutes pending and
    // writes no edge row.
    const { rows: pending } = await h.sql.query<{ org_id: string; minute: Date }>(
      'SELECT org_id, minute FROM flow_edge_pending_minutes WHERE cluster_id = $1 ORDER BY minute',
      [cluster.clusterId],
    );
    const minutes = [...new Set([start, start + 15].map((t) => t - (t % 60)))];
    expect(pending).toEqual(minutes.map((m) => ({ org_id: cluster.orgId, minute: new Date(m * 1000) })));
    const { rows: edges } = await h.sql.query<{ n: string }>(
      'SELECT count(*) AS n FROM flow_edge_minutes WHERE cluster_id = $1',
      [cluster.clusterId],
    );
    expect(edges).toEqual([{ n: '0' }]);
    const { rows: hits } = await h.sql.query<{
      trace: string;
      policy_name: string;
      rule_index: number;
      packets_in: string;
    }>(
      `SELECT trace, policy_name, rule_index, sum(packets_in) AS packets_in FROM flow_policy_minutes
        WHERE cluster_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2`,
      [cluster.clusterId],
    );
    expect(hits).toEqual([
      { trace: 'enforced', policy_name: 'allow-frontend', rule_index: 0, packets_in: '50' },
      { trace: 'enforced', policy_name: 'deny-payments', rule_index: 2, packets_in: '42' },
      { trace: 'pending', policy_name: 'quarantine-shop', rule_index: 0, packets_in: '50' },
    ]);

    expect(await flowStatus(h.sql, cluster.clusterId)).toMatchObject({
      org_id: cluster.orgId,
      agent_instance: 'agent-1',
      last_sequence: '7',
      records_accepted: '3',
      records_rejected: '0',
      rejected_by_reason: {},
      agent_dropped_total: '4',
      dropped_total: '4',
    });
    const event = await waitFor(() => events.find((e) => e.clusterId === cluster.clusterId), 'the event');
    expect(event).toEqual({
      orgId: cluster.orgId,
      clusterId: cluster.clusterId,
      bucketStarts: [start, start + 15],
      records: 2,
    });
    await client.closeAndWait();
  });

  it('stores every text exactly as sent, whatever characters COPY must escape', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    const start = bucketStart(60);
    const labels = ['a=tab\there', 'b=line\nbreak\r', 'c=back\\slash\\N', 'd="quoted"', 'e=naïve ✓', 'f=\\.'];
    const record = flowRecord({
      start_time: start,
      end_time: start + 15,
      source_labels: labels,
      dest_labels: [],
    });
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [wire(record)] });
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    const [flow] = await storedFlows(h.sql, cluster.clusterId);
    expect(flow?.source_labels).toEqual([...labels].sort());
    expect(flow?.start_time.getTime()).toBe(start * 1000);
    const { rows } = await h.sql.query<{ end_time: Date; dest_labels: unknown; flow_key: Buffer }>(
      'SELECT end_time, dest_labels, flow_key FROM flows WHERE cluster_id = $1',
      [cluster.clusterId],
    );
    expect(rows[0]?.end_time.getTime()).toBe((start + 15) * 1000);
    expect(rows[0]?.dest_labels).toEqual([]);
    expect(rows[0]?.flow_key).toHaveLength(16);
    await client.closeAndWait();
  });

  it('acknowledges a resend of the same batch, on the same or a new connection, and changes nothing', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    const record = flowRecord();
    const batch = {
      type: 'flow.batch' as const,
      sequence: 1,
      droppedTotal: 0,
      records: [wire(record)],
    };
    client.send(batch);
    await client.next('flow.ack');
    await waitFor(() => events.some((e) => e.clusterId === cluster.clusterId), 'the first event');
    const before = {
      flows: await storedFlows(h.sql, cluster.clusterId),
      status: await flowStatus(h.sql, cluster.clusterId),
    };

    client.send(batch);
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    await client.closeAndWait();
    const again = await connect(cluster);
    again.send(batch);
    expect(await again.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });

    expect(await storedFlows(h.sql, cluster.clusterId)).toEqual(before.flows);
    expect((await flowStatus(h.sql, cluster.clusterId))?.records_accepted).toBe(
      before.status?.records_accepted,
    );
    expect(await count('flow_batches', cluster.clusterId)).toBe(1);

    // The same sequence from another agent process is another batch; its record of the same flow
    // and bucket merges into the stored row.
    const restarted = await connect(cluster, 'agent-2');
    restarted.send({ ...batch, records: [wire({ ...record, source_labels: ['tier=web', 'zone=a'] })] });
    await restarted.next('flow.ack');
    expect(await storedFlows(h.sql, cluster.clusterId)).toMatchObject([
      { packets_in: '84', source_labels: ['tier=web'] },
    ]);
    // That write ran twice (decision 0211): its COPY met the stored row and rolled back, and the
    // upsert merged it; the policy rollup counts the second record once.
    const { rows: hits } = await h.sql.query<{ packets_in: string }>(
      'SELECT sum(packets_in) AS packets_in FROM flow_policy_minutes WHERE cluster_id = $1 AND trace = $2',
      [cluster.clusterId, 'enforced'],
    );
    expect(hits).toEqual([{ packets_in: '84' }]);
    expect(await count('flow_batches', cluster.clusterId)).toBe(2);
    // Events arrive in publishing order: had a resend published one, it would be before this.
    await waitFor(
      () => events.filter((e) => e.clusterId === cluster.clusterId).length >= 2,
      'the second event',
    );
    expect(events.filter((e) => e.clusterId === cluster.clusterId)).toHaveLength(2);
    await again.closed;
    await restarted.closeAndWait();
  });

  it('sums what agents report they dropped, across agent processes, in the status and /metrics', async () => {
    const cluster = await h.enrolledCluster();
    const metric = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${String(gateway.port)}/metrics`)).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('palisade_gateway_flow_records_dropped_by_agents_total '));
      return Number(line?.split(' ')[1] ?? 0);
    };
    const before = await metric();
    const first = await connect(cluster, 'process-1');
    first.send({ type: 'flow.batch', sequence: 1, droppedTotal: 4, records: [] });
    first.send({ type: 'flow.batch', sequence: 2, droppedTotal: 6, records: [] });
    await first.next('flow.ack');
    await first.next('flow.ack');
    await first.closeAndWait();
    // A new process counts from zero again.
    const second = await connect(cluster, 'process-2');
    second.send({ type: 'flow.batch', sequence: 1, droppedTotal: 3, records: [] });
    await second.next('flow.ack');
    expect(await flowStatus(h.sql, cluster.clusterId)).toMatchObject({
      agent_instance: 'process-2',
      last_sequence: '1',
      agent_dropped_total: '3',
      dropped_total: '9',
    });
    expect((await metric()) - before).toBe(9);
    await second.closeAndWait();
  });

  it('acknowledges only after COMMIT', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [wire(flowRecord())] });
    await client.next('flow.ack');

    // Hold the cluster's status row: the batch's transaction writes its flows, then waits on it.
    const holder = new pg.Client({ connectionString: h.db.adminUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM cluster_flow_status WHERE cluster_id = $1 FOR UPDATE', [
        cluster.clusterId,
      ]);
      client.send({
        type: 'flow.batch',
        sequence: 2,
        droppedTotal: 0,
        records: [wire(flowRecord({ dest_name: 'held-*' }))],
      });
      await waitFor(async () => {
        const { rows } = await h.sql.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE usename = 'palisade_gateway' AND wait_event_type = 'Lock' AND datname = current_database()`,
        );
        return Number(rows[0]?.n) > 0;
      }, 'the batch to wait on the held row');
      expect(client.received.filter((m) => m.type === 'flow.ack')).toEqual([
        { type: 'flow.ack', sequence: 1 },
      ]);
      expect((await storedFlows(h.sql, cluster.clusterId)).map((f) => f.dest_name)).not.toContain('held-*');
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 2 });
    expect((await storedFlows(h.sql, cluster.clusterId)).map((f) => f.dest_name)).toContain('held-*');
    await client.closeAndWait();
  });

  it('writes the batches that queued during a write in one transaction, acknowledged in order', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    const held = flowRecord({ dest_name: 'held-*' });
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 1, records: [wire(flowRecord())] });
    await client.next('flow.ack');
    const acksBefore = client.received.filter((m) => m.type === 'flow.ack').length;

    // Batch 2 waits on the held status row; 3, a resend of 1, and 4 queue behind it.
    const holder = new pg.Client({ connectionString: h.db.adminUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM cluster_flow_status WHERE cluster_id = $1 FOR UPDATE', [
        cluster.clusterId,
      ]);
      client.send({ type: 'flow.batch', sequence: 2, droppedTotal: 2, records: [wire(held)] });
      await waitFor(async () => {
        const { rows } = await h.sql.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE usename = 'palisade_gateway' AND wait_event_type = 'Lock' AND datname = current_database()`,
        );
        return Number(rows[0]?.n) > 0;
      }, 'the batch to wait on the held row');
      // 3 and 4 hold the same flow and bucket: written together, they make one row.
      const merged = flowRecord({ dest_name: 'merged-*', packets_in: 5 });
      client.send({ type: 'flow.batch', sequence: 3, droppedTotal: 2, records: [wire(merged)] });
      client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 1, records: [wire(flowRecord())] });
      client.send({
        type: 'flow.batch',
        sequence: 4,
        droppedTotal: 5,
        records: [wire({ ...merged, packets_in: 7, source_labels: ['app=frontend'] }), { bad: true }],
      });
      await new Promise((r) => setTimeout(r, 200));
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    await waitFor(
      () => client.received.filter((m) => m.type === 'flow.ack').length === acksBefore + 4,
      'four acks',
    );
    expect(
      client.received.flatMap((m) => (m.type === 'flow.ack' ? [m.sequence] : [])).slice(acksBefore),
    ).toEqual([2, 3, 1, 4]);
    const flows = await storedFlows(h.sql, cluster.clusterId);
    expect(flows.map((f) => f.dest_name).sort()).toEqual(['cart-5f6d7c8b9-*', 'held-*', 'merged-*']);
    expect(flows.find((f) => f.dest_name === 'merged-*')).toMatchObject({
      packets_in: '12',
      source_labels: ['app=frontend'],
    });
    const { rows: batches } = await h.sql.query<{ sequence: string; tx: string }>(
      'SELECT sequence, xmin::text AS tx FROM flow_batches WHERE cluster_id = $1 ORDER BY sequence',
      [cluster.clusterId],
    );
    expect(batches.map((b) => b.sequence)).toEqual(['1', '2', '3', '4']);
    // One transaction for the two batches that queued behind the held one.
    expect(batches[2]!.tx).toBe(batches[3]!.tx);
    expect(batches[1]!.tx).not.toBe(batches[2]!.tx);
    expect(await flowStatus(h.sql, cluster.clusterId)).toMatchObject({
      last_sequence: '4',
      records_accepted: '4',
      records_rejected: '1',
      agent_dropped_total: '5',
      dropped_total: '5',
    });
    await client.closeAndWait();
  });

  it('closes a tunnel whose batches pile up unwritten, holding no more than its bound', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [] });
    await client.next('flow.ack');
    const holder = new pg.Client({ connectionString: h.db.adminUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM cluster_flow_status WHERE cluster_id = $1 FOR UPDATE', [
        cluster.clusterId,
      ]);
      // One batch waits on the held row, MAX_QUEUED_FLOW_BATCHES (16) wait behind it, the next is one too many.
      for (let sequence = 2; sequence <= 19; sequence++) {
        client.send({ type: 'flow.batch', sequence, droppedTotal: 0, records: [] });
      }
      const closed = await client.closed;
      expect(closed.reason).toBe('rate_limited');
      expect(closed.message?.message).toContain('faster than they are stored');
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    expect(client.received.filter((m) => m.type === 'flow.ack')).toEqual([{ type: 'flow.ack', sequence: 1 }]);
  });

  it('does not acknowledge a batch it could not store; the resend after reconnecting lands once', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    await h.sql.query('REVOKE INSERT ON flow_batches FROM palisade_gateway');
    try {
      client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [wire(flowRecord())] });
      // A later batch must not be acknowledged either: an ack covers every earlier sequence.
      client.send({
        type: 'flow.batch',
        sequence: 2,
        droppedTotal: 0,
        records: [wire(flowRecord({ dest_name: 'later-*' }))],
      });
      const closed = await client.closed;
      expect(closed.reason).toBe('internal_error');
      expect(client.received.some((m) => m.type === 'flow.ack')).toBe(false);
    } finally {
      await h.sql.query('GRANT INSERT ON flow_batches TO palisade_gateway');
    }
    expect(await count('flows', cluster.clusterId)).toBe(0);

    const again = await connect(cluster);
    for (const sequence of [1, 2]) {
      again.send({
        type: 'flow.batch',
        sequence,
        droppedTotal: 0,
        records: [wire(flowRecord(sequence === 2 ? { dest_name: 'later-*' } : {}))],
      });
    }
    expect(await again.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    expect(await again.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 2 });
    expect((await storedFlows(h.sql, cluster.clusterId)).map((f) => [f.dest_name, f.packets_in])).toEqual([
      ['cart-5f6d7c8b9-*', '42'],
      ['later-*', '42'],
    ]);
    await again.closeAndWait();
  });
});

describe('row-level security on the flow tables', () => {
  /** What the API reads; flow_batches (the gateway's idempotency record) is not granted to it at all. */
  const TABLES = ['flows', 'flow_edge_pending_minutes', 'flow_policy_minutes', 'cluster_flow_status'];

  async function asApp(
    orgId: string | null,
    text: string,
  ): Promise<{ rows: { n: string }[] } | { code: string }> {
    const app = new pg.Client({ connectionString: h.db.urlAs('palisade_app') });
    await app.connect();
    try {
      await app.query('BEGIN');
      await app.query("SELECT set_config('app.org_id', $1, true)", [orgId ?? '']);
      return await app.query<{ n: string }>(text);
    } catch (error) {
      return { code: (error as { code: string }).code };
    } finally {
      await app.end();
    }
  }

  it("shows an organisation its own flows and nothing of another organisation's", async () => {
    const owner = await h.enrolledCluster();
    const other = await h.newOrg();
    const client = await connect(owner);
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [wire(flowRecord())] });
    await client.next('flow.ack');
    await client.closeAndWait();

    for (const table of TABLES) {
      const where = `WHERE cluster_id = '${owner.clusterId}'`;
      const own = await asApp(owner.orgId, `SELECT count(*) AS n FROM ${table} ${where}`);
      expect(own, table).toMatchObject({ rows: [{ n: table === 'flow_policy_minutes' ? '2' : '1' }] });
      expect(await asApp(other, `SELECT count(*) AS n FROM ${table} ${where}`), table).toMatchObject({
        rows: [{ n: '0' }],
      });
      expect(await asApp(null, `SELECT count(*) AS n FROM ${table}`), table).toMatchObject({
        rows: [{ n: '0' }],
      });
    }
    expect(await asApp(owner.orgId, 'SELECT count(*) AS n FROM flow_batches')).toEqual({ code: '42501' });
    // Partitions are reachable only through their parents.
    const { rows } = await h.sql.query<{ relname: string }>(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.flows'::regclass LIMIT 1",
    );
    expect(await asApp(owner.orgId, `SELECT count(*) AS n FROM flow_partitions.${rows[0]!.relname}`)).toEqual(
      {
        code: '42501',
      },
    );
    // The API's role reads flows; it does not write them.
    expect(await asApp(owner.orgId, `DELETE FROM flows WHERE cluster_id = '${owner.clusterId}'`)).toEqual({
      code: '42501',
    });
  });
});
