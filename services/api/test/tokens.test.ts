// API tokens: the secret is shown once and stored only as its SHA-256; lists show a prefix and the
// last use but never the secret; a token's role never exceeds its creator's; a viewer token cannot
// change anything; revocation works on the next request; tokens cannot create organisations.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, TestContext } from './context.js';
import { count, expectData, expectError, signedInMember, type SignedInMember } from './factories/members.js';

const CREATE = `mutation($i: CreateApiTokenInput!) {
  createApiToken(input: $i) { secret token { id name role prefix createdBy expiresAt lastUsedAt revokedAt } } }`;
const REVOKE = 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id revokedAt } }';
const LIST = `query($s: String!) { organization(slug: $s) { apiTokens(first: 100) { totalCount
  edges { node { id name role prefix createdBy createdAt expiresAt lastUsedAt revokedAt } } } } }`;

interface TokenNode {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface Created {
  createApiToken: { secret: string; token: TokenNode };
}

let ctx: TestContext;
let slug: string;
let orgId: string;
let alice: SignedInMember;
let bob: SignedInMember;

const bearer = (secret: string): Caller => ({
  label: 'token',
  headers: { authorization: `Bearer ${secret}` },
});

async function create(caller: Caller, name: string, role: string, expiresInDays?: number) {
  return ctx.gql<Created>(caller, CREATE, {
    i: { orgSlug: slug, name, role, ...(expiresInDays ? { expiresInDays } : {}) },
  });
}

async function list(caller: Caller = alice): Promise<TokenNode[]> {
  const r = await ctx.gql<{ organization: { apiTokens: { edges: { node: TokenNode }[] } } }>(caller, LIST, {
    s: slug,
  });
  return expectData(r).organization.apiTokens.edges.map((e) => e.node);
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug, orgId } = await ctx.newOrg('tokens', 'alice@example.com'));
  alice = await signedInMember(ctx, slug, 'owner', 'alice@example.com');
  bob = await signedInMember(ctx, slug, 'admin', 'bob@example.com');
});
afterAll(async () => ctx?.close());

describe('creating and listing', () => {
  let secret: string;
  let token: TokenNode;

  it('returns the secret once: pal_ and 43 base64url characters, with an expiry', async () => {
    const before = Date.now();
    ({ secret, token } = expectData(await create(alice, 'deploy-bot', 'VIEWER', 10)).createApiToken);
    expect(secret).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({
      name: 'deploy-bot',
      role: 'VIEWER',
      createdBy: alice.email,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(secret.startsWith(token.prefix)).toBe(true);
    expect(token.prefix.length).toBeLessThan(secret.length / 2);
    const days = (Date.parse(token.expiresAt!) - before) / 86_400_000;
    expect(Math.round(days)).toBe(10);
  });

  it('defaults to 90 days', async () => {
    const { token: t } = expectData(await create(alice, 'default-expiry', 'VIEWER')).createApiToken;
    expect(Math.round((Date.parse(t.expiresAt!) - Date.now()) / 86_400_000)).toBe(90);
  });

  it('lists tokens with their prefix and never their secret', async () => {
    const r = await ctx.gql(alice, LIST, { s: slug });
    const listed = await list();
    const mine = listed.find((t) => t.id === token.id);
    expect(mine).toMatchObject({ name: 'deploy-bot', prefix: token.prefix, lastUsedAt: null });
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(JSON.stringify(r)).not.toContain(secret.slice(token.prefix.length));
  });

  it('shows the last use once the token has been used', async () => {
    const used = await ctx.gql<{
      viewer: { kind: string; token: { id: string; name: string; role: string } };
    }>(bearer(secret), '{ viewer { kind token { id name role } } }');
    expect(expectData(used).viewer).toEqual({
      kind: 'TOKEN',
      token: { id: token.id, name: 'deploy-bot', role: 'VIEWER' },
    });
    const mine = (await list()).find((t) => t.id === token.id);
    expect(mine?.lastUsedAt).not.toBeNull();
    expect(Date.parse(mine!.lastUsedAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('stores only the SHA-256 of the secret; no column and no audit event contains the secret', async () => {
    const [row] = await ctx.sql<{ token_hash: Buffer; token_prefix: string }>(
      'SELECT token_hash, token_prefix FROM api_tokens WHERE id = $1',
      [token.id],
    );
    expect(row!.token_hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(row!.token_prefix).toBe(token.prefix);
    const tail = secret.slice(token.prefix.length);
    for (const table of [
      'api_tokens',
      'audit_events',
      'audit_heads',
      'users',
      'sessions',
      'invitations',
      'organizations',
    ]) {
      const rows = await ctx.sql<{ t: string }>(`SELECT row_to_json(x)::text AS t FROM ${table} x`);
      for (const r of rows) expect(r.t, table).not.toContain(tail);
    }
  });
});

describe('role ceiling', () => {
  it('an admin cannot create an OWNER token: FORBIDDEN on input.role, and nothing is stored', async () => {
    const before = await count(ctx, 'api_tokens', 'org_id = $1', [orgId]);
    expectError(await create(bob, 'too-strong', 'OWNER'), 'FORBIDDEN', ['input', 'role']);
    expect(await count(ctx, 'api_tokens', 'org_id = $1', [orgId])).toBe(before);
    const ok = expectData(await create(bob, 'admin-bot', 'ADMIN')).createApiToken;
    expect(ok.token).toMatchObject({ role: 'ADMIN', createdBy: bob.email });
  });

  it('a token can create tokens only within its own role', async () => {
    const admin = await ctx.tokenCaller(slug, 'admin');
    expectError(await create(admin, 'escalate', 'OWNER'), 'FORBIDDEN', ['input', 'role']);
    const child = expectData(await create(admin, 'child', 'EDITOR')).createApiToken;
    expect(child.token).toMatchObject({ role: 'EDITOR', createdBy: null });
  });

  it('an auditor token cannot create tokens at all (no tokens:manage)', async () => {
    const auditor = await ctx.tokenCaller(slug, 'auditor');
    expectError(await create(auditor, 'x', 'VIEWER'), 'FORBIDDEN');
  });
});

describe('what a token may do', () => {
  it('a VIEWER token reads its organisation but cannot change anything', async () => {
    const viewer = await ctx.tokenCaller(slug, 'viewer');
    const read = await ctx.gql<{ organization: { slug: string; viewerRole: string } }>(
      viewer,
      'query($s: String!) { organization(slug: $s) { slug viewerRole } }',
      { s: slug },
    );
    expect(expectData(read).organization).toEqual({ slug, viewerRole: 'VIEWER' });
    const events = await count(ctx, 'audit_events', 'org_id = $1', [orgId]);
    const mutations: [string, Record<string, unknown>][] = [
      [
        'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { name } }',
        { orgSlug: slug, name: 'Mine' },
      ],
      [
        'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
        { orgSlug: slug, email: 'x@example.com', role: 'VIEWER' },
      ],
      [CREATE, { orgSlug: slug, name: 'x', role: 'VIEWER' }],
      [
        'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role } }',
        { orgSlug: slug, userId: bob.userId, role: 'VIEWER' },
      ],
      [
        'mutation($i: RemoveMemberInput!) { removeMember(input: $i) { role } }',
        { orgSlug: slug, userId: bob.userId },
      ],
    ];
    for (const [query, input] of mutations)
      expectError(await ctx.gql(viewer, query, { i: input }), 'FORBIDDEN');
    expect(await count(ctx, 'audit_events', 'org_id = $1', [orgId])).toBe(events);
  });

  it('a token cannot create an organisation or accept an invitation', async () => {
    const owner = await ctx.tokenCaller(slug, 'owner');
    const orgs = await count(ctx, 'organizations');
    const r = await ctx.gql(
      owner,
      'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }',
      {
        i: { slug: 'made-by-token', name: 'Token Org' },
      },
    );
    expectError(r, 'FORBIDDEN');
    expect(await count(ctx, 'organizations')).toBe(orgs);
    const inv = expectData(
      await ctx.gql<{ inviteMember: { id: string } }>(
        owner,
        'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
        {
          i: { orgSlug: slug, email: 'invitee@example.com', role: 'VIEWER' },
        },
      ),
    ).inviteMember;
    expectError(
      await ctx.gql(owner, 'mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }', {
        i: { invitationId: inv.id },
      }),
      'FORBIDDEN',
    );
  });

  it('a token of another organisation cannot revoke this one: NOT_FOUND', async () => {
    const target = expectData(await create(alice, 'target', 'VIEWER')).createApiToken;
    await ctx.newOrg('elsewhere', 'carol@example.com');
    const foreign = await ctx.tokenCaller('elsewhere', 'owner');
    expectError(
      await ctx.gql(foreign, REVOKE, { i: { orgSlug: slug, tokenId: target.token.id } }),
      'NOT_FOUND',
    );
    expectError(
      await ctx.gql(foreign, REVOKE, { i: { orgSlug: 'elsewhere', tokenId: target.token.id } }),
      'NOT_FOUND',
    );
    expect((await ctx.gql(bearer(target.secret), '{ viewer { kind } }')).errors).toBeUndefined();
  });
});

describe('revocation', () => {
  it('takes effect on the very next request, is listed, and is idempotent', async () => {
    const { secret, token } = expectData(await create(alice, 'short-lived', 'EDITOR')).createApiToken;
    expect((await ctx.gql(bearer(secret), '{ viewer { kind } }')).errors).toBeUndefined();
    const revoked = await ctx.gql<{ revokeApiToken: { id: string; revokedAt: string | null } }>(
      alice,
      REVOKE,
      {
        i: { orgSlug: slug, tokenId: token.id },
      },
    );
    expect(expectData(revoked).revokeApiToken.revokedAt).not.toBeNull();
    expectError(await ctx.gql(bearer(secret), '{ viewer { kind } }'), 'UNAUTHENTICATED');
    expect((await list()).find((t) => t.id === token.id)?.revokedAt).not.toBeNull();
    const events = await count(ctx, 'audit_events', "org_id = $1 AND action = 'api_token.revoke'", [orgId]);
    expectData(await ctx.gql(alice, REVOKE, { i: { orgSlug: slug, tokenId: token.id } }));
    expect(await count(ctx, 'audit_events', "org_id = $1 AND action = 'api_token.revoke'", [orgId])).toBe(
      events,
    );
  });

  it('a token can revoke itself and is refused immediately after', async () => {
    const self = await ctx.tokenCaller(slug, 'admin');
    const id = (
      await ctx.sql<{ id: string }>('SELECT id FROM api_tokens WHERE token_hash = $1', [
        createHash('sha256').update(self.secret).digest(),
      ])
    )[0]!.id;
    expectData(await ctx.gql(self, REVOKE, { i: { orgSlug: slug, tokenId: id } }));
    expectError(await ctx.gql(self, '{ viewer { kind } }'), 'UNAUTHENTICATED');
  });

  it('revoking an unknown token id is NOT_FOUND', async () => {
    expectError(
      await ctx.gql(alice, REVOKE, { i: { orgSlug: slug, tokenId: '00000000-0000-4000-8000-000000000000' } }),
      'NOT_FOUND',
    );
  });
});
