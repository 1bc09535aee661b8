// An open-loop HTTP load generator for latency at a fixed request rate, run in its own process.
// Requests are scheduled at even intervals (rate per second) whether or not earlier ones have
// answered, and each latency is measured from the request's scheduled time, so a slow response
// also counts against the requests queued behind it (no coordinated omission, as in wrk2).
// autocannon's --overallRate sends each second's budget as a burst at the start of the second,
// which measures the queue that burst builds rather than the server at that rate.
//
// As a module: pacedLoad(options) spawns this file and resolves with its summary.
// As a process: argv[2] is the JSON options; prints the JSON summary on stdout.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

export interface PacedLoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** Keep-alive connections the requests share (more are not opened). */
  connections: number;
}

export interface PacedLoadResult {
  sent: number;
  completed: number;
  errors: number;
  non2xx: number;
  p50: number;
  p99: number;
  max: number;
}

const self = fileURLToPath(import.meta.url);
const register = fileURLToPath(new URL('../../scripts/register.mjs', import.meta.url));

export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const child = spawn(process.execPath, ['--import', register, self, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`paced load generator failed (exit ${code}): ${stderr}`);
  return JSON.parse(stdout) as PacedLoadResult;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function run(o: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(o.url);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let non2xx = 0;
  let outstanding = 0;
  const start = performance.now() + 20;

  const fire = (scheduled: number): void => {
    outstanding += 1;
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { ...o.headers, 'content-length': Buffer.byteLength(o.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - scheduled);
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx += 1;
          outstanding -= 1;
        });
      },
    );
    req.on('error', () => {
      errors += 1;
      outstanding -= 1;
    });
    req.end(o.body);
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        fire(start + sent * interval);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
      else resolve();
    };
    setTimeout(tick, 20);
  });
  const deadline = performance.now() + 30_000;
  while (outstanding > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    sent,
    completed: latencies.length,
    errors,
    non2xx,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

if (process.argv[1] === self && process.argv[2]) {
  const result = await run(JSON.parse(process.argv[2]) as PacedLoadOptions);
  process.stdout.write(JSON.stringify(result));
}
