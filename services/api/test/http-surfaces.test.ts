// What the API's origin exposes besides GraphQL itself (issue 20): security headers on every
// response, /graphql included; HSTS when the public origin is https; /metrics behind a token (and
// absent in production without one); GraphiQL only in development.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext } from './context.js';

const METRICS_TOKEN = randomBytes(24).toString('hex');
let ctx: TestContext;
let prod: TestContext;
// A built console with an inline script, as web/dist has one.
const consoleDir = mkdtempSync(join(tmpdir(), 'palisade-console-'));
mkdirSync(join(consoleDir, 'assets'));
writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><script>void 0</script><div id="root"></div>');
writeFileSync(join(consoleDir, 'assets', 'app-abc123.js'), 'console.log(1)');

beforeAll(async () => {
  ctx = await TestContext.start({ METRICS_TOKEN, CONSOLE_DIR: consoleDir });
  prod = await TestContext.start({
    NODE_ENV: 'production',
    PUBLIC_ORIGIN: 'https://palisade.example',
    // Required in production (decision 0068); any valid key will do here.
    EVIDENCE_KEY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
  });
});
afterAll(async () => {
  await ctx?.close();
  await prod?.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

const gqlPost = (c: TestContext) =>
  fetch(`${c.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

describe('security headers', () => {
  it('are on every kind of response: GraphQL (POST and GET), health, auth, errors and 404s', async () => {
    const responses = {
      'POST /graphql': await gqlPost(ctx),
      'GET /graphql': await fetch(`${ctx.origin}/graphql?query=${encodeURIComponent('{ __typename }')}`),
      'bad /graphql': await fetch(`${ctx.origin}/graphql`, { method: 'POST', body: '{' }),
      '/healthz': await fetch(`${ctx.origin}/healthz`),
      '/auth/login': await fetch(`${ctx.origin}/auth/login`, { redirect: 'manual' }),
      '404': await fetch(`${ctx.origin}/v1/nothing-here`),
    };
    for (const [what, res] of Object.entries(responses)) {
      const h = res.headers;
      expect(h.get('x-content-type-options'), what).toBe('nosniff');
      expect(h.get('content-security-policy'), what).toBe(
        "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      );
      expect(h.get('x-frame-options'), what).toBe('DENY');
      expect(h.get('referrer-policy'), what).toBe('no-referrer');
      expect(h.get('cross-origin-resource-policy'), what).toBe('same-origin');
      // Served over plain http: no HSTS (browsers ignore it there, and it would pin a dev host).
      expect(h.get('strict-transport-security'), what).toBeNull();
    }
  });

  it('leave the console its own Content-Security-Policy, which lets its scripts run', async () => {
    const page = await fetch(`${ctx.origin}/clusters`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const asset = await fetch(`${ctx.origin}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('include HSTS when the public origin is https', async () => {
    for (const res of [await gqlPost(prod), await fetch(`${prod.origin}/healthz`)]) {
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    }
  });
});

describe('/metrics', () => {
  it('needs the metrics token when one is configured', async () => {
    expect((await fetch(`${ctx.origin}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${ctx.origin}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${ctx.origin}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('# TYPE');
  });

  it('is absent in production without a token', async () => {
    const res = await fetch(`${prod.origin}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('# TYPE');
  });
});

describe('GraphiQL', () => {
  it('is not served outside development', async () => {
    for (const c of [ctx, prod]) expect((await fetch(`${c.origin}/graphiql`)).status).toBe(404);
  });
});
