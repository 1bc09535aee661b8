// The agent's health endpoint for the kubelet's probes: `GET /healthz` answers 200 while the process
// serves requests and the agent has not stopped (liveness), `GET /readyz` answers 200 only when the
// agent is ready (readiness.ts) and 503 with the reason otherwise. Plain text bodies, no other paths
// (404), no other methods (405). It reads state only; it never changes the agent.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthCheck {
  readonly ok: boolean;
  /** Why not, when not ok; what holds, when ok. */
  readonly detail: string;
}

export interface HealthServerOptions {
  readonly port: number;
  /** 0.0.0.0 in a pod, where the kubelet probes the pod's address. */
  readonly host: string;
  readonly live: () => HealthCheck;
  readonly ready: () => HealthCheck;
}

export interface RunningHealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<RunningHealthServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    const check = path === '/healthz' ? options.live : path === '/readyz' ? options.ready : undefined;
    const reply = (code: number, text: string): void => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
    };
    if (check === undefined) return reply(404, `${path}: not found (the agent serves /healthz and /readyz)`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, `${req.method ?? ''}: use GET`);
    const result = check();
    reply(result.ok ? 200 : 503, result.ok ? `ok: ${result.detail}` : `not ok: ${result.detail}`);
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
