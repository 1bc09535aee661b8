// Rate limits (issue 20, decision 0058) against real Redis, with two API replicas sharing it: failed
// authentications and anonymous requests per client IP, GraphQL cost per token and per
// organisation. Each test speaks from its own client address (X-Forwarded-For, TRUST_PROXY=true),
// so buckets never leak between tests. Limits are lowered for this file.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { freePort } from '@palisade/testing';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/http/logger.js';
import { documentCost } from '../src/platform/graphql/complexity.js';
import { createApiServer } from '../src/server.js';
import { codeOf, type GqlResult, TestContext } from './context.js';

let ctx: TestContext;
let replica: NestFastifyApplication;
let replicaOrigin: string;
let slug: string;

beforeAll(async () => {
  ctx = await TestContext.start({
    TRUST_PROXY: 'true',
    RATE_LIMIT_FAILED_AUTH: '5',
    RATE_LIMIT_ANONYMOUS: '10',
    RATE_LIMIT_GRAPHQL_COST: '60',
    RATE_LIMIT_ORG_GRAPHQL_COST: '100',
  });
  // A second replica of the API on the same database and Redis.
  replica = await createApiServer(ctx.env, createLogger('silent', 'api-replica'));
  const port = await freePort();
  await replica.listen({ port, host: '127.0.0.1' });
  replicaOrigin = `http://127.0.0.1:${port}`;
  slug = (await ctx.newOrg('limited')).slug;
});
afterAll(async () => {
  await replica?.close();
  await ctx?.close();
});

let nextIp = 1;
const newIp = () => `203.0.113.${nextIp++}`;

async function gql(
  origin: string,
  ip: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<GqlResult & { retryAfter: string | null }> {
  const res = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as Omit<GqlResult, 'status'>;
  return { status: res.status, ...body, retryAfter: res.headers.get('retry-after') };
}

const VIEWER = '{ viewer { kind } }';
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

function expectRateLimited(r: GqlResult & { retryAfter: string | null }): void {
  expect(r.status).toBe(429);
  expect(codeOf(r)).toBe('RATE_LIMITED');
  expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(r.errors).toHaveLength(1);
}

describe('failed authentication, per client IP, across replicas', () => {
  it('refuses an IP after 5 bad tokens, then refuses even its valid token; other IPs are served', async () => {
    const ip = newIp();
    const good = await ctx.tokenCaller(slug, 'viewer');
    for (let i = 0; i < 5; i++) {
      // Alternate replicas: the count is shared through Redis.
      const r = await gql(i % 2 ? replicaOrigin : ctx.origin, ip, VIEWER, bearer(`pal_guess${i}`));
      expect(codeOf(r)).toBe('UNAUTHENTICATED');
    }
    expectRateLimited(await gql(ctx.origin, ip, VIEWER, bearer('pal_guess6')));
    expectRateLimited(await gql(replicaOrigin, ip, VIEWER, bearer(good.secret)));
    const elsewhere = await gql(replicaOrigin, newIp(), VIEWER, bearer(good.secret));
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.errors).toBeUndefined();
  });

  it('counts failed sign-in callbacks and unknown install tokens, and answers 429 with Retry-After', async () => {
    const ip = newIp();
    const headers = { 'x-forwarded-for': ip };
    for (let i = 0; i < 3; i++) {
      const cb = await fetch(`${ctx.origin}/auth/callback?code=x&state=forged${i}`, {
        headers,
        redirect: 'manual',
      });
      expect(cb.status).toBeGreaterThanOrEqual(400);
    }
    for (let i = 0; i < 2; i++) {
      const install = await fetch(`${replicaOrigin}/v1/install/pen_guess${i}.yaml`, { headers });
      expect(install.status).toBe(404);
    }
    const refused = await fetch(`${ctx.origin}/auth/login`, { headers, redirect: 'manual' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { code: string }).code).toBe('RATE_LIMITED');
  });
});

describe('anonymous requests, per client IP', () => {
  it('serves 10 a minute, then RATE_LIMITED', async () => {
    const ip = newIp();
    for (let i = 0; i < 10; i++)
      expect((await gql(i % 2 ? replicaOrigin : ctx.origin, ip, VIEWER)).status).toBe(200);
    expectRateLimited(await gql(ctx.origin, ip, VIEWER));
    // A caller with a credential from the same address is not anonymous.
    const token = await ctx.tokenCaller(slug, 'viewer');
    expect((await gql(ctx.origin, ip, VIEWER, bearer(token.secret))).errors).toBeUndefined();
  });
});

describe('GraphQL cost, per token and per organisation', () => {
  const QUERY = `query { organization(slug: "limited") { members(first: 5) { edges { node { role } } } } }`;
  const cost = documentCost(parse(QUERY));

  it('charges each operation its cost to the token, then to the organisation', async () => {
    // 60 per token, 100 per organisation; a refused operation is not charged to the organisation.
    const perToken = Math.floor(60 / cost);
    const leftForSecond = Math.floor((100 - perToken * cost) / cost);
    expect(perToken).toBeGreaterThanOrEqual(2);
    expect(leftForSecond).toBeLessThan(perToken);
    const ip = newIp();
    const first = await ctx.tokenCaller(slug, 'viewer');
    for (let i = 0; i < perToken; i++)
      expect((await gql(ctx.origin, ip, QUERY, bearer(first.secret))).errors).toBeUndefined();
    const over = await gql(replicaOrigin, ip, QUERY, bearer(first.secret));
    expectRateLimited(over);
    expect(over.errors?.[0]?.message).toMatch(/this caller/);
    // A second token of the organisation, with a fresh budget of its own, meets the organisation's.
    const second = await ctx.tokenCaller(slug, 'viewer');
    for (let i = 0; i < leftForSecond; i++)
      expect((await gql(ctx.origin, ip, QUERY, bearer(second.secret))).errors).toBeUndefined();
    const orgOver = await gql(ctx.origin, ip, QUERY, bearer(second.secret));
    expectRateLimited(orgOver);
    expect(orgOver.errors?.[0]?.message).toMatch(/this organisation/);
    // Another organisation's token is not affected.
    const other = await ctx.newOrg('unlimited');
    const theirs = await ctx.tokenCaller(other.slug, 'viewer');
    expect(
      (await gql(ctx.origin, ip, QUERY.replace('limited', 'unlimited'), bearer(theirs.secret))).errors,
    ).toBeUndefined();
  });
});
