// The worker's `flows.maintain-partitions` job against real Postgres and Redis, started as its
// entrypoint starts it: it creates day partitions ahead, drops the days older than the longest
// retention any organisation has (and keeps the days still within it), and forgets idempotency
// records no resend can need.
import { randomBytes, randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { waitFor } from '@palisade/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/config/env.js';
import { FLOW_PARTITION_DAYS_AHEAD } from '../src/modules/flows/jobs/flow-partitions.processor.js';
import { QUEUES } from '../src/platform/queue/catalogue.js';
import { type RunningWorker, startWorker } from '../src/worker.js';
import { createTestDatabase } from './context.js';

const DAY_MS = 86_400_000;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let admin: pg.Pool;
let worker: RunningWorker;
let events: QueueEvents;
let eventsConnection: Redis;
let prefix: string;

/** `flows_20261206` for today + `offset` days (UTC). */
function partition(offset: number): string {
  const day = new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
  return `flows_${day}`;
}

async function partitions(): Promise<string[]> {
  const { rows } = await admin.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'public.flows'::regclass ORDER BY c.relname`,
  );
  return rows.map((r) => r.relname);
}

async function insertFlow(orgId: string, clusterId: string, daysAgo: number): Promise<void> {
  await admin.query(
    `INSERT INTO flows (org_id, cluster_id, start_time, end_time, flow_key, source_type, source_namespace,
       source_name, dest_type, dest_namespace, dest_name, dest_port, dest_service_namespace, dest_service_name,
       dest_service_port_name, dest_service_port, proto, reporter, action, policies_enforced, policies_pending,
       trace_hash, pending_action, packets_in, packets_out, bytes_in, bytes_out, num_flows, num_flows_started,
       num_flows_completed)
     VALUES ($1, $2, date_trunc('hour', now()) - make_interval(days => $3), date_trunc('hour', now())
       - make_interval(days => $3) + interval '15 seconds', $4, 'wep', 'shop', 'a-*', 'wep', 'shop', 'b-*', 80,
       '-', '-', '-', 0, 'tcp', 'src', 'allow', '[]', '[]', 'h', NULL, 1, 1, 1, 1, 1, 1, 1)`,
    [orgId, clusterId, daysAgo, randomBytes(16)],
  );
}

async function runJob(): Promise<{ created: string[]; dropped: string[] }> {
  const job = await worker.queue(QUEUES.flows).add('flows.maintain-partitions', {});
  return (await job.waitUntilFinished(events, 20_000)) as { created: string[]; dropped: string[] };
}

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
  prefix = `palisade-flows-retention-${randomBytes(4).toString('hex')}`;
  const env = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: db.appUrl,
    DATABASE_ADMIN_URL: db.adminUrl,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  });
  worker = await startWorker(env);
  eventsConnection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  events = new QueueEvents(QUEUES.flows, { connection: eventsConnection, prefix: `${prefix}:bull` });
  await events.waitUntilReady();
  // The tests run the job themselves: the worker's own schedule must not run it in between (nor
  // the other flows job's, which would keep the queue busy).
  const queue = worker.queue(QUEUES.flows);
  await queue.removeJobScheduler('flows.maintain-partitions');
  await queue.removeJobScheduler('flows.roll-up-edges');
  await waitFor(async () => {
    const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }, 'the scheduled run to finish');
});

afterAll(async () => {
  await events?.close();
  eventsConnection?.disconnect();
  await worker?.close();
  const redis = new Redis(process.env['PALISADE_TEST_REDIS'] ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
  await admin?.end();
  await db?.drop();
});

describe('flows.maintain-partitions', () => {
  it('creates days ahead and drops the days older than the longest retention, keeping the rest', async () => {
    const { rows: orgs } = await admin.query<{ id: string }>(
      `INSERT INTO organizations (slug, name, flow_retention_days)
       VALUES ('ret-short', 'Short', 2), ('ret-long', 'Long', 5) RETURNING id`,
    );
    // Organisations made elsewhere in the template keep the default (30 days): give every other
    // one a shorter setting so the longest is the 5 days set here.
    await admin.query(`UPDATE organizations SET flow_retention_days = 1 WHERE slug NOT LIKE 'ret-%'`);
    const orgId = orgs[0]!.id;
    const clusterId = randomUUID();
    // Old days, as if the worker had made them ahead back then.
    for (const daysAgo of [10, 7, 4]) {
      await admin.query(`SELECT flows_ensure_partitions((now() AT TIME ZONE 'UTC')::date - $1::integer)`, [
        daysAgo,
      ]);
      await insertFlow(orgId, clusterId, daysAgo);
    }
    await insertFlow(orgId, clusterId, 0);
    await admin.query(`INSERT INTO clusters (id, org_id, name) VALUES ($1, $2, 'retention')`, [
      clusterId,
      orgId,
    ]);
    await admin.query(
      `INSERT INTO flow_batches (cluster_id, agent_instance, sequence, org_id, records_accepted,
         records_rejected, received_at)
       VALUES ($1, 'i', 1, $2, 1, 0, now() - interval '3 days'), ($1, 'i', 2, $2, 1, 0, now())`,
      [clusterId, orgId],
    );

    // Pending marks of the edge rollup (decision 0207) in a dropped day and in a kept one.
    await admin.query(
      `INSERT INTO flow_edge_pending_minutes (org_id, cluster_id, minute)
       SELECT $1, $2, date_trunc('minute', now()) - make_interval(days => d) FROM unnest(ARRAY[7, 4]) AS d`,
      [orgId, clusterId],
    );

    const result = await runJob();
    const { rows: marks } = await admin.query<{ days: number }>(
      `SELECT round(extract(epoch FROM now() - minute) / 86400)::int AS days FROM flow_edge_pending_minutes
        WHERE cluster_id = $1 ORDER BY minute`,
      [clusterId],
    );
    expect(marks).toEqual([{ days: 4 }]);

    expect(result.dropped.sort()).toEqual(
      [partition(-10), partition(-7)]
        .flatMap((p) => [
          p,
          p.replace('flows_', 'flow_edge_minutes_'),
          p.replace('flows_', 'flow_policy_minutes_'),
          p.replace('flows_', 'flow_pair_hours_'),
        ])
        .sort(),
    );
    const left = await partitions();
    expect(left).not.toContain(partition(-10));
    expect(left).not.toContain(partition(-7));
    for (let d = 0; d <= FLOW_PARTITION_DAYS_AHEAD; d++) expect(left).toContain(partition(d));
    expect(left).toContain(partition(-4));
    const { rows: kept } = await admin.query<{ days: number }>(
      `SELECT round(extract(epoch FROM now() - start_time) / 86400)::integer AS days FROM flows ORDER BY 1`,
    );
    expect(kept.map((r) => r.days)).toEqual([0, 4]);
    const { rows: batches } = await admin.query<{ sequence: string }>('SELECT sequence FROM flow_batches');
    expect(batches.map((b) => Number(b.sequence))).toEqual([2]);

    // A second run has nothing left to do.
    expect(await runJob()).toEqual({ created: [], dropped: [] });
  });

  it('keeps everything within the longest retention when an organisation raises its setting', async () => {
    await admin.query(`UPDATE organizations SET flow_retention_days = 400 WHERE slug = 'ret-long'`);
    const before = await partitions();
    expect((await runJob()).dropped).toEqual([]);
    expect(await partitions()).toEqual(before);
  });
});
