// Flows end to end on the ingest side: a simulated cluster's agent (traffic on a clock the test
// steps, starting a few minutes ago so the gateway's time checks see real times) ships through a
// real cluster gateway into real Postgres. Checked: every flow the cluster produced is stored
// exactly once (one row per aggregation key, and the same counter sums as the agent produced),
// also when the gateway crashes while the agent keeps producing and comes back on the same port,
// and when the gateway's database connection is cut in the middle of a batch's transaction; and the
// cluster's ingestion status says so.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aggregationKey, type FlowRecord } from '@palisade/flows';
import { startGateway, type RunningGateway } from '@palisade/cluster-gateway';
import { createMigratedDatabase, type TestDatabase } from '@palisade/migrations/test-databases';
import { freePort, waitFor } from '@palisade/testing';
import { startAgent, type RunningAgent } from '../src/agent.js';
import { FileCredentialStore } from '../src/credentials/file-store.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { ManualClock } from './support/manual-clock.js';

const REDIS_URL = process.env['PALISADE_TEST_REDIS'] ?? 'redis://127.0.0.1:6379';
const BUCKET_MS = 15_000;
const CLUSTER = `
cluster: { name: flows-e2e }
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
`;

const prefix = `flows-e2e-${randomBytes(4).toString('hex')}`;
let db: TestDatabase;
let sql: pg.Pool;
let dir: string;
const gateways = new Set<RunningGateway>();

beforeAll(async () => {
  db = await createMigratedDatabase('palisade_flows_e2e');
  sql = new pg.Pool({ connectionString: db.adminUrl, max: 3 });
  dir = await mkdtemp(join(tmpdir(), 'palisade-flows-e2e-'));
  await writeFile(join(dir, 'cluster.yaml'), CLUSTER);
});

afterAll(async () => {
  await Promise.allSettled([...gateways].map((g) => g.close()));
  const redis = new Redis(REDIS_URL);
  const leftovers = await redis.keys(`${prefix}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
  await sql.end();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

async function gateway(port: number): Promise<RunningGateway> {
  const running = await startGateway({
    port,
    databaseUrl: db.urlAs('palisade_gateway'),
    redisUrl: REDIS_URL,
    redisPrefix: prefix,
    logLevel: 'silent',
    tuning: { heartbeatIntervalMs: 300, leaseTtlMs: 3_000, statusWriteIntervalMs: 500, sweepIntervalMs: 50 },
  });
  gateways.add(running);
  return running;
}

async function registeredCluster(): Promise<{ orgId: string; clusterId: string; token: string }> {
  const { rows: orgs } = await sql.query<{ id: string }>(
    'INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id',
    [`flows-${randomBytes(4).toString('hex')}`],
  );
  const token = `pen_${randomBytes(32).toString('base64url')}`;
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO clusters (org_id, name, enrollment_token_hash, enrollment_expires_at)
     VALUES ($1, 'flows-e2e', $2, now() + interval '24 hours') RETURNING id`,
    [orgs[0]!.id, createHash('sha256').update(token).digest()],
  );
  return { orgId: orgs[0]!.id, clusterId: rows[0]!.id, token };
}

interface Sums {
  rows: number;
  num_flows: number;
  bytes_in: number;
  packets_out: number;
}

async function stored(clusterId: string): Promise<Sums> {
  const { rows } = await sql.query<{
    rows: string;
    num_flows: string;
    bytes_in: string;
    packets_out: string;
  }>(
    `SELECT count(*) AS rows, coalesce(sum(num_flows), 0) AS num_flows, coalesce(sum(bytes_in), 0) AS bytes_in,
            coalesce(sum(packets_out), 0) AS packets_out
       FROM flows WHERE cluster_id = $1`,
    [clusterId],
  );
  const r = rows[0]!;
  return {
    rows: Number(r.rows),
    num_flows: Number(r.num_flows),
    bytes_in: Number(r.bytes_in),
    packets_out: Number(r.packets_out),
  };
}

function sums(records: readonly FlowRecord[]): Sums {
  const total = (f: 'num_flows' | 'bytes_in' | 'packets_out') => records.reduce((n, r) => n + r[f], 0);
  return {
    rows: new Set(records.map(aggregationKey)).size,
    num_flows: total('num_flows'),
    bytes_in: total('bytes_in'),
    packets_out: total('packets_out'),
  };
}

interface SimulatedCluster {
  readonly agent: RunningAgent<SimulatedProvider>;
  readonly clock: ManualClock;
  /** Everything the simulated cluster produced, as a second listener sees it. */
  readonly produced: FlowRecord[];
  readonly startMs: number;
  /** The agent holds nothing unacknowledged. */
  readonly drained: () => boolean;
}

const running: RunningAgent[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.close()));
});

async function simulatedCluster(port: number, token: string): Promise<SimulatedCluster> {
  // Ten buckets ago, so the whole test stays in the past of the gateway's clock.
  const startMs = Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS - 10 * BUCKET_MS;
  const clock = new ManualClock(startMs);
  const provider = await SimulatedProvider.load({
    file: join(dir, 'cluster.yaml'),
    watch: false,
    clock,
    trafficSeed: 7,
  });
  const produced: FlowRecord[] = [];
  const agent = await startAgent({
    provider,
    gatewayUrl: `ws://127.0.0.1:${String(port)}/v1/tunnel`,
    credentials: new FileCredentialStore(join(dir, randomBytes(4).toString('hex'))),
    enrollmentToken: token,
    timings: { backoff: { initialMs: 50, maxMs: 300 }, immediateJitterMs: 50 },
    clock,
  });
  running.push(agent);
  provider.onFlows((records) => produced.push(...records));
  await waitFor(() => agent.status() === 'connected', 'connected');
  return {
    agent,
    clock,
    produced,
    startMs,
    drained: () => {
      const s = agent.flows();
      return s.unackedBatches === 0 && s.waiting === 0 && s.ackedSequence > 0;
    },
  };
}

describe('flows from a simulated cluster into Postgres', () => {
  it('stores every flow exactly once, across a gateway crash and restart', async () => {
    const port = await freePort();
    const first = await gateway(port);
    const { orgId, clusterId, token } = await registeredCluster();
    const { agent, clock, produced, startMs, drained } = await simulatedCluster(port, token);

    clock.advance(3 * BUCKET_MS + 2_000);
    await waitFor(drained, 'the first buckets acknowledged');
    let cutoff = (startMs + 3 * BUCKET_MS) / 1000;
    expect(sums(produced.filter((r) => r.start_time < cutoff))).toEqual(await stored(clusterId));

    // The gateway crashes; the agent keeps producing and buffering.
    await first.kill();
    clock.advance(3 * BUCKET_MS);
    const again = await gateway(port);
    await waitFor(() => agent.status() === 'connected' && again.tunnels === 1, 'reconnected');
    clock.advance(2_000);
    await waitFor(drained, 'the buffered buckets acknowledged');
    cutoff = (startMs + 6 * BUCKET_MS) / 1000;
    const made = produced.filter((r) => r.start_time < cutoff);
    expect(made.length).toBeGreaterThan(0);
    expect(await stored(clusterId)).toEqual(sums(made));

    const { rows } = await sql.query<{ org_id: string; dropped_total: string; rejected: string }>(
      'SELECT org_id, dropped_total, records_rejected AS rejected FROM cluster_flow_status WHERE cluster_id = $1',
      [clusterId],
    );
    expect(rows).toEqual([{ org_id: orgId, dropped_total: '0', rejected: '0' }]);
  });

  it("stores every flow exactly once when the gateway's database connection is cut mid-write", async () => {
    const port = await freePort();
    await gateway(port);
    const { clusterId, token } = await registeredCluster();
    const { agent, clock, produced, startMs, drained } = await simulatedCluster(port, token);
    clock.advance(BUCKET_MS + 2_000);
    await waitFor(drained, 'the first bucket acknowledged');

    // Hold the cluster's status row: the next batch writes its flows, then waits on it.
    const holder = new pg.Client({ connectionString: db.adminUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM cluster_flow_status WHERE cluster_id = $1 FOR UPDATE', [clusterId]);
      const acked = agent.flows().ackedSequence;
      clock.advance(BUCKET_MS);
      const blocked = await waitFor(async () => {
        const { rows } = await sql.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE usename = 'palisade_gateway' AND wait_event_type = 'Lock'
              AND datname = current_database()`,
        );
        return rows.length > 0 ? rows : undefined;
      }, 'a batch waiting on the held row');
      // As if Postgres went away under the write: the gateway loses that connection.
      for (const { pid } of blocked) await sql.query('SELECT pg_terminate_backend($1)', [pid]);
      await holder.query('ROLLBACK');
      expect(agent.flows().ackedSequence).toBe(acked);
    } finally {
      await holder.end();
    }
    await waitFor(drained, 'the cut batch resent and acknowledged');
    const cutoff = (startMs + 2 * BUCKET_MS) / 1000;
    const made = produced.filter((r) => r.start_time < cutoff);
    expect(await stored(clusterId)).toEqual(sums(made));
  });
});
