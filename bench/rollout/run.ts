// bench/rollout: the API (in this process), one cluster gateway (a child process) and N simulated
// clusters (BENCH_CLUSTERS, default 1,000; small descriptions, many agents per process in
// BENCH_AGENT_PROCESSES children). Registers them through GraphQL, waits until all are connected and
// in sync, creates a policy that targets every cluster, then changes it and prints the time from
// the change until each cluster reports IN_SYNC at the new generation (p50, p99, max; from
// `cluster_sync_status.reported_at`, written by the gateway when the agent's result arrives),
// checked through GraphQL for a sample, and the load: CPU seconds of the API, gateway and agent
// processes and the database's transactions and rows (pg_stat_database) during the change. Goal:
// all in sync within 5 s. Loopback only; every wait is bounded.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '@palisade/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { AdminService } from '../../services/api/src/admin/admin-service.js';
import { loadEnv } from '../../services/api/src/config/env.js';
import { Database } from '../../services/api/src/platform/db/database.js';
import { createLogger } from '../../services/api/src/platform/http/logger.js';
import { createApiServer } from '../../services/api/src/server.js';
import { machineLine } from '../lib/machine.js';

const REDIS_URL = process.env['PALISADE_REDIS'] ?? 'redis://127.0.0.1:6379';
const N = Number(process.env['BENCH_CLUSTERS'] ?? 1_000);
const AGENT_PROCESSES = Number(process.env['BENCH_AGENT_PROCESSES'] ?? 2);
const REGISTER_CONCURRENCY = 8;
const CONNECT_TIMEOUT_MS = 180_000;
const SYNC_TIMEOUT_MS = 60_000;
const GOAL_MS = 5_000;
const GATEWAY_ENTRY = 'services/cluster-gateway/src/main.ts';
const CLOCK_TICKS = 100;
const STATS_SETTLE_MS = 11_000;

const DESCRIPTION = `cluster: { name: bench, nodes: 1 }
namespaces: [{ name: app }]
workloads:
  - { namespace: app, name: web, labels: { app: web }, ports: [{ name: http, port: 8080 }] }
  - { namespace: app, name: api, labels: { app: api }, ports: [{ name: http, port: 8000 }] }
`;

function policy(port: number): string {
  return `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: api-ingress
  namespace: app
spec:
  tier: default
  selector: app == 'api'
  types: [Ingress]
  ingress:
    - action: Allow
      protocol: TCP
      source: { selector: app == 'web' }
      destination: { ports: [${String(port)}] }
`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitUntil(done: () => Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${String(timeoutMs)} ms: ${what()}`);
    await sleep(50);
  }
}

/** User + system CPU seconds of a process, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields =
      readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
        .split(') ')[1]
        ?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

interface DbStats {
  xact_commit: number;
  xact_rollback: number;
  tup_inserted: number;
  tup_updated: number;
  tup_deleted: number;
  tup_fetched: number;
}

async function main(): Promise<void> {
  console.log(machineLine());
  const db = await createMigratedDatabase('palisade_bench_rollout');
  const dbName = db.name;
  const prefix = `bench-rollout-${randomBytes(3).toString('hex')}`;
  const work = mkdtempSync(join(tmpdir(), 'palisade-bench-rollout-'));
  const adminUrl = db.adminUrl;
  const roleUrl = (role: string) => db.urlAs(role);
  const redis = new Redis(REDIS_URL);
  const children: ChildProcess[] = [];
  let gateway: ChildProcess | undefined;
  let api: Awaited<ReturnType<typeof createApiServer>> | undefined;
  const adminDb = new Database(adminUrl, 2);
  const sql = new pg.Pool({ connectionString: adminUrl, max: 2 });
  try {
    const ops = new AdminService(adminDb);
    await ops.createOrg('bench', 'Bench', 'owner@bench.example');
    const token = await ops.createToken('bench', 'owner', 'bench', 3_600_000);

    const env = loadEnv({
      NODE_ENV: 'production',
      DATABASE_URL: roleUrl('palisade_app'),
      DATABASE_ADMIN_URL: adminUrl,
      DATABASE_POOL_SIZE: '16',
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      PORT: '0',
    });
    api = await createApiServer(env, createLogger('silent', 'bench'));
    await api.listen({ port: 0, host: '127.0.0.1' });
    const graphql = `${await api.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
    const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
      const res = await fetch(graphql, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown };
      if (body.errors !== undefined || body.data === undefined) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const apply = (yaml: string) =>
      gql<{ applyResources: { applied: boolean } }>(
        `mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }`,
        { i: { orgSlug: 'bench', yaml } },
      ).then((r) => {
        if (!r.applyResources.applied) throw new Error('the policy was not applied');
      });

    const gatewayPort = await freePort();
    gateway = spawn(
      process.execPath,
      ['--enable-source-maps', '--import', './scripts/register.mjs', GATEWAY_ENTRY],
      {
        env: {
          ...process.env,
          DATABASE_URL: roleUrl('palisade_gateway'),
          DATABASE_POOL_SIZE: '20',
          REDIS_URL,
          REDIS_PREFIX: prefix,
          PORT: String(gatewayPort),
          LOG_LEVEL: 'warn',
          // Every simulated cluster dials from 127.0.0.1 (decision 0058's per-IP limit).
          RATE_LIMIT_CONNECTS_PER_IP: '1000000',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitUntil(
      async () =>
        (await fetch(`http://127.0.0.1:${String(gatewayPort)}/readyz`).catch(() => null))?.ok === true,
      30_000,
      () => 'the gateway to be ready',
    );

    let started = Date.now();
    const tokens: string[] = new Array<string>(N);
    let next = 0;
    await Promise.all(
      Array.from({ length: REGISTER_CONCURRENCY }, async () => {
        for (let i = next++; i < N; i = next++) {
          const r = await gql<{ registerCluster: { enrollmentToken: string } }>(
            `mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }`,
            { i: { orgSlug: 'bench', name: `c-${String(i)}`, labels: [{ key: 'env', value: 'bench' }] } },
          );
          tokens[i] = r.registerCluster.enrollmentToken;
        }
      }),
    );
    console.log(`registered ${String(N)} clusters through GraphQL in ${String(Date.now() - started)} ms`);

    const file = join(work, 'bench.yaml');
    writeFileSync(file, DESCRIPTION);
    started = Date.now();
    const per = Math.ceil(N / AGENT_PROCESSES);
    const hosts = Array.from({ length: AGENT_PROCESSES }, (_, p) => {
      const child = fork(new URL('./agents.ts', import.meta.url).pathname, [], {
        execArgv: ['--enable-source-maps', '--import', './scripts/register.mjs'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      children.push(child);
      const clusters = tokens
        .slice(p * per, (p + 1) * per)
        .map((t, i) => ({ token: t, stateDir: join(work, `agent-${String(p * per + i)}`) }));
      child.send({
        kind: 'start',
        gatewayUrl: `ws://127.0.0.1:${String(gatewayPort)}/v1/tunnel`,
        file,
        clusters,
      });
      return child;
    });
    const count = async (query: string): Promise<number> =>
      Number((await sql.query<{ n: string }>(query)).rows[0]?.n);
    let connected = 0;
    await waitUntil(
      async () => (connected = await count('SELECT count(*) AS n FROM clusters WHERE connected')) >= N,
      CONNECT_TIMEOUT_MS,
      () => `${String(connected)} of ${String(N)} connected`,
    );
    console.log(
      `connected ${String(N)} agents in ${String(AGENT_PROCESSES)} processes in ${String(Date.now() - started)} ms`,
    );

    const IN_SYNC = `SELECT count(*) AS n FROM cluster_desired_state d JOIN cluster_sync_status s USING (cluster_id)
                      WHERE s.applied_generation = d.generation AND s.status = 'IN_SYNC'`;
    const waitInSync = async (): Promise<void> => {
      let synced = 0;
      await waitUntil(
        async () => (synced = await count(IN_SYNC)) >= N,
        SYNC_TIMEOUT_MS,
        () => `${String(synced)} of ${String(N)} in sync`,
      );
    };
    await waitInSync();
    started = Date.now();
    await apply(policy(8000));
    await waitInSync();
    console.log(
      `first rollout (policy created, targets all ${String(N)}): all IN_SYNC after ${String(Date.now() - started)} ms`,
    );

    const dbStats = async (): Promise<DbStats> =>
      (
        await sql.query<DbStats>(
          `SELECT xact_commit::float8 AS xact_commit, xact_rollback::float8 AS xact_rollback,
                  tup_inserted::float8 AS tup_inserted, tup_updated::float8 AS tup_updated,
                  tup_deleted::float8 AS tup_deleted, tup_fetched::float8 AS tup_fetched
             FROM pg_stat_database WHERE datname = $1`,
          [dbName],
        )
      ).rows[0]!;
    await sql.query('SELECT pg_stat_clear_snapshot()');
    const before = {
      api: process.cpuUsage(),
      gateway: cpuSeconds(gateway.pid),
      agents: hosts.map((h) => cpuSeconds(h.pid)),
      db: await dbStats(),
    };
    const t0 = Date.now();
    await apply(policy(9000));
    const mutationMs = Date.now() - t0;
    await waitInSync();
    const allMs = Date.now() - t0;
    const apiCpu = process.cpuUsage(before.api);
    const cpuAfter = { gateway: cpuSeconds(gateway.pid), agents: hosts.map((h) => cpuSeconds(h.pid)) };
    // Backends flush their statistics at most every second, and idle ones only after 10 s.
    await sleep(STATS_SETTLE_MS);
    await sql.query('SELECT pg_stat_clear_snapshot()');
    const after = { ...cpuAfter, db: await dbStats() };
    const { rows } = await sql.query<{ at: number }>(
      `SELECT extract(epoch FROM s.reported_at) * 1000 AS at
         FROM cluster_desired_state d JOIN cluster_sync_status s USING (cluster_id)
        WHERE s.applied_generation = d.generation`,
    );
    const latencies = rows.map((r) => Number(r.at) - t0).sort((a, b) => a - b);
    const sample = await gql<{ organization: { cluster: { policySync: { status: string } } } }>(
      `query($n: String!) { organization(slug: "bench") { cluster(name: $n) { policySync { status } } } }`,
      { n: `c-${String(N - 1)}` },
    );

    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log(
      `change of one policy targeting all ${String(N)} clusters (mutation answered in ${ms(mutationMs)}): ` +
        `IN_SYNC p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? NaN)}; ` +
        `all seen in sync after ${ms(allMs)} (goal < ${ms(GOAL_MS)}: ${allMs < GOAL_MS ? 'met' : 'NOT met'}); ` +
        `GraphQL policySync of c-${String(N - 1)}: ${sample.organization.cluster.policySync.status}`,
    );
    const agentCpu = after.agents.reduce((sum, v, i) => sum + v - (before.agents[i] ?? 0), 0);
    console.log(
      `CPU during the change: API (this process) ${((apiCpu.user + apiCpu.system) / 1e6).toFixed(2)} s, ` +
        `gateway ${(after.gateway - before.gateway).toFixed(2)} s, agents ${agentCpu.toFixed(2)} s (${String(AGENT_PROCESSES)} processes)`,
    );
    const d = (k: keyof DbStats) => String(after.db[k] - before.db[k]);
    console.log(
      `database during the change: ${d('xact_commit')} commits, ${d('xact_rollback')} rollbacks, rows ` +
        `${d('tup_inserted')} inserted, ${d('tup_updated')} updated, ${d('tup_deleted')} deleted, ${d('tup_fetched')} fetched`,
    );
    if (allMs >= GOAL_MS) process.exitCode = 1;
  } finally {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              child.kill('SIGKILL');
              resolve();
            }, 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.send({ kind: 'close' });
          }),
      ),
    );
    gateway?.kill('SIGTERM');
    await api?.close();
    await adminDb.close();
    await sql.end();
    const leftovers = await redis.keys(`${prefix}:*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    redis.disconnect();
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
