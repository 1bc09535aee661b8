// bench/tunnels: one cluster gateway process and N simulated agent tunnels (BENCH_TUNNELS, default
// 10,000) held by one or two client processes. Prints the connect rate, the gateway's steady-state
// memory per tunnel (RSS and heap growth over the empty gateway, divided by N), the gateway's CPU
// while the tunnels only exchange heartbeats, and the time for all of them to be welcomed again
// after the gateway is killed (SIGKILL) and restarted. Goal: 10,000 tunnels, < 40 KB each, all
// back within 30 s. Loopback only; every wait is bounded.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '@palisade/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { machineLine } from '../lib/machine.js';

const REDIS_URL = process.env['PALISADE_REDIS'] ?? 'redis://127.0.0.1:6379';
const N = Number(process.env['BENCH_TUNNELS'] ?? 10_000);
const SETTLE_SECONDS = Number(process.env['BENCH_SETTLE_SECONDS'] ?? 12);
const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 20);
const CONNECT_TIMEOUT_MS = 180_000;
const GATEWAY_ENTRY = 'services/cluster-gateway/src/main.ts';
/** Extra Node flags for the gateway process, e.g. `--cpu-prof` to see where connect time goes. */
const GATEWAY_NODE_ARGS = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

interface Sample {
  /** Tunnels closed by the gateway, by reason name. */
  closes: Record<string, number>;
  rss: number;
  heap: number;
  cpuSeconds: number;
  tunnels: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${String(timeoutMs)} ms: ${what()}`);
    await sleep(50);
  }
}

function startGateway(env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    ['--enable-source-maps', ...GATEWAY_NODE_ARGS, '--import', './scripts/register.mjs', GATEWAY_ENTRY],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

async function sample(base: string): Promise<Sample | undefined> {
  try {
    const text = await (await fetch(`${base}/metrics`)).text();
    const metric = (name: string): number =>
      Number(new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN);
    const closes: Record<string, number> = {};
    for (const match of text.matchAll(/^palisade_gateway_closes_total\{reason="([a-z_]+)"\} (\d+)$/gm)) {
      closes[match[1] ?? '?'] = Number(match[2]);
    }
    return {
      closes,
      rss: metric('palisade_gateway_process_resident_memory_bytes'),
      heap: metric('palisade_gateway_nodejs_heap_size_used_bytes'),
      cpuSeconds: metric('palisade_gateway_process_cpu_seconds_total'),
      tunnels: metric('palisade_gateway_tunnels_open'),
    };
  } catch {
    return undefined;
  }
}

async function ready(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/readyz`)).ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  console.log(machineLine());
  const database = await createMigratedDatabase('palisade_bench_tunnels');
  const prefix = `bench-tunnels-${randomBytes(3).toString('hex')}`;
  const seed = randomBytes(6).toString('hex');
  const redis = new Redis(REDIS_URL);
  const clients: ChildProcess[] = [];
  let gateway: ChildProcess | undefined;
  try {
    const db = new pg.Client({ connectionString: database.adminUrl });
    await db.connect();
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO organizations (slug, name) VALUES ('bench', 'Bench') RETURNING id`,
    );
    await db.query(
      `INSERT INTO clusters (org_id, name, credential_hash, credential_issued_at)
       SELECT $1, 'c-' || i, sha256(convert_to('pcc_bench_' || $2 || '_' || i, 'UTF8')), now()
         FROM generate_series(0, $3 - 1) AS i`,
      [rows[0]?.id, seed, N],
    );
    await db.end();

    const port = await freePort();
    const base = `http://127.0.0.1:${String(port)}`;
    const gatewayEnv = {
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: database.urlAs('palisade_gateway'),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      // Every bench tunnel dials from 127.0.0.1 and reconnects at once after the restart; the
      // per-IP and per-cluster limits (decision 0058) would measure themselves, not the gateway.
      RATE_LIMIT_CONNECTS_PER_IP: '1000000',
      RATE_LIMIT_CONNECTS_PER_CLUSTER: '1000',
    };
    gateway = startGateway({ ...gatewayEnv, GATEWAY_ID: 'bench-1' });
    await waitUntil(
      () => ready(base),
      30_000,
      () => 'the gateway to be ready',
    );
    await sleep(2_000);
    const empty = await sample(base);

    const processes = N > 5_000 ? 2 : 1;
    const welcomed = new Array<number>(processes).fill(0);
    const total = (): number => welcomed.reduce((a, b) => a + b, 0);
    console.log(
      `workload: ${String(N)} tunnels from ${String(processes)} client process(es), heartbeats every 10 s`,
    );
    const readyClients = new Set<number>();
    for (let p = 0; p < processes; p++) {
      const from = Math.floor((N * p) / processes);
      const to = Math.floor((N * (p + 1)) / processes);
      const child = fork(
        'bench/tunnels/clients.ts',
        [`ws://127.0.0.1:${String(port)}/v1/tunnel`, seed, String(from), String(to)],
        {
          execArgv: ['--enable-source-maps', '--import', './scripts/register.mjs'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      child.on('message', (m: { welcomed: number; ready?: boolean }) => {
        welcomed[p] = m.welcomed;
        if (m.ready === true) readyClients.add(p);
      });
      clients.push(child);
    }
    await waitUntil(
      () => readyClients.size === processes,
      60_000,
      () => 'the client processes to start',
    );
    const beforeConnect = await sample(base);
    const started = Date.now();
    for (const child of clients) child.send('go');
    await waitUntil(
      () => total() === N,
      CONNECT_TIMEOUT_MS,
      () => `all ${String(N)} tunnels (${String(total())})`,
    );
    const connectSeconds = (Date.now() - started) / 1000;
    const afterConnect = await sample(base);
    const connectCpu =
      beforeConnect && afterConnect
        ? (afterConnect.cpuSeconds - beforeConnect.cpuSeconds) / connectSeconds
        : NaN;
    console.log(
      `connect: ${String(N)} tunnels in ${connectSeconds.toFixed(1)} s = ${(N / connectSeconds).toFixed(0)} tunnels/s ` +
        `(gateway CPU ${(connectCpu * 100).toFixed(0)}% of one core meanwhile)`,
    );

    await sleep(SETTLE_SECONDS * 1000);
    const steady = await sample(base);
    if (empty && steady) {
      const kb = (bytes: number): string => (bytes / N / 1024).toFixed(1);
      console.log(
        `memory: ${String(steady.tunnels)} tunnels open; RSS ${(steady.rss / 2 ** 20).toFixed(0)} MiB (+${kb(steady.rss - empty.rss)} KB per tunnel), ` +
          `heap ${(steady.heap / 2 ** 20).toFixed(0)} MiB (+${kb(steady.heap - empty.heap)} KB per tunnel)   goal < 40 KB`,
      );
    }
    const idleStart = await sample(base);
    await sleep(IDLE_SECONDS * 1000);
    const idleEnd = await sample(base);
    if (idleStart && idleEnd) {
      const share = (idleEnd.cpuSeconds - idleStart.cpuSeconds) / IDLE_SECONDS;
      console.log(
        `idle: gateway CPU ${(share * 100).toFixed(1)}% of one core over ${String(IDLE_SECONDS)} s of heartbeats only`,
      );
    }

    const killedAt = Date.now();
    gateway.kill('SIGKILL');
    await waitUntil(
      () => total() === 0,
      30_000,
      () => 'the clients to notice the crash',
    );
    gateway = startGateway({ ...gatewayEnv, GATEWAY_ID: 'bench-2' });
    await waitUntil(
      () => ready(base),
      30_000,
      () => 'the restarted gateway to be ready',
    );
    const readyAfter = (Date.now() - killedAt) / 1000;
    await waitUntil(
      () => total() === N,
      CONNECT_TIMEOUT_MS,
      () => `all tunnels to come back (${String(total())})`,
    );
    const backAfter = (Date.now() - killedAt) / 1000;
    const after = await sample(base);
    console.log(
      `restart: SIGKILL, new gateway ready after ${readyAfter.toFixed(1)} s, all ${String(after?.tunnels ?? total())} tunnels back after ${backAfter.toFixed(1)} s   goal < 30 s`,
    );
    const refused = Object.entries(after?.closes ?? {}).map(([reason, n]) => `${reason} ${String(n)}`);
    console.log(`restarted gateway closed meanwhile: ${refused.length > 0 ? refused.join(', ') : 'none'}`);
  } finally {
    await Promise.all(
      clients.map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.send('stop');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
    if (gateway !== undefined && gateway.exitCode === null) {
      const exited = new Promise<void>((resolve) => gateway?.once('exit', () => resolve()));
      gateway.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      gateway.kill('SIGKILL');
    }
    await deleteKeys(redis, prefix);
    redis.disconnect();
    await database.drop();
  }
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 10_000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

await main();
