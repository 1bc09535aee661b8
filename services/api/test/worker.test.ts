// The job worker, started as its entrypoint starts it, on this file's cloned database and under a
// Redis key prefix of its own: a purge-expired-sessions job removes expired sessions and keeps
// live ones; its health server reports its own connections.
import { randomBytes } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@palisade/testing';
import { loadEnv } from '../src/config/env.js';
import { QUEUES } from '../src/platform/queue/catalogue.js';
import { startWorkerHealthServer } from '../src/platform/health/worker-health-server.js';
import { type RunningWorker, startWorker } from '../src/worker.js';
import { TestContext } from './context.js';

let ctx: TestContext;
let worker: RunningWorker;
let events: QueueEvents;
let eventsConnection: Redis;
let prefix: string;

beforeAll(async () => {
  ctx = await TestContext.start();
  prefix = `palisade-worker-test-${randomBytes(4).toString('hex')}`;
  const env = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: ctx.env.DATABASE_URL,
    DATABASE_ADMIN_URL: ctx.env.DATABASE_ADMIN_URL,
    REDIS_URL: ctx.env.REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  });
  worker = await startWorker(env);
  eventsConnection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  events = new QueueEvents(QUEUES.maintenance, {
    connection: eventsConnection,
    prefix: `${prefix}:bull`,
  });
  await events.waitUntilReady();
});

afterAll(async () => {
  await events?.close();
  eventsConnection?.disconnect();
  await worker?.close();
  // Leave nothing behind in the shared Redis.
  const redis = new Redis(ctx.env.REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  await ctx?.close();
});

describe('maintenance.purge-expired-sessions', () => {
  it('deletes expired sessions and keeps live ones', async () => {
    const [user] = await ctx.sql<{ id: string }>(
      "INSERT INTO users (email, name) VALUES ('sessions@example.com', 'Sessions') RETURNING id",
    );
    const expired = randomBytes(32);
    const live = randomBytes(32);
    await ctx.sql(
      `INSERT INTO sessions (id_hash, user_id, csrf_secret, expires_at) VALUES
         ($1, $3, 'x', now() - interval '1 minute'),
         ($2, $3, 'y', now() + interval '1 hour')`,
      [expired, live, user!.id],
    );

    const job = await worker.queue(QUEUES.maintenance).add('maintenance.purge-expired-sessions', {});
    const result = (await job.waitUntilFinished(events, 20_000)) as { purged: number };
    expect(result.purged).toBeLessThanOrEqual(1); // 0 if the worker's own schedule got there first

    const left = await ctx.sql<{ id_hash: Buffer }>('SELECT id_hash FROM sessions WHERE user_id = $1', [
      user!.id,
    ]);
    expect(left.map((r) => r.id_hash.toString('hex'))).toEqual([live.toString('hex')]);
  });

  it('is idempotent: running it again purges nothing more', async () => {
    const before = await ctx.sql('SELECT id_hash FROM sessions ORDER BY id_hash');
    const job = await worker.queue(QUEUES.maintenance).add('maintenance.purge-expired-sessions', {});
    expect(await job.waitUntilFinished(events, 20_000)).toEqual({ purged: 0 });
    expect(await ctx.sql('SELECT id_hash FROM sessions ORDER BY id_hash')).toEqual(before);
  });

  it('schedules the purge as a repeatable job under its own prefix', async () => {
    const schedulers = await worker.queue(QUEUES.maintenance).getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain('maintenance.purge-expired-sessions');
  });
});

describe("the worker's health server", () => {
  it('answers /healthz, /readyz with its own connections, /metrics, and 404 for anything else', async () => {
    const health = await startWorkerHealthServer({ host: '127.0.0.1', port: 0, checks: worker.checks });
    try {
      const url = (path: string) => `http://127.0.0.1:${health.port}${path}`;
      const live = await fetch(url('/healthz'));
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'ok' });
      const ready = await fetch(url('/readyz'));
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
      expect(ready.status).toBe(200);
      expect(await (await fetch(url('/metrics'))).text()).toContain('palisade_worker_process_cpu');
      expect((await fetch(url('/graphql'))).status).toBe(404);
    } finally {
      await health.close();
    }
  });

  it('reports not ready, naming the failing dependency, when Redis does not answer', async () => {
    // A real client of a port where nothing listens.
    const nowhere = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    nowhere.on('error', () => undefined); // the refusal is what /readyz must report
    const health = await startWorkerHealthServer({
      host: '127.0.0.1',
      port: 0,
      checks: {
        ...worker.checks,
        redis: async () => {
          await nowhere.connect();
          await nowhere.ping();
        },
      },
    });
    try {
      const ready = await fetch(`http://127.0.0.1:${health.port}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('not ready');
      expect(body.checks['database']).toBe('ok');
      expect(body.checks['redis']).toMatch(/^failing: ./);
    } finally {
      await health.close();
      nowhere.disconnect();
    }
  });
});
