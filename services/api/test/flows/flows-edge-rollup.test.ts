// The worker's `flows.roll-up-edges` job (decision 0207) against real Postgres and Redis, with the
// worker started as its entrypoint starts it and flows stored by the gateway's own writer: the
// service graph gives the same pairs and sums before the job has run (pending minutes read from
// flows), after it (whole hours from flow_pair_hours, the rest from flow_edge_minutes), after a
// late batch for a minute and an hour already rolled up (before and after the next run), and
// against a reference computed here from the records themselves. The rollups themselves must
// equal the sums of the stored flows (nothing counted twice, nothing missed), a second run must
// change nothing, and a write still in flight when the job claims its minute must be counted.
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type FlowRecord } from '@palisade/flows';
import { flowRows } from '@palisade/cluster-gateway/flow-rows';
import { FlowWriter } from '@palisade/cluster-gateway/flow-writer';
import { waitFor } from '@palisade/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowsRepository } from '../../src/modules/flows/flows.repository.js';
import type { ServiceGraphPair } from '../../src/modules/flows/flow-store.js';
import { Database } from '../../src/platform/db/database.js';
import { QUEUES } from '../../src/platform/queue/catalogue.js';
import type { RunningWorker } from '../../src/worker.js';
import { clearRedis, startTestWorker } from '../compliance/support.js';
import { TestContext } from '../context.js';
import { expectData } from '../factories/members.js';
import { bucketAgo, record, storeFlows } from './flow-rows.js';

let ctx: TestContext;
let orgId: string;
let clusterId: string;
let otherClusterId: string;
let worker: RunningWorker;
let events: QueueEvents;
let eventsConnection: Redis;
let db: Database;
let repo: FlowsRepository;
let admin: pg.Pool;
/** Every record stored so far, per cluster id: what the reference graph is computed from. */
const stored: { clusterId: string; record: FlowRecord }[] = [];

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const NAMES = ['frontend-*', 'cart-*', 'api-*', 'db-*'];

/** Records of `minutes` (minutes ago), a few per 15 s bucket, over a handful of pairs and ports. */
function records(rand: () => number, minutes: number[]): FlowRecord[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: FlowRecord[] = [];
  for (const ago of minutes)
    for (const q of [0, 15, 30, 45])
      for (let i = 0; i < 3; i++) {
        const service = rand() < 0.3;
        out.push(
          record({
            start_time: bucketAgo(ago) + q,
            source_name: pick(NAMES),
            dest_name: pick(NAMES),
            dest_namespace: pick(['shop', 'payments']),
            dest_port: pick([80, 443, 8080]),
            dest_service_namespace: service ? 'shop' : '-',
            dest_service_name: service ? 'cart' : '-',
            reporter: pick(['src', 'dst'] as const),
            action: rand() < 0.2 ? 'deny' : 'allow',
            packets_in: 1 + Math.floor(rand() * 50),
            packets_out: Math.floor(rand() * 50),
            bytes_in: 1 + Math.floor(rand() * 5000),
            bytes_out: Math.floor(rand() * 5000),
            num_flows_started: Math.floor(rand() * 4),
            num_flows_completed: Math.floor(rand() * 4),
          }),
        );
      }
  return out;
}

async function store(cluster: string, recs: FlowRecord[]): Promise<void> {
  await storeFlows(ctx, orgId, cluster, recs);
  for (const r of recs) stored.push({ clusterId: cluster, record: r });
}

type Counters = ServiceGraphPair['allowed'];
const zero = (): Counters => ({
  packetsIn: 0,
  packetsOut: 0,
  bytesIn: 0,
  bytesOut: 0,
  connectionsStarted: 0,
  connectionsCompleted: 0,
});
function add(c: Counters, r: FlowRecord): void {
  c.packetsIn += r.packets_in;
  c.packetsOut += r.packets_out;
  c.bytesIn += r.bytes_in;
  c.bytesOut += r.bytes_out;
  c.connectionsStarted += r.num_flows_started;
  c.connectionsCompleted += r.num_flows_completed;
}

/** The service graph's pairs computed from the records: minutes m with trunc(from) <= m < to. */
function reference(from: Date, to: Date): Record<string, unknown> {
  const lo = Math.floor(from.getTime() / 60_000) * 60;
  const pairs = new Map<
    string,
    { pair: Omit<ServiceGraphPair, 'allowed'>; dst: Counters; src: Counters; dstReported: boolean }
  >();
  for (const { clusterId: c, record: r } of stored) {
    const minute = r.start_time - (r.start_time % 60);
    if (minute < lo || minute * 1000 >= to.getTime()) continue;
    const key = [
      c,
      r.source_type,
      r.source_namespace,
      r.source_name,
      r.dest_type,
      r.dest_namespace,
      r.dest_name,
      r.dest_service_namespace,
      r.dest_service_name,
    ].join('|');
    let p = pairs.get(key);
    if (!p) {
      p = {
        pair: {
          clusterId: c,
          sourceType: r.source_type,
          sourceNamespace: r.source_namespace,
          sourceName: r.source_name,
          destType: r.dest_type,
          destNamespace: r.dest_namespace,
          destName: r.dest_name,
          destServiceNamespace: r.dest_service_namespace,
          destServiceName: r.dest_service_name,
          deniedAtSource: zero(),
          deniedAtDest: zero(),
        },
        dst: zero(),
        src: zero(),
        dstReported: false,
      };
      pairs.set(key, p);
    }
    if (r.action === 'allow') {
      add(r.reporter === 'dst' ? p.dst : p.src, r);
      if (r.reporter === 'dst') p.dstReported = true;
    } else add(r.reporter === 'src' ? p.pair.deniedAtSource : p.pair.deniedAtDest, r);
  }
  return Object.fromEntries(
    [...pairs].map(([k, p]) => [k, { ...p.pair, allowed: p.dstReported ? p.dst : p.src }]),
  );
}

async function graph(from: Date, to: Date): Promise<Record<string, unknown>> {
  const pairs = await repo.serviceGraph(
    { orgId },
    { clusters: [], from, to, namespaces: [], maxPairs: 10_000 },
  );
  return Object.fromEntries(
    pairs.map((p) => [
      [
        p.clusterId,
        p.sourceType,
        p.sourceNamespace,
        p.sourceName,
        p.destType,
        p.destNamespace,
        p.destName,
        p.destServiceNamespace,
        p.destServiceName,
      ].join('|'),
      p,
    ]),
  );
}

const now = () => Date.now();
/** Windows with partial hours at both ends, one inside an hour, and one from 3 h ago until now. */
function windows(): [Date, Date][] {
  const t = now();
  return [
    [new Date(t - 190 * 60_000), new Date(t + 60_000)],
    [new Date(t - 127 * 60_000 - 20_000), new Date(t - 33 * 60_000 + 10_000)],
    [new Date(t - 100 * 60_000), new Date(t - 90 * 60_000)],
    [new Date(t - 24 * 3_600_000), new Date(t + 60_000)],
  ];
}

async function expectGraphExact(label: string): Promise<void> {
  for (const [from, to] of windows()) {
    const got = await graph(from, to);
    expect(Object.keys(got).length, label).toBeGreaterThan(0);
    expect(got, `${label}: ${from.toISOString()} – ${to.toISOString()}`).toEqual(reference(from, to));
  }
}

async function runJob(): Promise<{ minutes: number; hours: number }> {
  const job = await worker.queue(QUEUES.flows).add('flows.roll-up-edges', {});
  return (await job.waitUntilFinished(events, 30_000)) as { minutes: number; hours: number };
}

const SUMS = `sum(packets_in)::text AS pi, sum(packets_out)::text AS po, sum(bytes_in)::text AS bi,
  sum(bytes_out)::text AS bo, sum(num_flows)::text AS nf, sum(num_flows_started)::text AS ns,
  sum(num_flows_completed)::text AS nc`;
const EDGE_DIMS = `cluster_id, source_type, source_namespace, source_name, dest_type, dest_namespace, dest_name,
  dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, dest_port, proto,
  reporter, action`;
const PAIR_DIMS = `cluster_id, source_type, source_namespace, source_name, dest_type, dest_namespace, dest_name,
  dest_service_namespace, dest_service_name, reporter, action`;

/**
 * The rollups against the flows: every minute without a pending mark holds exactly its flows'
 * sums per edge, and every hour without a pending mark (nor a pending minute) exactly its minutes'
 * sums per pair. Returns how many minutes and hours that covered.
 */
async function expectRollupsExact(): Promise<{ minutes: number; hours: number }> {
  const diff = async (text: string): Promise<Record<string, unknown>[]> =>
    (await admin.query<Record<string, unknown>>(text)).rows;
  const notPendingMinute = `NOT EXISTS (SELECT 1 FROM flow_edge_pending_minutes p
     WHERE p.cluster_id = x.cluster_id AND p.minute = x.minute)`;
  const fromFlows = `SELECT date_trunc('minute', start_time) AS minute, ${EDGE_DIMS}, ${SUMS} FROM flows
    GROUP BY date_trunc('minute', start_time), ${EDGE_DIMS}`;
  const fromEdges = `SELECT minute, ${EDGE_DIMS}, ${SUMS} FROM flow_edge_minutes GROUP BY minute, ${EDGE_DIMS}`;
  expect(
    await diff(`SELECT * FROM ((${fromFlows}) EXCEPT (${fromEdges})) x WHERE ${notPendingMinute}`),
  ).toEqual([]);
  expect(
    await diff(`SELECT * FROM ((${fromEdges}) EXCEPT (${fromFlows})) x WHERE ${notPendingMinute}`),
  ).toEqual([]);
  const clean = `NOT EXISTS (SELECT 1 FROM flow_edge_pending_hours p WHERE p.cluster_id = x.cluster_id
      AND p.hour = x.hour)
    AND NOT EXISTS (SELECT 1 FROM flow_edge_pending_minutes p WHERE p.cluster_id = x.cluster_id
      AND date_trunc('hour', p.minute) = x.hour)`;
  const fromMinutes = `SELECT date_trunc('hour', minute) AS hour, ${PAIR_DIMS}, ${SUMS} FROM flow_edge_minutes
    GROUP BY date_trunc('hour', minute), ${PAIR_DIMS}`;
  const fromHours = `SELECT hour, ${PAIR_DIMS}, ${SUMS} FROM flow_pair_hours GROUP BY hour, ${PAIR_DIMS}`;
  expect(await diff(`SELECT * FROM ((${fromMinutes}) EXCEPT (${fromHours})) x WHERE ${clean}`)).toEqual([]);
  expect(await diff(`SELECT * FROM ((${fromHours}) EXCEPT (${fromMinutes})) x WHERE ${clean}`)).toEqual([]);
  // flow_pair_hours holds one row per pair, reporter and action (its key is the pair's md5).
  const [counts] = await diff(`SELECT
      (SELECT count(DISTINCT (cluster_id, minute)) FROM flow_edge_minutes x WHERE ${notPendingMinute})::int AS minutes,
      (SELECT count(DISTINCT (cluster_id, hour)) FROM flow_pair_hours x WHERE ${clean})::int AS hours`);
  return counts as { minutes: number; hours: number };
}

async function pendingMinutes(): Promise<number[]> {
  const { rows } = await admin.query<{ m: number }>(
    'SELECT extract(epoch FROM minute)::int AS m FROM flow_edge_pending_minutes ORDER BY cluster_id, minute',
  );
  return rows.map((r) => r.m);
}

beforeAll(async () => {
  ctx = await TestContext.start();
  const org = await ctx.newOrg();
  orgId = org.orgId;
  const owner = await ctx.tokenCaller(org.slug, 'owner');
  const ids: string[] = [];
  for (const name of ['prod', 'staging']) {
    const r = expectData(
      await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
        owner,
        'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
        { i: { orgSlug: org.slug, name } },
      ),
    );
    ids.push(r.registerCluster.cluster.id);
  }
  [clusterId, otherClusterId] = ids as [string, string];
  admin = new pg.Pool({ connectionString: ctx.env.DATABASE_ADMIN_URL, max: 3 });
  db = new Database(ctx.env.DATABASE_URL, 2);
  repo = new FlowsRepository(db);
  worker = await startTestWorker(ctx);
  eventsConnection = new Redis(ctx.env.REDIS_URL, { maxRetriesPerRequest: null });
  events = new QueueEvents(QUEUES.flows, {
    connection: eventsConnection,
    prefix: `${ctx.env.REDIS_PREFIX}:bull`,
  });
  await events.waitUntilReady();
  // The tests run the job themselves: the schedules must not run it in between.
  const queue = worker.queue(QUEUES.flows);
  await queue.removeJobScheduler('flows.roll-up-edges');
  await queue.removeJobScheduler('flows.maintain-partitions');
  await waitFor(async () => {
    const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }, 'the scheduled runs to finish');
  // Three hours and a bit of traffic on prod, every minute up to now; some on staging.
  const rand = prng(207);
  const minutes = Array.from({ length: 190 }, (_, i) => i);
  for (let i = 0; i < minutes.length; i += 40)
    await store(clusterId, records(rand, minutes.slice(i, i + 40)));
  await store(otherClusterId, records(rand, [0, 1, 61, 62, 125]));
});

afterAll(async () => {
  await events?.close();
  eventsConnection?.disconnect();
  await worker?.close();
  await db?.close();
  await admin?.end();
  if (ctx) await clearRedis(ctx);
  await ctx?.close();
});

describe('flows.roll-up-edges', () => {
  it('gives the same graph before and after it runs, and rollups equal to the flows', async () => {
    // Nothing rolled up yet: every minute is pending and read from the flows.
    expect(await admin.query('SELECT 1 FROM flow_edge_minutes')).toMatchObject({ rowCount: 0 });
    await expectGraphExact('before the job');

    const first = await runJob();
    expect(first.minutes).toBeGreaterThan(180);
    expect(first.hours).toBeGreaterThanOrEqual(3);
    // Only the minutes not yet settled stay pending (the current one and the one before).
    const left = await pendingMinutes();
    const settled = Math.floor((now() - 90_000) / 60_000) * 60;
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((m) => m >= settled - 60)).toBe(true);
    const covered = await expectRollupsExact();
    expect(covered.minutes).toBe(first.minutes);
    expect(covered.hours).toBe(first.hours);
    await expectGraphExact('after the job');

    // A second run changes nothing it had done (it may only meet minutes that settled since).
    const done = `SELECT * FROM flow_pair_hours WHERE hour < date_trunc('hour', now()) - interval '1 hour'
      ORDER BY cluster_id, hour, pair_key`;
    const before = await admin.query(done);
    await runJob();
    expect((await admin.query(done)).rows).toEqual(before.rows);
    await expectGraphExact('after a second run');
  });

  it('counts a late batch for a minute and an hour already rolled up exactly once', async () => {
    await runJob();
    const rand = prng(13);
    // The same keys again (merged into stored rows) and new ones, 100 and 150 minutes ago.
    const late = [
      ...records(rand, [100]),
      ...stored
        .filter((s) => s.clusterId === clusterId && s.record.start_time === bucketAgo(150))
        .map((s) => s.record),
    ];
    expect(late.length).toBeGreaterThan(12);
    await store(clusterId, late);
    const marked = await pendingMinutes();
    expect(marked).toEqual(expect.arrayContaining([bucketAgo(100), bucketAgo(150)]));
    // Read from the flows until the job has run again: exact at once.
    await expectGraphExact('after the late batch, before the job');

    const second = await runJob();
    expect(second.minutes).toBeGreaterThanOrEqual(2);
    expect(second.hours).toBeGreaterThanOrEqual(1);
    expect(await pendingMinutes()).not.toEqual(expect.arrayContaining([bucketAgo(100)]));
    await expectRollupsExact();
    await expectGraphExact('after the late batch and the job');
  });

  it('counts a write still in flight when the job claims its minute', async () => {
    await runJob();
    const minute = bucketAgo(70);
    // The minute is pending (a committed late write) when a second write to it begins.
    await store(clusterId, records(prng(5), [70]).slice(0, 4));
    const held = records(prng(6), [70]).slice(0, 6);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const pool = new pg.Pool({ connectionString: ctx.env.DATABASE_ADMIN_URL, max: 1 });
    // The gateway's writer, whose COMMIT waits for the gate: its marks are written and locked.
    const holding = {
      connect: async () => {
        const client = await pool.connect();
        const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<unknown>;
        return Object.assign(Object.create(client) as pg.PoolClient, {
          // Returned as is (a COPY's query is the stream it writes to), COMMIT once the gate opens.
          query: (text: string, values?: unknown[]) =>
            text === 'COMMIT' ? gate.then(() => query(text, values)) : query(text, values),
          release: () => client.release(),
        });
      },
    } as unknown as pg.Pool;
    try {
      const writing = new FlowWriter(holding).writeGroup(
        { orgId, clusterId, agentInstance: 'in-flight' },
        {
          rows: flowRows(held),
          batches: [
            { sequence: 1, droppedTotal: 0, accepted: held, received: held.length, rejected: new Map() },
          ],
        },
      );
      await waitFor(async () => {
        const { rows } = await admin.query(
          "SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE '%cluster_flow_status%'",
        );
        return rows.length > 0;
      }, 'the write to wait for its COMMIT');
      const job = runJob();
      await waitFor(async () => {
        const { rows } = await admin.query(
          "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%flows_roll_up_edges%'",
        );
        return rows.length > 0;
      }, "the job's claim to wait for the write");
      open();
      const outcome = await writing;
      expect(outcome.outcomes).toEqual([{ kind: 'stored', droppedIncrease: 0 }]);
      for (const r of held) stored.push({ clusterId, record: r });
      expect((await job).minutes).toBeGreaterThanOrEqual(1);
    } finally {
      open();
      await pool.end();
    }
    expect(await pendingMinutes()).not.toEqual(expect.arrayContaining([minute]));
    await expectRollupsExact();
    await expectGraphExact('after the in-flight write');
  });
});
