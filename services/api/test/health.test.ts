// Operational endpoints of the API: liveness, readiness (Postgres and Redis really answer) and the
// Prometheus metrics, which count the requests just made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext } from './context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await TestContext.start();
});
afterAll(async () => ctx?.close());

describe('health and metrics', () => {
  it('/healthz answers 200', async () => {
    const res = await fetch(`${ctx.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 with the database and Redis ok', async () => {
    const res = await fetch(`${ctx.origin}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('/metrics exposes request counts in the Prometheus text format', async () => {
    await fetch(`${ctx.origin}/healthz`);
    await ctx.gql(null, '{ viewer { kind } }');
    const res = await fetch(`${ctx.origin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE palisade_http_requests_total counter');
    expect(text).toMatch(/palisade_http_requests_total\{route="\/healthz",status="2xx"\} [1-9]/);
    expect(text).toMatch(/palisade_http_requests_total\{route="\/graphql",status="2xx"\} [1-9]/);
    expect(text).toContain('palisade_http_request_duration_seconds_bucket');
    expect(text).toContain('palisade_api_process_cpu_user_seconds_total');
  });
});
