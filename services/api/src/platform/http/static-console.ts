// Serves the built web console (web/dist) from the API's origin, so the session cookie, the CSRF
// cookie and the WebSocket all stay same-origin. Hashed files under /assets/ are cached forever;
// every other GET that is not an API path gets index.html (the console routes in the browser).
// It must never shadow the API: /graphql, /auth/*, /sso/*, /v1/*, /scim/*, /healthz, /readyz and /metrics keep
// their own routes and their own 404s. Without a built console nothing is registered.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist of this checkout. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../../../web/dist/', import.meta.url));

const API_PATHS = /^\/(graphql|graphiql|auth|sso|v1|scim|healthz|readyz|metrics)(\/|$)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.map', '.json', '.svg', '.txt']);

interface CachedFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
}

/** Content-Security-Policy for the console; inline scripts of index.html are allowed by hash. */
export function consoleCsp(indexHtml: string): string {
  const hashes = [...indexHtml.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    // CodeMirror injects its own style rules at runtime.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

/** Registers the console routes when `dir` holds a build; returns whether it did. */
export function registerStaticConsole(fastify: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): boolean {
  const root = resolve(dir);
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) return false;
  const cache = new Map<string, CachedFile | null>();

  const load = (file: string): CachedFile | null => {
    if (cache.has(file)) return cache.get(file) ?? null;
    let entry: CachedFile | null;
    try {
      const body = readFileSync(file);
      const ext = extname(file);
      entry = {
        body,
        gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : null,
        type: TYPES[ext] ?? 'application/octet-stream',
      };
    } catch {
      entry = null;
    }
    cache.set(file, entry);
    return entry;
  };

  const index = load(indexPath);
  const csp = consoleCsp(index?.body.toString('utf8') ?? '');

  const send = (req: FastifyRequest, reply: FastifyReply, file: CachedFile, cacheControl: string) => {
    const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    void reply
      .header('content-type', file.type)
      .header('cache-control', cacheControl)
      .header('x-content-type-options', 'nosniff')
      .header('vary', 'accept-encoding');
    if (gzip) void reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? file.gzip : file.body);
  };

  fastify.get('/*', (req, reply) => {
    const pathname = req.url.split('?')[0] ?? '/';
    if (API_PATHS.test(pathname)) return reply.callNotFound();
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return reply.callNotFound();
    }
    const target = resolve(root, `.${decoded}`);
    const inside = target.startsWith(root + sep) && !decoded.includes('\0');
    if (inside && extname(decoded) !== '') {
      const file = load(target);
      if (file) {
        const immutable = decoded.startsWith('/assets/');
        return send(req, reply, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
      // A missing hashed asset is a 404, not the app: a stale tab must see the failure.
      if (decoded.startsWith('/assets/')) return reply.callNotFound();
    }
    if (!index) return reply.callNotFound();
    void reply
      .header('content-security-policy', csp)
      .header('referrer-policy', 'same-origin')
      .header('x-frame-options', 'DENY');
    return send(req, reply, index, 'no-cache');
  });
  return true;
}
