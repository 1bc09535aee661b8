// bench/soak (issue 20 item 6, decision 0084): the stack as the fault suite runs it (API, worker and
// gateway under the `npm start` supervisor, on a private PostgreSQL and Redis) with many simulated
// clusters (bench/rollout's agent hosts) and a policy change for all of them every SOAK_CHANGE_EVERY,
// for SOAK_DURATION. The resident memory (RSS, /proc) of every process is sampled every
// SOAK_SAMPLE_EVERY and printed with the machine: per process at the end of warm-up (the first
// fifth of the run), its peak and its last sample, and the growth after warm-up. Goal: flat after
// warm-up. Also each change's time until every cluster is IN_SYNC again.
//   smoke (default): SOAK_CLUSTERS=50 SOAK_DURATION=2m
//   the real run:    SOAK_CLUSTERS=1000 SOAK_DURATION=30m npm run bench -- soak
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultStack } from '../../faults/support/stack.js';
import { machineLine } from '../lib/machine.js';

function duration(name: string, fallback: string): number {
  const text = process.env[name] ?? fallback;
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (m === null) throw new Error(`${name}="${text}": use a duration such as 90s, 30m or 1h`);
  return Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

const N = Number(process.env['SOAK_CLUSTERS'] ?? 50);
const DURATION_MS = duration('SOAK_DURATION', '2m');
const CHANGE_EVERY_MS = duration('SOAK_CHANGE_EVERY', '1m');
const SAMPLE_EVERY_MS = duration('SOAK_SAMPLE_EVERY', '5s');
/** How often the agent hosts are asked for their heap after a full GC (it pauses them briefly). */
const HEAP_EVERY_MS = duration('SOAK_HEAP_EVERY', '1m');
const AGENT_PROCESSES = Number(process.env['SOAK_AGENT_PROCESSES'] ?? 2);
const REGISTER_CONCURRENCY = 8;
const CONNECT_TIMEOUT_MS = 900_000;
/** A change that has not converged after this long ends the run as a failure. */
const SYNC_TIMEOUT_MS = 600_000;
/** Growth after warm-up, as a share of the warm-up RSS, still called flat. */
const FLAT_TOLERANCE = 0.1;

const DESCRIPTION = `cluster: { name: soak, nodes: 1 }
namespaces: [{ name: app }]
workloads:
  - { namespace: app, name: web, labels: { app: web }, ports: [{ name: http, port: 8080 }] }
  - { namespace: app, name: api, labels: { app: api }, ports: [{ name: http, port: 8000 }] }
traffic:
  - { from: app/web, to: app/api, port: 8000, rate: 1 }
`;

function policy(port: number): string {
  return `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: soak-ingress
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

function rssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The heap an agent host still uses after a full GC, in MiB (null when it does not answer in 30 s). */
function heapAfterGcMiB(host: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      host.off('message', onMessage);
      resolve(null);
    }, 30_000);
    const onMessage = (m: { kind?: string; heapUsed?: number }) => {
      if (m.kind !== 'memory' || m.heapUsed === undefined) return;
      clearTimeout(timer);
      host.off('message', onMessage);
      resolve(m.heapUsed / 1024 / 1024);
    };
    host.on('message', onMessage);
    host.send({ kind: 'memory' });
  });
}

/**
 * Prints, per process, the sample at the end of warm-up, the peak, the last sample and the growth in
 * between; true when every process grew by at most FLAT_TOLERANCE.
 */
function growthTable(
  title: string,
  series: Map<string, { at: number; mib: number }[]>,
  warmupEnd: number,
): boolean {
  console.log(`\n${title}\n            process      after warm-up   peak     last   growth after warm-up`);
  let flat = true;
  for (const [name, points] of series) {
    const afterWarmup = points.find((p) => p.at >= warmupEnd) ?? points[0];
    const last = points.at(-1);
    if (afterWarmup === undefined || last === undefined) continue;
    const peak = Math.max(...points.map((p) => p.mib));
    const growth = last.mib - afterWarmup.mib;
    const share = growth / afterWarmup.mib;
    if (share > FLAT_TOLERANCE) flat = false;
    console.log(
      `            ${name.padEnd(12)} ${afterWarmup.mib.toFixed(0).padStart(13)} ${peak.toFixed(0).padStart(7)} ${last.mib.toFixed(0).padStart(8)}   ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} (${(share * 100).toFixed(1)} %)`,
    );
  }
  return flat;
}

async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  console.log(machineLine());
  console.log(
    `soak: ${String(N)} clusters, ${String(DURATION_MS / 60_000)} min, a policy change every ${String(CHANGE_EVERY_MS / 1000)} s, RSS every ${String(SAMPLE_EVERY_MS / 1000)} s`,
  );
  const stack = await FaultStack.start();
  const work = mkdtempSync(join(tmpdir(), 'palisade-soak-'));
  const hosts: ChildProcess[] = [];
  try {
    let port = 8000;
    const apply = async () => {
      port += 1;
      await stack.data('mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }', {
        i: { orgSlug: stack.orgSlug, yaml: policy(port) },
      });
    };
    await apply();

    const tokens: string[] = [];
    for (let i = 0; i < N; i += REGISTER_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(REGISTER_CONCURRENCY, N - i) }, (_, j) =>
        stack.data<{ registerCluster: { enrollmentToken: string } }>(
          'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }',
          { i: { orgSlug: stack.orgSlug, name: `soak-${String(i + j)}` } },
        ),
      );
      for (const r of await Promise.all(batch)) tokens.push(r.registerCluster.enrollmentToken);
    }
    const file = join(work, 'soak.yaml');
    writeFileSync(file, DESCRIPTION);
    const per = Math.ceil(N / AGENT_PROCESSES);
    for (let p = 0; p < AGENT_PROCESSES; p++) {
      const child = fork(new URL('../rollout/agents.ts', import.meta.url).pathname, [], {
        execArgv: ['--enable-source-maps', '--expose-gc', '--import', './scripts/register.mjs'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      hosts.push(child);
      child.send({
        kind: 'start',
        gatewayUrl: stack.gatewayUrl,
        file,
        clusters: tokens
          .slice(p * per, (p + 1) * per)
          .map((token, i) => ({ token, stateDir: join(work, `agent-${String(p * per + i)}`) })),
      });
    }
    const count = async (q: string): Promise<number> => Number((await stack.sql<{ n: string }>(q))[0]?.n);
    const IN_SYNC = `SELECT count(*) AS n FROM cluster_desired_state d JOIN cluster_sync_status s USING (cluster_id)
                      WHERE s.applied_generation = d.generation AND s.status = 'IN_SYNC'`;
    let synced = 0;
    await waitUntil(
      async () => (synced = await count(IN_SYNC)) >= N,
      CONNECT_TIMEOUT_MS,
      () => `${String(synced)} of ${String(N)} connected and in sync\n${stack.logs(40)}`,
    );
    console.log(`${String(N)} clusters connected and IN_SYNC; soaking`);

    const processes = (): [string, number | undefined][] => [
      ...[...stack.processes.entries()].map(([name, p]): [string, number | undefined] => [name, p.pid()]),
      ...hosts.map((h, i): [string, number | undefined] => [`agents-${String(i)}`, h.pid]),
    ];
    const samples = new Map<string, { at: number; mib: number }[]>();
    const heaps = new Map<string, { at: number; mib: number }[]>();
    const convergeMs: number[] = [];
    // A change is applied on each tick once the previous one has converged; while one converges the
    // loop keeps sampling, so a slow convergence is measured (and delays the next change, counted as
    // a skipped tick) instead of stopping the soak. Only a change that never converges fails the run.
    let pending: { appliedAt: number } | null = null;
    let skippedTicks = 0;
    const start = Date.now();
    let nextChange = start + CHANGE_EVERY_MS;
    let nextSample = start;
    let nextHeap = start;
    while (Date.now() - start < DURATION_MS || pending !== null) {
      const now = Date.now();
      if (now >= nextSample) {
        for (const [name, pid] of processes()) {
          const mib = rssMiB(pid);
          if (mib !== null) samples.set(name, [...(samples.get(name) ?? []), { at: now - start, mib }]);
        }
        nextSample += SAMPLE_EVERY_MS;
      }
      if (now >= nextHeap) {
        const measured = await Promise.all(hosts.map((h) => heapAfterGcMiB(h)));
        measured.forEach((mib, i) => {
          const name = `agents-${String(i)}`;
          if (mib !== null) heaps.set(name, [...(heaps.get(name) ?? []), { at: now - start, mib }]);
        });
        nextHeap += HEAP_EVERY_MS;
      }
      if (pending !== null) {
        if ((synced = await count(IN_SYNC)) >= N) {
          convergeMs.push(Date.now() - pending.appliedAt);
          pending = null;
        } else if (Date.now() - pending.appliedAt > SYNC_TIMEOUT_MS) {
          throw new Error(
            `a change did not converge in ${String(SYNC_TIMEOUT_MS / 1000)} s: ${String(synced)} of ${String(N)} in sync\n${stack.logs(40)}`,
          );
        }
      }
      if (now >= nextChange && Date.now() - start < DURATION_MS) {
        while (nextChange <= now) {
          if (pending !== null) skippedTicks += 1;
          nextChange += CHANGE_EVERY_MS;
        }
        if (pending === null) {
          pending = { appliedAt: Date.now() };
          await apply();
        }
      }
      await sleep(
        Math.max(
          50,
          Math.min(nextSample, nextHeap, nextChange, pending === null ? Infinity : Date.now() + 250) -
            Date.now(),
        ),
      );
    }

    const warmupEnd = DURATION_MS / 5;
    const rssFlat = growthTable('RSS (MiB)', samples, warmupEnd);
    const heapFlat = growthTable('heap after a full GC (MiB), agent hosts', heaps, warmupEnd);
    const sorted = [...convergeMs].sort((a, b) => a - b);
    console.log(
      `\n${String(convergeMs.length)} policy changes; all ${String(N)} clusters IN_SYNC again after p50 ${String(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms, max ${String(sorted.at(-1) ?? 0)} ms; ${String(skippedTicks)} ticks skipped while a change was still converging`,
    );
    console.log(
      `memory after warm-up: RSS ${rssFlat ? 'flat' : 'GROWING'}, agent heaps ${heapFlat ? 'flat' : 'GROWING'} (each within ${String(FLAT_TOLERANCE * 100)} % of its value at the end of warm-up)`,
    );
    if (DURATION_MS < 10 * 60_000)
      console.log('(a smoke run: set SOAK_CLUSTERS=1000 SOAK_DURATION=30m for the real one)');
  } finally {
    for (const h of hosts) h.kill('SIGKILL');
    await stack.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
