// The agent's flow pipeline end to end on the agent side: a simulated cluster (seeded, on a clock
// the test steps) → aggregation → the bounded buffer → `flow.batch` frames over a real loopback
// WebSocket to the scripted gateway, which acks when the test says. Checked: at most four batches
// in flight, resending of every unacknowledged batch with its original sequence and records after
// a reconnect, no flow lost or counted twice across it, and, with the gateway away, the oldest
// flows dropped and counted in `droppedTotal`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregationKey, type FlowRecord } from '@palisade/flows';
import type { FlowBatchMessage } from '@palisade/protocol';
import { freePort, waitFor } from '@palisade/testing';
import { startAgent, type RunningAgent } from '../src/agent.js';
import { FileCredentialStore } from '../src/credentials/file-store.js';
import { FLOW_MAX_BATCHES_IN_FLIGHT } from '../src/limits.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { FakeGateway, type FakeConnection } from './support/fake-gateway.js';
import { ManualClock } from './support/manual-clock.js';

const CLUSTER = `
cluster: { name: shipping-test }
namespaces: [{ name: shop }, { name: db }]
workloads:
  - { namespace: shop, name: web, replicas: 3, labels: { app: web } }
  - { namespace: shop, name: worker, labels: { app: worker } }
  - { namespace: db, name: postgres, labels: { app: postgres } }
traffic:
  - { from: shop/web, to: db/postgres, port: 5432, rate: 5 }
  - { from: shop/worker, to: db/postgres, port: 5432, rate: 2 }
  - { from: shop/web, to: shop/worker, port: 8080, rate: 3 }
  - { from: shop/web, to: 198.51.100.7, port: 443, rate: 1 }
  - { from: shop/worker, to: 192.168.4.0/24, port: 53, protocol: UDP, rate: 1 }
`;
const START_MS = 1_767_225_600_000;
const BUCKET_MS = 15_000;
const FAST = { backoff: { initialMs: 20, maxMs: 200 }, immediateJitterMs: 20, welcomeTimeoutMs: 2_000 };

type Batch = FlowBatchMessage & { records: FlowRecord[] };

describe('flow shipping', () => {
  let dir: string;
  let clock: ManualClock;
  let provider: SimulatedProvider;
  let agent: RunningAgent<SimulatedProvider> | undefined;
  let gateway: FakeGateway | undefined;
  /** Everything the simulated cluster produced, as a second listener sees it. */
  let produced: FlowRecord[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-flow-shipping-'));
    await writeFile(join(dir, 'cluster.yaml'), CLUSTER);
    clock = new ManualClock(START_MS);
    provider = await SimulatedProvider.load({
      file: join(dir, 'cluster.yaml'),
      watch: false,
      clock,
      trafficSeed: 3,
    });
    produced = [];
  });
  afterEach(async () => {
    await agent?.close();
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(
    gatewayUrl: string,
    flowBufferRecords: number,
  ): Promise<RunningAgent<SimulatedProvider>> {
    const started = await startAgent({
      provider,
      gatewayUrl,
      credentials: new FileCredentialStore(join(dir, 'state')),
      enrollmentToken: 'pen_enrollment_token_for_tests',
      timings: FAST,
      clock,
      flowBufferRecords,
    });
    provider.onFlows((records) => produced.push(...records));
    return started;
  }

  function batches(connection: FakeConnection): Batch[] {
    return connection.received.filter((m): m is Batch => m.type === 'flow.batch');
  }

  function lastConnection(): FakeConnection {
    const last = gateway?.last();
    if (last === undefined) throw new Error('no connection');
    return last;
  }

  /** Where the agent stands, for a timeout's message. */
  function state(): string {
    const s = agent!.flows();
    return (
      `agent ${agent!.status()}, acked ${String(s.ackedSequence)}, ${String(s.unackedBatches)} unacknowledged, ` +
      `${String(s.waiting)} waiting; ${String(gateway!.connections.length)} connection(s)`
    );
  }

  /**
   * Acknowledges what arrives until the agent holds nothing unacknowledged, on whichever
   * connection the agent has now: on a loaded machine it may miss its welcome timeout and
   * reconnect (then it resends what was not acknowledged, with the same sequences).
   */
  async function drain(): Promise<void> {
    for (;;) {
      const connection = lastConnection();
      const highest = Math.max(0, ...uniqueBatches().map((b) => b.sequence));
      connection.send({ type: 'flow.ack', sequence: highest });
      const moved = () => lastConnection() !== connection;
      await waitFor(
        () => {
          if (agent!.flows().ackedSequence >= highest || moved()) return true;
          throw new Error(state());
        },
        `the ack of ${String(highest)}`,
      );
      if (moved()) continue;
      const stats = agent!.flows();
      if (stats.unackedBatches === 0 && stats.waiting === 0) return;
      await waitFor(() => {
        if (Math.max(0, ...uniqueBatches().map((b) => b.sequence)) > highest || moved()) return true;
        throw new Error(state());
      }, 'more batches');
    }
  }

  /** Each sequence once, in order (a resend repeats a sequence). */
  function uniqueBatches(): Batch[] {
    const bySequence = new Map<number, Batch>();
    for (const c of gateway!.connections) for (const b of batches(c)) bySequence.set(b.sequence, b);
    return [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
  }

  const total = (records: readonly FlowRecord[], field: 'num_flows' | 'bytes_in' | 'packets_out') =>
    records.reduce((sum, r) => sum + r[field], 0);

  it('resends unacknowledged batches with their sequence after a reconnect, losing and doubling nothing', async () => {
    gateway = await FakeGateway.start({ maxFlowsPerBatch: 1 });
    agent = await start(gateway.url, 1_000);
    await waitFor(() => agent!.status() === 'connected' && gateway!.last(), 'connected');
    const first = lastConnection();

    // Enough closed buckets for more than a window of one-record batches, and less than the time
    // after which an unacknowledged batch is sent again.
    const buckets = 2;
    clock.advance(buckets * BUCKET_MS + 2_000);
    const upTo = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const window = FLOW_MAX_BATCHES_IN_FLIGHT;
    await waitFor(() => batches(first).length === window, 'a full window');
    expect(batches(first).map((b) => b.sequence)).toEqual(upTo(1, window));
    expect(batches(first).every((b) => b.records.length === 1 && b.droppedTotal === 0)).toBe(true);

    first.send({ type: 'flow.ack', sequence: 2 });
    await waitFor(() => batches(first).length === window + 2, 'the window moving on');
    expect(batches(first).map((b) => b.sequence)).toEqual(upTo(1, window + 2));

    first.socket.terminate();
    await waitFor(() => gateway!.connections.length === 2 && agent!.status() === 'connected', 'reconnected');
    const second = lastConnection();
    await waitFor(() => batches(second).length >= window, 'the resend');
    const resent = batches(second).slice(0, window);
    expect(resent.map((b) => b.sequence)).toEqual(upTo(3, window + 2));
    for (const batch of resent) {
      expect(batch.records).toEqual(batches(first).find((b) => b.sequence === batch.sequence)!.records);
    }

    await drain();
    const cutoff = START_MS / 1000 + buckets * 15;
    const shipped = uniqueBatches().flatMap((b) => b.records);
    const made = produced.filter((r) => r.start_time < cutoff);
    expect(shipped.every((r) => r.start_time < cutoff)).toBe(true);
    expect(made.length).toBeGreaterThan(0);
    // One record per aggregation key, and the same traffic in total.
    expect(shipped.length).toBe(new Set(made.map(aggregationKey)).size);
    expect(new Set(shipped.map(aggregationKey)).size).toBe(shipped.length);
    for (const field of ['num_flows', 'bytes_in', 'packets_out'] as const) {
      expect(total(shipped, field)).toBe(total(made, field));
    }
    expect(agent.flows()).toMatchObject({ droppedTotal: 0, bufferedRecords: 0 });
  });

  it('drops the oldest flows when the buffer fills during an outage, and says how many', async () => {
    const port = await freePort();
    agent = await start(`ws://127.0.0.1:${String(port)}/v1/tunnel`, 10);
    clock.advance(4 * BUCKET_MS + 2_000);
    const stats = agent.flows();
    expect(stats.bufferedRecords).toBe(10);
    expect(stats.droppedTotal).toBeGreaterThan(0);

    gateway = await FakeGateway.start({ port });
    await waitFor(() => agent!.status() === 'connected' && gateway!.last(), 'connected');
    await drain();

    const cutoff = START_MS / 1000 + 4 * 15;
    const made = produced.filter((r) => r.start_time < cutoff);
    const shipped = uniqueBatches().flatMap((b) => b.records);
    expect(shipped).toHaveLength(10);
    expect(shipped.length + stats.droppedTotal).toBe(new Set(made.map(aggregationKey)).size);
    // The newest survive: all of the last bucket, the rest from the one before it.
    const last = new Set(made.filter((r) => r.start_time === cutoff - 15).map(aggregationKey));
    expect(last.size).toBeLessThan(10);
    expect(shipped.filter((r) => r.start_time === cutoff - 15)).toHaveLength(last.size);
    expect(shipped.every((r) => r.start_time >= cutoff - 30)).toBe(true);
    expect(uniqueBatches().every((b) => b.droppedTotal === stats.droppedTotal)).toBe(true);
  });
});
