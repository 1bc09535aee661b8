// The gateway's one listening socket: `/healthz`, `/readyz` and `/metrics` over plain HTTP, and
// the WebSocket upgrade, accepted only at `/v1/tunnel`. Anything else gets a short status and
// nothing more. The ws server keeps no client list (the session registry is the list) and no
// compression (per-connection zlib state would cost more memory than the tunnel itself).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export const TUNNEL_PATH = '/v1/tunnel';

export interface HttpServerOptions {
  readonly maxPayloadBytes: number;
  readonly metrics: GatewayMetrics;
  readonly readiness: () => Promise<Readiness>;
  /** False while shutting down: new upgrades are refused with 503. */
  readonly accepting: () => boolean;
  /** Rate limits per client IP (decision 0058): null admits, a number refuses with 429 and Retry-After. */
  readonly admitUpgrade: (ip: string) => Promise<number | null>;
  readonly onTunnel: (socket: WebSocket, ip: string) => void;
}

export interface GatewayHttpServer {
  readonly server: Server;
  /** Every raw socket, so `kill()` can drop them all without close frames. */
  readonly sockets: Set<Duplex>;
}

export function createHttpServer(options: HttpServerOptions): GatewayHttpServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
    clientTracking: false,
    // The codec checks UTF-8 itself and answers `malformed_frame`; ws would close with a bare 1007.
    skipUTF8Validation: true,
  });
  const sockets = new Set<Duplex>();
  const server = createServer((req, res) => {
    respond(req, res, options).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== TUNNEL_PATH) return refuse(socket, 404, 'Not Found');
    if (!options.accepting()) return refuse(socket, 503, 'Service Unavailable');
    const ip = req.socket.remoteAddress ?? '';
    void options.admitUpgrade(ip).then((retryAfterMs) => {
      if (socket.destroyed) return;
      if (retryAfterMs !== null) {
        options.metrics.connects.inc({ stage: 'rate_limited' });
        return refuse(socket, 429, 'Too Many Requests', Math.ceil(retryAfterMs / 1000));
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        options.metrics.connects.inc({ stage: 'upgraded' });
        options.onTunnel(ws, ip);
      });
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  return { server, sockets };
}

async function respond(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  switch (pathOf(req)) {
    case '/healthz':
      return json(res, 200, { status: 'ok' });
    case '/readyz': {
      const readiness = await options.readiness();
      return json(res, readiness.ready ? 200 : 503, {
        status: readiness.ready ? 'ready' : 'not ready',
        checks: readiness.checks,
      });
    }
    case '/metrics': {
      const text = await options.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text);
      return;
    }
    default:
      json(res, 404, { error: 'not found' });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function refuse(socket: Duplex, status: number, text: string, retryAfterS?: number): void {
  const retry = retryAfterS === undefined ? '' : `retry-after: ${String(retryAfterS)}\r\n`;
  socket.end(`HTTP/1.1 ${String(status)} ${text}\r\n${retry}connection: close\r\ncontent-length: 0\r\n\r\n`);
}
