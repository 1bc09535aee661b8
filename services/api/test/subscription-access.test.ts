// GraphQL WebSockets (subscriptions) hold access only while the caller does (issue 20): a socket
// without connection_init is closed, an anonymous connection_init or a session cookie from a
// foreign Origin is refused, and a revoked token, a signed-out session, a removed member or a
// changed role closes the open socket with a reason that says which.
// Raw `ws` sockets speaking graphql-transport-ws, so that close codes and reasons are observable.
import { waitFor } from '@palisade/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SUBSCRIPTION_LIMITS } from '../src/config/limits.js';
import { TestContext } from './context.js';
import { expectData, signedInMember, userIdOf } from './factories/members.js';

let ctx: TestContext;
let slug: string;
let owner: Awaited<ReturnType<typeof signedInMember>>;

beforeAll(async () => {
  ctx = await TestContext.start();
  slug = (await ctx.newOrg('live-access', 'alice@example.com')).slug;
  owner = await signedInMember(ctx, slug, 'owner', 'alice@example.com');
});
afterAll(async () => ctx?.close());

const SUBSCRIBE = 'subscription($s: String!) { clusterStatusChanged(orgSlug: $s) { clusterId status } }';
// Bounded waits for the gate's periodic re-check (every reauthorizeIntervalMs) and its init timeout.
const RECHECK_BOUND_MS = SUBSCRIPTION_LIMITS.reauthorizeIntervalMs * 3;

interface Socket {
  ws: WebSocket;
  messages: { type: string; payload?: unknown }[];
  closed: Promise<{ code: number; reason: string }>;
  acked(): Promise<boolean>;
}

function open(headers: Record<string, string> = {}): Socket {
  const ws = new WebSocket(`${ctx.origin.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
    headers,
  });
  const messages: Socket['messages'] = [];
  ws.on('message', (d: Buffer) =>
    messages.push(JSON.parse(d.toString('utf8')) as Socket['messages'][number]),
  );
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
  );
  const acked = async () => {
    const ended = await Promise.race([
      waitFor(() => messages.some((m) => m.type === 'connection_ack'), 'ack', 5_000).then(() => false),
      closed.then(() => true),
    ]);
    return !ended && messages.some((m) => m.type === 'connection_ack');
  };
  return { ws, messages, closed, acked };
}

const opened = (ws: WebSocket) => new Promise<void>((resolve) => ws.once('open', () => resolve()));

async function init(s: Socket, payload: Record<string, unknown> = {}): Promise<void> {
  await opened(s.ws);
  s.ws.send(JSON.stringify({ type: 'connection_init', payload }));
}

function subscribe(s: Socket): void {
  s.ws.send(
    JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIBE, variables: { s: slug } } }),
  );
}

const browserHeaders = (cookie: string, origin = ctx.env.PUBLIC_ORIGIN) => ({
  cookie,
  origin: new URL(origin).origin,
});

/** A live, acknowledged subscription: nothing but a close follows unless a cluster changes. */
async function live(s: Socket): Promise<void> {
  expect(await s.acked()).toBe(true);
  subscribe(s);
  // The subscription was accepted: no error message for it.
  await new Promise((r) => setTimeout(r, 200));
  expect(s.messages.filter((m) => m.type === 'error')).toEqual([]);
}

describe('connecting', () => {
  it('closes a socket that never sends connection_init (4408)', async () => {
    const s = open();
    await opened(s.ws);
    const { code } = await s.closed;
    expect(code).toBe(4408);
    expect(s.messages).toEqual([]);
  });

  it('refuses an anonymous connection_init (4401) and never acknowledges it', async () => {
    const s = open();
    await init(s);
    const { code, reason } = await s.closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/sign in|API token/);
    expect(s.messages.some((m) => m.type === 'connection_ack')).toBe(false);
  });

  it('refuses a bad token in connection_init (4401)', async () => {
    const s = open();
    await init(s, { authorization: 'Bearer pal_not-a-real-token' });
    expect((await s.closed).code).toBe(4401);
  });

  it('ignores the session cookie on a socket from a foreign Origin', async () => {
    const s = open(browserHeaders(owner.headers['cookie'] ?? '', 'https://evil.example'));
    await init(s);
    const { code } = await s.closed;
    expect(code).toBe(4401);
    expect(s.messages.some((m) => m.type === 'connection_ack')).toBe(false);
    // The same cookie from the console's own origin is accepted.
    const own = open(browserHeaders(owner.headers['cookie'] ?? ''));
    await init(own);
    await live(own);
    own.ws.close();
  });
});

describe('hostile subscriptions', () => {
  it('closes the socket (4400) on a subscription nested 20,000 deep, leaking no engine message', async () => {
    const token = await ctx.tokenCaller(slug, 'viewer');
    const s = open();
    await init(s, { authorization: `Bearer ${token.secret}` });
    expect(await s.acked()).toBe(true);
    const query = `subscription { clusterStatusChanged(orgSlug: "${slug}") ${'{ a '.repeat(20_000)}${'}'.repeat(20_000)} }`;
    s.ws.send(JSON.stringify({ id: '9', type: 'subscribe', payload: { query } }));
    const { code, reason } = await s.closed;
    expect(code).toBe(4400);
    expect(reason).toMatch(/nests brackets/);
    expect(JSON.stringify(s.messages)).not.toMatch(/stack size|RangeError/);
  });
});

describe('while open', () => {
  it('a revoked token closes its socket (4401)', async () => {
    const token = await ctx.tokenCaller(slug, 'viewer');
    const s = open();
    await init(s, { authorization: `Bearer ${token.secret}` });
    await live(s);
    const [row] = await ctx.sql<{ id: string }>('SELECT id FROM api_tokens ORDER BY created_at DESC LIMIT 1');
    expectData(
      await ctx.gql(owner, 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id } }', {
        i: { orgSlug: slug, tokenId: row?.id },
      }),
    );
    const { code, reason } = await waitForClose(s);
    expect(code).toBe(4401);
    expect(reason).toMatch(/revoked/);
  });

  it('signing out closes the session’s socket (4401)', async () => {
    const bob = await signedInMember(ctx, slug, 'viewer', 'bob@example.com');
    const s = open(browserHeaders(bob.headers['cookie'] ?? ''));
    await init(s);
    await live(s);
    const out = await fetch(`${ctx.origin}/auth/logout`, { method: 'POST', headers: bob.headers });
    expect(out.status).toBe(200);
    expect((await waitForClose(s)).code).toBe(4401);
  });

  it('removing the member closes their socket (4403) with the reason', async () => {
    const carol = await signedInMember(ctx, slug, 'viewer', 'carol@example.com');
    const s = open(browserHeaders(carol.headers['cookie'] ?? ''));
    await init(s);
    await live(s);
    expectData(
      await ctx.gql(owner, 'mutation($i: RemoveMemberInput!) { removeMember(input: $i) { role } }', {
        i: { orgSlug: slug, userId: await userIdOf(ctx, 'carol@example.com') },
      }),
    );
    const { code, reason } = await waitForClose(s);
    expect(code).toBe(4403);
    expect(reason).toBe(`you no longer have access to ${slug}`);
  });

  it('a role change closes the socket (4403), naming both roles', async () => {
    const dave = await signedInMember(ctx, slug, 'editor', 'dave@example.com');
    const s = open(browserHeaders(dave.headers['cookie'] ?? ''));
    await init(s);
    await live(s);
    expectData(
      await ctx.gql(owner, 'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role } }', {
        i: { orgSlug: slug, userId: await userIdOf(ctx, 'dave@example.com'), role: 'VIEWER' },
      }),
    );
    const { code, reason } = await waitForClose(s);
    expect(code).toBe(4403);
    expect(reason).toMatch(/role in live-access changed from editor to viewer/);
  });

  it('an unchanged member keeps the socket across re-checks', async () => {
    const s = open(browserHeaders(owner.headers['cookie'] ?? ''));
    await init(s);
    await live(s);
    const outcome = await Promise.race([
      s.closed.then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('open'), SUBSCRIPTION_LIMITS.reauthorizeIntervalMs * 2 + 500)),
    ]);
    expect(outcome).toBe('open');
    s.ws.close();
  });
});

async function waitForClose(s: Socket): Promise<{ code: number; reason: string }> {
  return Promise.race([
    s.closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the socket stayed open')), RECHECK_BOUND_MS).unref(),
    ),
  ]);
}
