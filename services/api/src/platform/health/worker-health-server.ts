// The job worker's HTTP surface, and all of it: liveness (/healthz), readiness (/readyz: Postgres
// and Redis answer) and Prometheus metrics (/metrics), on WORKER_PORT, so that an orchestrator
// can probe the worker like the API and the gateway. Any other path is a 404; it never serves jobs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { check } from './check.js';

export interface WorkerHealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startWorkerHealthServer(opts: {
  host: string;
  port: number;
  checks: Readonly<Record<string, () => Promise<void>>>;
}): Promise<WorkerHealthServer> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'palisade_worker_' });

  const json = (res: import('node:http').ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const names = Object.keys(opts.checks);
      void Promise.all(names.map((n) => check(opts.checks[n]!))).then((results) => {
        const checks = Object.fromEntries(names.map((n, i) => [n, results[i]]));
        const ready = results.every((r) => r === 'ok');
        json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      });
      return;
    }
    if (path === '/metrics') {
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(text);
      });
      return;
    }
    json(res, 404, { error: `no route ${path}` });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
