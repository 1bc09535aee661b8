import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStaticConsole } from './static-console.js';

const INLINE = "document.documentElement.dataset['x'] = '1';";
const INDEX = `<!doctype html><html><head><script>${INLINE}</script></head><body><div id="root"></div></body></html>`;
let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
  writeFileSync(join(dir, 'robots.txt'), 'User-agent: *\n');
  app = Fastify();
  app.get('/graphql', () => ({ api: 'graphql' }));
  app.get('/auth/login', () => ({ api: 'login' }));
  app.get('/v1/install/:token', () => ({ api: 'install' }));
  app.get('/healthz', () => ({ api: 'health' }));
  expect(registerStaticConsole(app, dir)).toBe(true);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('static console', () => {
  it('answers console routes with index.html, no-cache, and a CSP allowing only its inline script', async () => {
    for (const url of ['/', '/o/acme/clusters', '/o/acme/clusters/prod-eu?tab=endpoints']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
      const hash = createHash('sha256').update(INLINE).digest('base64');
      expect(res.headers['content-security-policy']).toContain(`script-src 'self' 'sha256-${hash}'`);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets as immutable, gzipped when asked', async () => {
    const plain = await app.inject({ url: '/assets/app-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gz = await app.inject({ url: '/assets/app-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect((await app.inject({ url: '/robots.txt' })).headers['cache-control']).toBe('no-cache');
  });

  it('never shadows the API: its routes answer, and unknown API paths stay 404', async () => {
    expect((await app.inject({ url: '/graphql' })).json()).toEqual({ api: 'graphql' });
    expect((await app.inject({ url: '/auth/login' })).json()).toEqual({ api: 'login' });
    expect((await app.inject({ url: '/v1/install/abc.yaml' })).json()).toEqual({ api: 'install' });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ api: 'health' });
    for (const url of [
      '/auth/nope',
      '/v1/nope',
      '/scim/v2/orgs/x/Nope',
      '/graphql/x',
      '/metrics',
      '/readyz/x',
    ])
      expect((await app.inject({ url })).statusCode, url).toBe(404);
  });

  it('404s missing assets and refuses paths that escape the directory', async () => {
    expect((await app.inject({ url: '/assets/gone-123.js' })).statusCode).toBe(404);
    const escape = await app.inject({ url: '/..%2f..%2fetc%2fpasswd.txt' });
    expect(escape.body).not.toContain('root:');
    expect([400, 404]).toContain((await app.inject({ url: '/%E0%A4%A' })).statusCode);
  });

  it('registers nothing without a build', () => {
    expect(registerStaticConsole(Fastify(), join(dir, 'missing'))).toBe(false);
  });
});
