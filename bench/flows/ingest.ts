// End-to-end flow ingestion (issue 13 item 7): simulated agents → real cluster gateway → Postgres,
// against a raw COPY of the same rows into the same table, in the same run.
//
// The agents (a generated 2,000-pod cluster: 20 namespaces × 10 workloads × 10 pods, each workload
// calling 20 others at a low rate, so a bucket holds thousands of distinct flows where
// agent/examples/large.yaml's hand-written matrix holds ~160; on a clock the bench steps) enroll
// through a real gateway, which is then stopped; the bench steps their clocks through `minutes` of
// traffic, so each agent's real flow pipeline (simulator, aggregator, bounded buffer) holds that
// many minutes of flows, as after a gateway outage. A gateway is started again and the figure is
// the time from the first agent's reconnection until every agent's buffer is acknowledged, i.e.
// committed (flow rows COPYed, decision 0211, the policy rollup and the pending minutes, idempotency row,
// status; the edge rollups are the worker's, measured after, decision 0207). The rows stored are then
// exported and COPYed back (under other cluster ids) into `flows` with psql's \copy: what a write
// with no merge, no rollups and no idempotency costs. The per-cluster rate limit is raised for
// the run: the bench measures capacity, not the tenant limit (5,000 records/s by default).
// The agents run in a worker thread of this process (agent-fleet.ts), the gateway on its main
// thread, as agents in their clusters do not share the gateway's event loop; all of them share
// the machine with Postgres.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startGateway, type RunningGateway } from '@palisade/cluster-gateway';
import { FLOW_COPY_COLUMNS } from '@palisade/cluster-gateway/flow-copy';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { AgentFleet } from './agent-fleet.js';

const REDIS_URL = process.env['PALISADE_REDIS'] ?? 'redis://127.0.0.1:6379';
const COLUMNS = FLOW_COPY_COLUMNS.join(', ');

/** The backend's own /proc/self/stat, printed by psql around the COPY. */
const SELF_STAT = "SELECT rtrim(pg_read_file('/proc/self/stat'), E'\\n')";

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** The cluster description: 2,000 pods, 4,000 workload pairs, one port each. */
function denseCluster(): string {
  const lines = ['cluster: { name: dense, nodes: 40 }', 'namespaces:'];
  for (let n = 0; n < 20; n++) lines.push(`  - { name: ns-${String(n)} }`);
  lines.push('workloads:');
  for (let n = 0; n < 20; n++)
    for (let w = 0; w < 10; w++)
      lines.push(
        `  - { namespace: ns-${String(n)}, name: app-${String(w)}, replicas: 10, labels: { app: app-${String(w)} }, ports: [{ port: ${String(8000 + w)} }] }`,
      );
  lines.push('traffic:');
  for (let i = 0; i < 200; i++)
    for (let k = 1; k <= 20; k++) {
      const j = (i * 7 + k * 13) % 200;
      const [from, to] = [i, j].map((x) => `ns-${String(Math.floor(x / 10))}/app-${String(x % 10)}`);
      lines.push(`  - { from: ${from!}, to: ${to!}, port: ${String(8000 + (j % 10))}, rate: 0.1 }`);
    }
  return `${lines.join('\n')}\n`;
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU milliseconds of a /proc/<pid>/stat line (fields 14 and 15). */
function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * CPU milliseconds used so far by the Postgres backends of `user` on this database, read by the
 * server itself (pg_read_file, superuser): the gateway's connections, all opened for the run.
 */
async function backendCpuMs(admin: pg.Pool, user: string): Promise<number> {
  const { rows } = await admin.query<{ stat: string }>(
    `SELECT pg_read_file('/proc/' || pid || '/stat') AS stat FROM pg_stat_activity
      WHERE datname = current_database() AND usename = $1`,
    [user],
  );
  return rows.reduce((sum, r) => sum + statCpuMs(r.stat), 0);
}

export async function benchIngest(opts: { agents: number; minutes: number }): Promise<void> {
  const db = await createMigratedDatabase('palisade_bench_flows_ingest');
  const admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
  const work = mkdtempSync(join(tmpdir(), 'bench-flows-'));
  const prefix = `bench-flows-${randomBytes(4).toString('hex')}`;
  const spec = join(work, 'dense.yaml');
  writeFileSync(spec, denseCluster());
  const gatewayConfig = {
    databaseUrl: db.urlAs('palisade_gateway'),
    redisUrl: REDIS_URL,
    redisPrefix: prefix,
    host: '127.0.0.1',
    logLevel: 'silent' as const,
    tuning: { flowRecordsPerSecond: 1e9, flowRecordBurst: 1e9 },
  };
  let gateway: RunningGateway | null = null;
  let fleet: AgentFleet | null = null;
  try {
    const { rows: orgs } = await admin.query<{ id: string }>(
      "INSERT INTO organizations (slug, name) VALUES ('bench', 'Bench') RETURNING id",
    );
    const orgId = orgs[0]!.id;
    gateway = await startGateway(gatewayConfig);
    const port = gateway.port;
    // Clocks start `minutes` (and a bucket) ago, so the flows end about now: the gateway's time
    // checks see real times.
    const startMs = Date.now() - (opts.minutes * 60 + 30) * 1000;
    const tokens: string[] = [];
    for (let i = 0; i < opts.agents; i++) {
      const token = `pen_${randomBytes(32).toString('base64url')}`;
      await admin.query(
        `INSERT INTO clusters (org_id, name, enrollment_token_hash, enrollment_expires_at)
         VALUES ($1, $2, $3, now() + interval '1 hour')`,
        [orgId, `large-${String(i)}`, createHash('sha256').update(token).digest()],
      );
      tokens.push(token);
    }
    fleet = AgentFleet.start({
      spec,
      gatewayUrl: `ws://127.0.0.1:${String(port)}/v1/tunnel`,
      tokens,
      workDir: work,
      startMs,
      flowBufferRecords: 5_000_000,
    });
    await fleet.enroll();
    await gateway.close();
    gateway = null;

    // The outage: every agent's pipeline fills its buffer with `minutes` of traffic.
    const outage = await fleet.outage(opts.minutes);
    const buffered = outage.buffered;
    console.log(
      `  ${String(opts.agents)} agent(s) of a 2,000-pod cluster, ${String(opts.minutes)} min of traffic: ` +
        `${buffered.toLocaleString('en')} flow records buffered (${String(outage.dropped)} dropped), ` +
        `simulated in ${(outage.simulatedMs / 1000).toFixed(1)} s`,
    );
    if (buffered === 0) throw new Error('the agents buffered no flows');

    const draining = fleet.drain(30 * 60_000);
    const gatewayCpu = process.threadCpuUsage();
    gateway = await startGateway({ ...gatewayConfig, port });
    const drained = await draining;
    const ingestMs = drained.ingestMs;
    const { user, system } = process.threadCpuUsage(gatewayCpu);
    const gatewayNodeCpuMs = (user + system) / 1000;
    const ingestNodeCpuMs = gatewayNodeCpuMs + drained.cpuMs;
    const ingestPgCpuMs = await backendCpuMs(admin, 'palisade_gateway');
    // What the buffered records held: the agents' heap with them, less the heap once they are
    // acknowledged (the simulator's own growth over the outage stays in both).
    console.log(
      `  agent buffer: ${Math.round((outage.heapFull - drained.heapDrained) / buffered).toLocaleString('en')} bytes of heap per buffered flow ` +
        `(heap ${mib(outage.heapBefore)} → ${mib(outage.heapFull)} buffered → ${mib(drained.heapDrained)} drained)`,
    );

    const { rows: stored } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM flows');
    const rows = Number(stored[0]!.n);
    // The edge rollups, built by the worker's job outside the ingestion path (decision 0207): the
    // same function over every minute and hour the run wrote (a settle of minus a day takes the
    // open ones too; the agents' stepped clocks ran ahead of real time), in one session whose
    // backend reads its own CPU around it. Not part of the ratio; printed so its cost is in view.
    const rollup = await admin.connect();
    let rollupPgCpuMs: number;
    let rolledUp: { minutes: number; hours: number };
    try {
      const stat = async (): Promise<number> =>
        statCpuMs((await rollup.query<{ s: string }>(`${SELF_STAT} AS s`)).rows[0]!.s);
      const before = await stat();
      rolledUp = (
        await rollup.query<{ minutes: number; hours: number }>(
          "SELECT minutes, hours FROM flows_roll_up_edges('-1 day', 1000000)",
        )
      ).rows[0]!;
      rollupPgCpuMs = (await stat()) - before;
    } finally {
      rollup.release();
    }
    // The same rows, under other cluster ids (no foreign key on flows), COPYed into the same table.
    const file = join(work, 'flows.csv');
    const exported = spawnSync(
      'psql',
      [
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        db.adminUrl,
        '-c',
        `\\copy (SELECT ${COLUMNS.replace('cluster_id', "md5(cluster_id::text || 'copy')::uuid")} FROM flows) TO '${file}' WITH (FORMAT csv)`,
      ],
      { encoding: 'utf8' },
    );
    if (exported.status !== 0) throw new Error(`export failed: ${exported.stderr}`);
    const t1 = performance.now();
    const copy = spawnSync(
      'psql',
      [
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-At',
        db.adminUrl,
        '-c',
        SELF_STAT,
        '-c',
        `\\copy flows (${COLUMNS}) FROM '${file}' WITH (FORMAT csv)`,
        '-c',
        SELF_STAT,
      ],
      { encoding: 'utf8' },
    );
    const copyMs = performance.now() - t1;
    if (copy.status !== 0) throw new Error(`COPY failed: ${copy.stderr}`);
    const [statBefore, statAfter] = copy.stdout.trim().split('\n');
    const copyPgCpuMs = statCpuMs(statAfter!) - statCpuMs(statBefore!);
    const { rows: after } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM flows');
    if (Number(after[0]!.n) !== rows * 2)
      throw new Error(`COPY stored ${String(Number(after[0]!.n) - rows)} of ${String(rows)}`);

    const perSecond = (n: number, ms: number): string => Math.round((n / ms) * 1000).toLocaleString('en');
    console.log(
      `  end to end (agents → gateway → Postgres, acknowledged): ${perSecond(buffered, ingestMs)} records/s ` +
        `(${buffered.toLocaleString('en')} records → ${rows.toLocaleString('en')} rows in ${(ingestMs / 1000).toFixed(1)} s)`,
    );
    console.log(
      `  raw COPY of the same rows into flows (psql \\copy, one session): ${perSecond(rows, copyMs)} rows/s`,
    );
    // CPU per 1,000 rows moves far less with the machine's load than elapsed time does.
    const perThousand = (ms: number): string => ((ms / rows) * 1000).toFixed(0);
    console.log(
      `  CPU per 1,000 rows: end to end ${perThousand(ingestNodeCpuMs + ingestPgCpuMs)} ms ` +
        `(Node ${perThousand(ingestNodeCpuMs)}: the gateway's thread ${perThousand(gatewayNodeCpuMs)}, the agents' ` +
        `${perThousand(drained.cpuMs)}; the gateway's Postgres backends ` +
        `${perThousand(ingestPgCpuMs)}); COPY's Postgres backend ${perThousand(copyPgCpuMs)} ` +
        `(Postgres CPU of COPY / of end to end: ${((copyPgCpuMs / ingestPgCpuMs) * 100).toFixed(0)} %)`,
    );
    console.log(
      `  edge rollups by the worker's job (not in the ratio): Postgres ${perThousand(rollupPgCpuMs)} ms ` +
        `per 1,000 rows (${rolledUp.minutes.toLocaleString('en')} cluster-minutes, ` +
        `${rolledUp.hours.toLocaleString('en')} cluster-hours)`,
    );
    const ratio = (rows / ingestMs / (rows / copyMs)) * 100;
    console.log(
      `  ratio: ${ratio.toFixed(0)} % of COPY, rows per second; goal ≥ 50 %: ${ratio >= 50 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await fleet?.close();
    await gateway?.close();
    await admin.end();
    rmSync(work, { recursive: true, force: true });
    await db.drop();
  }
}
