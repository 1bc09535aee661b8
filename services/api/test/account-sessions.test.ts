// Sessions as people manage them (issue 17 item 4; decision 0110): a member lists and ends their
// own sessions; an owner ends every session of a member, closing their live GraphQL socket within a
// second; an owner sets the organisation's session lifetime and idle timeout, and a session past
// either is ended at its next request to that organisation. Real sign-ins, Postgres and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext } from './context.js';
import { count, expectData, expectError, signedInMember, type SignedInMember } from './factories/members.js';
import { closeWithin, liveSubscription } from './support/graphql-socket.js';

let ctx: TestContext;
let alice: SignedInMember;
let slug: string;
let orgId: string;

const SESSIONS = '{ viewer { sessions { id current createdAt lastSeenAt expiresAt userAgent ip } } }';
const READ = 'query($s: String!) { organization(slug: $s) { slug } }';

interface SessionNode {
  id: string;
  current: boolean;
  userAgent: string | null;
  ip: string | null;
}

async function sessionsOf(caller: SignedInMember | Awaited<ReturnType<TestContext['signIn']>>) {
  return expectData(await ctx.gql<{ viewer: { sessions: SessionNode[] } }>(caller, SESSIONS)).viewer.sessions;
}

async function lastAudit() {
  const [row] = await ctx.sql<{
    action: string;
    actor_label: string;
    target_id: string;
    before: unknown;
    after: unknown;
  }>(
    'SELECT action, actor_label, target_id, before, after FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1',
    [orgId],
  );
  return row!;
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug, orgId } = await ctx.newOrg('sessions-acme', 'alice@example.com'));
  alice = await signedInMember(ctx, slug, 'owner', 'alice@example.com');
});
afterAll(async () => ctx?.close());

describe('your own sessions', () => {
  it('lists them, marks the current one, and ends another at once', async () => {
    const dave = await signedInMember(ctx, slug, 'viewer', 'dave@example.com');
    const laptop = await ctx.signIn('dave@example.com');
    const mine = await sessionsOf(dave);
    expect(mine).toHaveLength(2);
    expect(mine.filter((s) => s.current)).toHaveLength(1);
    expect(mine[0]!.ip).toBe('127.0.0.1');
    const other = (await sessionsOf(laptop)).find((s) => s.current)!;
    expect(mine.find((s) => !s.current)!.id).toBe(other.id);

    const r = await ctx.gql<{ revokeSession: { id: string; current: boolean } }>(
      dave,
      'mutation($i: RevokeSessionInput!) { revokeSession(input: $i) { id current } }',
      { i: { sessionId: other.id } },
    );
    expect(expectData(r).revokeSession).toEqual({ id: other.id, current: false });
    expectError(await ctx.gql(laptop, READ, { s: slug }), 'UNAUTHENTICATED');
    expectData(await ctx.gql(dave, READ, { s: slug }));
    expect(await sessionsOf(dave)).toHaveLength(1);
    expect(await lastAudit()).toMatchObject({
      action: 'session.revoke',
      actor_label: 'dave@example.com',
      target_id: other.id,
    });
  });

  it("cannot end someone else's session (NOT_FOUND), and a token has none", async () => {
    const carol = await signedInMember(ctx, slug, 'viewer', 'carol@example.com');
    const target = (await sessionsOf(carol))[0]!.id;
    const dave = await ctx.signIn('dave@example.com');
    const sessionsBefore = await count(ctx, 'sessions');
    expectError(
      await ctx.gql(dave, 'mutation($i: RevokeSessionInput!) { revokeSession(input: $i) { id } }', {
        i: { sessionId: target },
      }),
      'NOT_FOUND',
    );
    expectError(
      await ctx.gql(dave, 'mutation($i: RevokeSessionInput!) { revokeSession(input: $i) { id } }', {
        i: { sessionId: 'nope' },
      }),
      'VALIDATION_FAILED',
      ['input', 'sessionId'],
    );
    expect(await count(ctx, 'sessions')).toBe(sessionsBefore);
    const token = await ctx.tokenCaller(slug, 'viewer');
    expect(
      expectData(await ctx.gql<{ viewer: { sessions: unknown[] } }>(token, SESSIONS)).viewer.sessions,
    ).toEqual([]);
  });
});

describe('an owner ends all sessions of a member', () => {
  it('signs them out everywhere and closes their live socket within a second', async () => {
    const erin = await signedInMember(ctx, slug, 'editor', 'erin@example.com');
    const phone = await ctx.signIn('erin@example.com');
    const socket = await liveSubscription(ctx, erin.headers['cookie'] ?? '', slug);
    const started = Date.now();
    const r = await ctx.gql<{
      endMemberSessions: { endedSessions: number; member: { user: { email: string } } };
    }>(
      alice,
      'mutation($i: EndMemberSessionsInput!) { endMemberSessions(input: $i) { endedSessions member { user { email } } } }',
      { i: { orgSlug: slug, userId: erin.userId } },
    );
    expect(expectData(r).endMemberSessions).toEqual({
      endedSessions: 2,
      member: { user: { email: 'erin@example.com' } },
    });
    expect((await closeWithin(socket, 1_000 - (Date.now() - started))).code).toBe(4401);
    expectError(await ctx.gql(erin, READ, { s: slug }), 'UNAUTHENTICATED');
    expectError(await ctx.gql(phone, READ, { s: slug }), 'UNAUTHENTICATED');
    expect(await lastAudit()).toMatchObject({ action: 'member.sessions.end', target_id: erin.userId });
  });

  it('is for owners only, and only for members', async () => {
    const bob = await signedInMember(ctx, slug, 'admin', 'bob@example.com');
    const mallory = await ctx.signIn('mallory@example.com');
    const sessionsBefore = await count(ctx, 'sessions');
    expectError(
      await ctx.gql(
        bob,
        'mutation($i: EndMemberSessionsInput!) { endMemberSessions(input: $i) { endedSessions } }',
        {
          i: { orgSlug: slug, userId: alice.userId },
        },
      ),
      'FORBIDDEN',
    );
    const malloryId = (
      await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = 'mallory@example.com'")
    )[0]!.id;
    expectError(
      await ctx.gql(
        alice,
        'mutation($i: EndMemberSessionsInput!) { endMemberSessions(input: $i) { endedSessions } }',
        {
          i: { orgSlug: slug, userId: malloryId },
        },
      ),
      'NOT_FOUND',
    );
    expect(await count(ctx, 'sessions')).toBe(sessionsBefore);
    expectData(await ctx.gql(mallory, '{ viewer { kind } }'));
  });
});

describe("the organisation's session policy", () => {
  const UPDATE =
    'mutation($i: UpdateSessionPolicyInput!) { updateSessionPolicy(input: $i) { maxLifetimeMinutes idleTimeoutMinutes } }';

  it('is read by every member and changed by owners only, within bounds', async () => {
    const policy = await ctx.gql<{ organization: { sessionPolicy: unknown } }>(
      alice,
      'query($s: String!) { organization(slug: $s) { sessionPolicy { maxLifetimeMinutes idleTimeoutMinutes updatedAt } } }',
      { s: slug },
    );
    expect(expectData(policy).organization.sessionPolicy).toEqual({
      maxLifetimeMinutes: null,
      idleTimeoutMinutes: null,
      updatedAt: null,
    });
    const admin = await ctx.tokenCaller(slug, 'admin');
    expectError(await ctx.gql(admin, UPDATE, { i: { orgSlug: slug, maxLifetimeMinutes: 60 } }), 'FORBIDDEN');
    expectError(
      await ctx.gql(alice, UPDATE, { i: { orgSlug: slug, idleTimeoutMinutes: 1 } }),
      'VALIDATION_FAILED',
      ['input', 'idleTimeoutMinutes'],
    );
    expect(await count(ctx, 'session_policies')).toBe(0);
  });

  it('ends a session idle longer than the timeout at its next request, and one older than the lifetime', async () => {
    const r = await ctx.gql<{ updateSessionPolicy: unknown }>(alice, UPDATE, {
      i: { orgSlug: slug, maxLifetimeMinutes: 120, idleTimeoutMinutes: 15 },
    });
    expect(expectData(r).updateSessionPolicy).toEqual({ maxLifetimeMinutes: 120, idleTimeoutMinutes: 15 });
    expect(await lastAudit()).toMatchObject({ action: 'organization.session_policy.update' });

    const carol = await ctx.signIn('carol@example.com');
    expectData(await ctx.gql(carol, READ, { s: slug }));
    const [own] = await sessionsOf(carol);
    // Twenty minutes without a request.
    await ctx.sql("UPDATE sessions SET last_seen_at = now() - interval '20 minutes' WHERE id = $1", [
      own!.id,
    ]);
    const idle = expectError(await ctx.gql(carol, READ, { s: slug }), 'UNAUTHENTICATED');
    expect(idle.errors?.[0]?.message).toMatch(/idle longer than this organisation allows \(15 minutes\)/);
    expect(await count(ctx, 'sessions', 'id = $1', [own!.id])).toBe(0);

    const again = await ctx.signIn('carol@example.com');
    const [fresh] = await sessionsOf(again);
    await ctx.sql("UPDATE sessions SET created_at = now() - interval '3 hours' WHERE id = $1", [fresh!.id]);
    const old = expectError(await ctx.gql(again, READ, { s: slug }), 'UNAUTHENTICATED');
    expect(old.errors?.[0]?.message).toMatch(/older than this organisation allows \(120 minutes\)/);

    // A session within both limits carries on; a request moves its last use forward.
    const third = await ctx.signIn('carol@example.com');
    const [s3] = await sessionsOf(third);
    await ctx.sql("UPDATE sessions SET last_seen_at = now() - interval '10 minutes' WHERE id = $1", [s3!.id]);
    expectData(await ctx.gql(third, READ, { s: slug }));
    const [{ age }] = (await ctx.sql<{ age: number }>(
      'SELECT extract(epoch FROM now() - last_seen_at)::int AS age FROM sessions WHERE id = $1',
      [s3!.id],
    )) as [{ age: number }];
    expect(age).toBeLessThan(60);
  });
});
