// Bad flow input through a real gateway (issue 13 item 4, decision 0041): bad records are rejected
// one by one with a field-named reason, counted per cluster and in /metrics, while the good records
// of the same batch land; a record cannot choose its cluster or organisation; a cluster that
// floods is closed with `flow_rate_exceeded`, stays limited when it reconnects, and another cluster
// keeps flowing; oversized batches cost their own tunnel only, and store nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness, type EnrolledCluster } from './support/harness.js';
import { bucketStart, flowRecord, flowStatus, storedFlows, wire } from './support/flow-records.js';
import { TestTunnelClient } from './support/tunnel-client.js';

let h: GatewayHarness;
let gateway: RunningGateway;

beforeAll(async () => {
  h = await GatewayHarness.start();
  // A small record budget per cluster: a batch of 8 fits the burst, a second one does not, and the
  // refill (one record per 100 s) cannot make a difference within the test.
  gateway = await h.gateway({ tuning: { flowRecordsPerSecond: 0.01, flowRecordBurst: 12 } });
});
afterAll(async () => h.stop());

async function connect(cluster: EnrolledCluster): Promise<TestTunnelClient> {
  const client = await TestTunnelClient.connect(h.url(gateway));
  client.hello({ kind: 'credential', credential: cluster.credential });
  await client.next('welcome');
  return client;
}

function records(n: number, firstPort = 1000) {
  return Array.from({ length: n }, (_, i) => wire(flowRecord({ dest_port: firstPort + i })));
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${String(gateway.port)}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

describe('bad flow records', () => {
  it('rejects each bad record with its reason, stores the good ones of the batch, and keeps the tunnel', async () => {
    const cluster = await h.enrolledCluster();
    const victim = await h.enrolledCluster();
    const client = await connect(cluster);
    const now = Math.floor(Date.now() / 1000);
    const good = flowRecord();
    const batch = [
      wire(good),
      wire(flowRecord({ dest_name: 'orders-*' })),
      wire({ ...good, source_type: 'pod' }),
      wire({ ...good, policies: { enforced: ['0|default|allow-frontend|allow'], pending: [] } }),
      wire({ ...good, packets_in: -1 }),
      wire(flowRecord({ start_time: bucketStart(-3_600), end_time: bucketStart(-3_600) + 15 })),
      wire(
        flowRecord({
          start_time: now - (now % 15) - 2 * 86_400,
          end_time: now - (now % 15) - 2 * 86_400 + 15,
        }),
      ),
      // Tenancy comes from the credential: a record naming a cluster or organisation is refused.
      wire({ ...good, dest_name: 'forged-*', cluster_id: victim.clusterId }),
      wire({ ...good, dest_name: 'forged-*', org_id: victim.orgId }),
    ];
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: batch });

    const report = await client.next('error');
    expect(report.code).toBe('bad_request');
    expect(report.message).toContain('7 of 9 flow records of batch 1 were rejected; first: source_type:');
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });

    expect((await storedFlows(h.sql, cluster.clusterId)).map((f) => f.dest_name)).toEqual([
      'cart-5f6d7c8b9-*',
      'orders-*',
    ]);
    expect(await storedFlows(h.sql, victim.clusterId)).toEqual([]);
    const { rows: forged } = await h.sql.query("SELECT 1 FROM flows WHERE dest_name = 'forged-*'");
    expect(forged).toEqual([]);
    expect(await flowStatus(h.sql, cluster.clusterId)).toMatchObject({
      records_accepted: '2',
      records_rejected: '7',
      rejected_by_reason: {
        source_type: 1,
        'policies.enforced': 1,
        packets_in: 1,
        start_time: 2,
        unknown_field: 2,
      },
    });
    expect(await metric('palisade_gateway_flow_records_rejected_total', 'reason="unknown_field"')).toBe(2);
    expect(await metric('palisade_gateway_flow_records_rejected_total', 'reason="start_time"')).toBe(2);
    expect(await metric('palisade_gateway_flow_records_total', 'outcome="accepted"')).toBe(2);

    // The counts add up across batches, and the tunnel still works.
    client.send({
      type: 'flow.batch',
      sequence: 2,
      droppedTotal: 0,
      records: [wire({ ...good, action: 'drop' })],
    });
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 2 });
    expect((await flowStatus(h.sql, cluster.clusterId))?.rejected_by_reason).toMatchObject({
      action: 1,
      source_type: 1,
    });
    expect(client.isClosed).toBe(false);
    await client.closeAndWait();
  });
});

describe('flow rate limits', () => {
  it('rejects a label Postgres cannot store (NUL, a lone surrogate) by its record, not the whole batch', async () => {
    const cluster = await h.enrolledCluster();
    const client = await connect(cluster);
    const good = flowRecord();
    client.send({
      type: 'flow.batch',
      sequence: 1,
      droppedTotal: 0,
      records: [
        wire(good),
        wire(flowRecord({ dest_name: 'nul-*', source_labels: ['app=a\u0000b'] })),
        wire(flowRecord({ dest_name: 'surrogate-*', dest_labels: ['app=\ud800'] })),
      ],
    });
    const report = await client.next('error');
    expect(report.message).toContain(
      '2 of 3 flow records of batch 1 were rejected; first: source_labels[0]:',
    );
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    expect((await storedFlows(h.sql, cluster.clusterId)).map((f) => f.dest_name)).toEqual([
      'cart-5f6d7c8b9-*',
    ]);
    expect((await flowStatus(h.sql, cluster.clusterId))?.rejected_by_reason).toEqual({
      source_labels: 1,
      dest_labels: 1,
    });
    expect(client.isClosed).toBe(false);
    await client.closeAndWait();
  });

  it('closes a cluster that floods, keeps it limited across reconnects, and lets another cluster flow', async () => {
    const flooder = await h.enrolledCluster();
    const other = await h.enrolledCluster();
    const a = await connect(flooder);
    const b = await connect(other);

    a.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: records(8) });
    expect(await a.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    a.send({ type: 'flow.batch', sequence: 2, droppedTotal: 0, records: records(8, 2000) });
    const closed = await a.closed;
    expect(closed.reason).toBe('flow_rate_exceeded');
    expect(closed.message).toMatchObject({ reason: 'flow_rate_exceeded', retryAfterMs: 1000 });

    // Reconnecting at once does not refill the cluster's budget.
    const again = await connect(flooder);
    again.send({ type: 'flow.batch', sequence: 2, droppedTotal: 0, records: records(8, 2000) });
    expect((await again.closed).reason).toBe('flow_rate_exceeded');
    expect(await storedFlows(h.sql, flooder.clusterId)).toHaveLength(8);

    b.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: records(5) });
    expect(await b.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    expect(await storedFlows(h.sql, other.clusterId)).toHaveLength(5);
    expect(b.isClosed).toBe(false);
    expect(await metric('palisade_gateway_flow_batches_total', 'outcome="rate_limited"')).toBe(2);
    expect(await metric('palisade_gateway_closes_total', 'reason="flow_rate_exceeded"')).toBe(2);
    await b.closeAndWait();
  });
});

describe('oversized flow batches', () => {
  it('closes the sender with the protocol reason and stores nothing, while another cluster flows', async () => {
    const big = await h.enrolledCluster();
    const other = await h.enrolledCluster();
    const healthy = await connect(other);

    const tooLarge = await connect(big);
    tooLarge.sendRaw(
      JSON.stringify({
        type: 'flow.batch',
        sequence: 1,
        droppedTotal: 0,
        records: [{ ...flowRecord(), source_labels: [`app=${'x'.repeat(1_100_000)}`] }],
      }),
    );
    expect((await tooLarge.closed).reason).toBe('frame_too_large');

    const tooMany = await connect(big);
    const many = Array.from({ length: 1_001 }, () => ({}));
    tooMany.sendRaw(JSON.stringify({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: many }));
    expect((await tooMany.closed).reason).toBe('limit_exceeded');

    expect(await storedFlows(h.sql, big.clusterId)).toEqual([]);
    expect(await flowStatus(h.sql, big.clusterId)).toBeUndefined();
    healthy.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: records(3) });
    expect(await healthy.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    await healthy.closeAndWait();
  });
});
