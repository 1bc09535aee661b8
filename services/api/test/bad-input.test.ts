// Bad input gets a clear error and changes nothing: malformed GraphQL and bodies, invalid input
// values (with the path of the bad field), unknown, malformed, revoked and expired credentials,
// forged session cookies and missing CSRF headers, oversized bodies, and queries over the depth
// and complexity limits. Every case compares the database's row counts before and after.
//
// The depth limit is lowered to 8 for this file: the current schema cannot nest deeper than 9
// levels, so the default limit of 10 guards future types and no valid query can exceed it yet.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, codeOf, TestContext } from './context.js';
import { expectData, expectError, signedInMember, type SignedInMember } from './factories/members.js';

let ctx: TestContext;
let alice: SignedInMember;
let slug: string;

const TOTALS = `SELECT (SELECT count(*) FROM organizations)::int AS orgs, (SELECT count(*) FROM memberships)::int AS members,
  (SELECT count(*) FROM invitations)::int AS invitations, (SELECT count(*) FROM api_tokens)::int AS tokens,
  (SELECT count(*) FROM api_tokens WHERE revoked_at IS NOT NULL)::int AS revoked,
  (SELECT count(*) FROM audit_events)::int AS events, (SELECT string_agg(name, ',' ORDER BY id) FROM organizations) AS names,
  (SELECT string_agg(role, ',' ORDER BY org_id, user_id) FROM memberships) AS roles`;

const totals = async () => (await ctx.sql(TOTALS))[0];

/** Runs `fn` and asserts that no row was added, removed or renamed meanwhile. */
async function unchanged<T>(fn: () => Promise<T>): Promise<T> {
  const before = await totals();
  const out = await fn();
  expect(await totals()).toEqual(before);
  return out;
}

interface GqlBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function parseJson(text: string): GqlBody | null {
  try {
    return JSON.parse(text) as GqlBody;
  } catch {
    return null;
  }
}

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${ctx.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, json: parseJson(text) };
}

const VIEWER = '{ viewer { kind } }';
const RENAME = 'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { name } }';

beforeAll(async () => {
  ctx = await TestContext.start({ GRAPHQL_MAX_DEPTH: '8' });
  slug = (await ctx.newOrg('bad-input', 'alice@example.com')).slug;
  alice = await signedInMember(ctx, slug, 'owner', 'alice@example.com');
  await ctx.newMember(slug, 'viewer', 'bystander@example.com');
});
afterAll(async () => ctx?.close());

describe('malformed requests', () => {
  it('a GraphQL syntax error is HTTP 400 with BAD_REQUEST', async () => {
    const r = await unchanged(() => ctx.gql(alice, '{ viewer { kind '));
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_REQUEST');
    expect(r.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('an unknown field is HTTP 400 with BAD_REQUEST and names the field', async () => {
    const r = await ctx.gql(alice, '{ viewer { kind } nope }');
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_REQUEST');
    expect(r.errors?.[0]?.message).toContain('nope');
    const m = await unchanged(() => ctx.gql(alice, 'mutation { dropEverything }'));
    expect(m.status).toBe(400);
    expect(codeOf(m)).toBe('BAD_REQUEST');
  });

  it('an unknown input field or a wrongly typed variable is refused before any resolver runs', async () => {
    const extra = await unchanged(() =>
      ctx.gql(alice, 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }', {
        i: { slug: 'extra-field', name: 'Extra', owner: 'mallory@example.com' },
      }),
    );
    expect(extra.status).toBe(400);
    expect(codeOf(extra)).toBe('BAD_REQUEST');
    expect(extra.errors?.[0]?.message).toContain('owner');
    const typed = await unchanged(() => ctx.gql(alice, RENAME, { i: { orgSlug: slug, name: 42 } }));
    expect(typed.status).toBe(400);
    expect(codeOf(typed)).toBe('BAD_REQUEST');
    const missing = await unchanged(() => ctx.gql(alice, RENAME, {}));
    expect(codeOf(missing)).toBe('BAD_REQUEST');
    const role = await unchanged(() =>
      ctx.gql(alice, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
        i: { orgSlug: slug, email: 'x@example.com', role: 'GOD' },
      }),
    );
    expect(codeOf(role)).toBe('BAD_REQUEST');
  });

  it('a body that is not JSON is HTTP 400 with BAD_REQUEST', async () => {
    const r = await unchanged(() => post('{"query": ', alice.headers));
    expect(r.status).toBe(400);
    expect(r.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('a mutation cannot be sent with GET', async () => {
    const url = new URL('/graphql', ctx.origin);
    url.searchParams.set(
      'query',
      `mutation { updateOrganization(input: { orgSlug: "${slug}", name: "Via GET" }) { name } }`,
    );
    const res = await unchanged(() => fetch(url, { headers: alice.headers }));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('invalid input values: VALIDATION_FAILED with the path of the bad field', () => {
  const CREATE_ORG = 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }';
  const INVITE = 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }';
  const CREATE_TOKEN = 'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }';
  const MEMBERS =
    'query($s: String!, $f: Int, $a: String) { organization(slug: $s) { members(first: $f, after: $a) { totalCount } } }';
  const AUDIT =
    'query($s: String!, $f: Int, $a: String) { organization(slug: $s) { auditEvents(first: $f, after: $a) { totalCount } } }';
  const TOKENS =
    'query($s: String!, $f: Int) { organization(slug: $s) { apiTokens(first: $f) { totalCount } } }';
  const offsetCursor = Buffer.from(JSON.stringify({ o: 1 })).toString('base64url');

  const cases: [string, string, () => Record<string, unknown>, (string | number)[]][] = [
    [
      'slug with capitals and spaces',
      CREATE_ORG,
      () => ({ i: { slug: 'Bad Slug!', name: 'Bad' } }),
      ['input', 'slug'],
    ],
    [
      'slug starting with a hyphen',
      CREATE_ORG,
      () => ({ i: { slug: '-bad', name: 'Bad' } }),
      ['input', 'slug'],
    ],
    [
      'slug of 41 characters',
      CREATE_ORG,
      () => ({ i: { slug: 'a'.repeat(41), name: 'Bad' } }),
      ['input', 'slug'],
    ],
    [
      'empty organisation name',
      CREATE_ORG,
      () => ({ i: { slug: 'fine-slug', name: '   ' } }),
      ['input', 'name'],
    ],
    [
      'organisation name of 101 characters',
      CREATE_ORG,
      () => ({ i: { slug: 'fine-slug', name: 'n'.repeat(101) } }),
      ['input', 'name'],
    ],
    ['empty name on rename', RENAME, () => ({ i: { orgSlug: slug, name: '' } }), ['input', 'name']],
    [
      'invitation to a non-email',
      INVITE,
      () => ({ i: { orgSlug: slug, email: 'not-an-email', role: 'VIEWER' } }),
      ['input', 'email'],
    ],
    [
      'token expiring in 0 days',
      CREATE_TOKEN,
      () => ({ i: { orgSlug: slug, name: 't', role: 'VIEWER', expiresInDays: 0 } }),
      ['input', 'expiresInDays'],
    ],
    [
      'token expiring in 366 days',
      CREATE_TOKEN,
      () => ({ i: { orgSlug: slug, name: 't', role: 'VIEWER', expiresInDays: 366 } }),
      ['input', 'expiresInDays'],
    ],
    [
      'token with an empty name',
      CREATE_TOKEN,
      () => ({ i: { orgSlug: slug, name: ' ', role: 'VIEWER' } }),
      ['input', 'name'],
    ],
    ['first: 0', MEMBERS, () => ({ s: slug, f: 0 }), ['first']],
    ['first: 101', MEMBERS, () => ({ s: slug, f: 101 }), ['first']],
    ['first: -1 on tokens', TOKENS, () => ({ s: slug, f: -1 }), ['first']],
    ['first: 101 on audit events', AUDIT, () => ({ s: slug, f: 101 }), ['first']],
    ['a malformed after cursor', MEMBERS, () => ({ s: slug, a: 'garbage!' }), ['after']],
    [
      'a cursor whose offset is past any list',
      MEMBERS,
      () => ({ s: slug, a: Buffer.from(JSON.stringify({ o: 1e20 })).toString('base64url') }),
      ['after'],
    ],
    ['an audit cursor that is not base64 JSON', AUDIT, () => ({ s: slug, a: 'bm90IGpzb24' }), ['after']],
    ["another list's cursor on audit events", AUDIT, () => ({ s: slug, a: offsetCursor }), ['after']],
    [
      'a non-uuid user id (removeMember)',
      'mutation($i: RemoveMemberInput!) { removeMember(input: $i) { role } }',
      () => ({ i: { orgSlug: slug, userId: 'not-a-uuid' } }),
      ['input', 'userId'],
    ],
    [
      'a non-uuid user id (updateMemberRole)',
      'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role } }',
      () => ({ i: { orgSlug: slug, userId: '1', role: 'VIEWER' } }),
      ['input', 'userId'],
    ],
    [
      'a non-uuid token id',
      'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id } }',
      () => ({ i: { orgSlug: slug, tokenId: "1' OR '1'='1" } }),
      ['input', 'tokenId'],
    ],
    [
      'a non-uuid invitation id (revoke)',
      'mutation($i: RevokeInvitationInput!) { revokeInvitation(input: $i) { id } }',
      () => ({ i: { orgSlug: slug, invitationId: 'x' } }),
      ['input', 'invitationId'],
    ],
    [
      'a non-uuid invitation id (accept)',
      'mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id } }',
      () => ({ i: { invitationId: 'x' } }),
      ['input', 'invitationId'],
    ],
    // PostgreSQL cannot hold U+0000 in text: refused before any resolver or guard reads it.
    [
      'a NUL character in an input field',
      CREATE_ORG,
      () => ({ i: { slug: 'fine-slug', name: 'nul\u0000name' } }),
      ['input', 'name'],
    ],
    [
      'a NUL character in the organisation slug',
      'query($s: String!) { organization(slug: $s) { id } }',
      () => ({ s: 'nul\u0000byte' }),
      ['slug'],
    ],
    [
      'a NUL character written inline in the query',
      'query { organization(slug: "nul\\u0000byte") { id } }',
      () => ({}),
      ['slug'],
    ],
    [
      'a NUL character in a nested filter of a field',
      'query($s: String!) { organization(slug: $s) { auditEvents(filter: { action: "a\\u0000" }) { totalCount } } }',
      () => ({ s: slug }),
      ['filter', 'action'],
    ],
  ];

  it.each(cases)('%s', async (_name, query, variables, field) => {
    const r = await unchanged(() => ctx.gql(alice, query, variables()));
    expectError(r, 'VALIDATION_FAILED', field);
    expect(r.errors?.[0]?.message).toContain(field.join('.'));
  });
});

describe('credentials', () => {
  it.each([
    ['an unknown token', 'Bearer pal_nope'],
    ['a token without the pal_ prefix', `Bearer ${randomBytes(32).toString('base64url')}`],
    ['a Basic header', 'Basic YWxpY2VAZXhhbXBsZS5jb206cGFsaXNhZGU='],
    ['Bearer without a token', 'Bearer'],
    ['two tokens', 'Bearer pal_a pal_b'],
    ['an empty header', ''],
  ])(
    '%s is UNAUTHENTICATED, even for viewer and even beside a valid session',
    async (_name, authorization) => {
      const alone = await ctx.gql({ label: 'x', headers: { authorization } }, VIEWER);
      expectError(alone, 'UNAUTHENTICATED');
      expect(alone.data).toBeNull();
      // A bad credential is refused as a whole, never downgraded to the other one.
      const withSession = await unchanged(() =>
        ctx.gql({ label: 'x', headers: { ...alice.headers, authorization } }, RENAME, {
          i: { orgSlug: slug, name: 'Nope' },
        }),
      );
      expectError(withSession, 'UNAUTHENTICATED');
    },
  );

  it('a revoked token is UNAUTHENTICATED on its very next request', async () => {
    const created = expectData(
      await ctx.gql<{ createApiToken: { secret: string; token: { id: string } } }>(
        alice,
        'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret token { id } } }',
        { i: { orgSlug: slug, name: 'soon-revoked', role: 'OWNER' } },
      ),
    );
    const token: Caller = {
      label: 'token',
      headers: { authorization: `Bearer ${created.createApiToken.secret}` },
    };
    expect(expectData(await ctx.gql<{ viewer: { kind: string } }>(token, VIEWER)).viewer.kind).toBe('TOKEN');
    expectData(
      await ctx.gql(alice, 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { revokedAt } }', {
        i: { orgSlug: slug, tokenId: created.createApiToken.token.id },
      }),
    );
    const after = await ctx.gql(token, VIEWER);
    expectError(after, 'UNAUTHENTICATED');
    expect(after.errors?.[0]?.message).toContain('revoked');
    expectError(
      await unchanged(() => ctx.gql(token, RENAME, { i: { orgSlug: slug, name: 'Revoked' } })),
      'UNAUTHENTICATED',
    );
  });

  it('an expired token is UNAUTHENTICATED, even on viewer', async () => {
    const token = await ctx.tokenCaller(slug, 'owner', 1);
    const rows = await ctx.sql<{ e: Date }>(
      'SELECT expires_at AS e FROM api_tokens ORDER BY created_at DESC LIMIT 1',
    );
    const expiresAt = rows[0]!.e.getTime();
    for (let i = 0; i < 100 && Date.now() <= expiresAt; i++) await new Promise((r) => setTimeout(r, 5));
    const r = await ctx.gql(token, VIEWER);
    expectError(r, 'UNAUTHENTICATED');
    expect(r.errors?.[0]?.message).toContain('expired');
    expectError(
      await unchanged(() => ctx.gql(token, RENAME, { i: { orgSlug: slug, name: 'Expired' } })),
      'UNAUTHENTICATED',
    );
  });

  it('a forged session cookie is UNAUTHENTICATED', async () => {
    const forged = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const caller = {
      label: 'forged',
      headers: { cookie: `pal_session=${forged}; pal_csrf=${csrf}`, 'x-palisade-csrf': csrf },
    };
    expectError(await ctx.gql(caller, VIEWER), 'UNAUTHENTICATED');
    expectError(
      await unchanged(() => ctx.gql(caller, RENAME, { i: { orgSlug: slug, name: 'Forged' } })),
      'UNAUTHENTICATED',
    );
    // Someone else's session id with a broken tail is just as unknown.
    const tampered = `${alice.cookies['pal_session']!.slice(0, -2)}xx`;
    const almost = { label: 'tampered', headers: { ...alice.headers, cookie: `pal_session=${tampered}` } };
    expectError(await ctx.gql(almost, VIEWER), 'UNAUTHENTICATED');
  });

  it('a valid session without the CSRF header, or with a wrong one, is FORBIDDEN and changes nothing', async () => {
    const session = alice.cookies['pal_session']!;
    const variants: Record<string, string>[] = [
      { cookie: `pal_session=${session}` },
      { cookie: `pal_session=${session}; pal_csrf=${alice.cookies['pal_csrf']!}` },
      { cookie: `pal_session=${session}`, 'x-palisade-csrf': 'wrong' },
      // Double-submit with a value the attacker chose: the header must match the session's secret.
      { cookie: `pal_session=${session}; pal_csrf=chosen`, 'x-palisade-csrf': 'chosen' },
    ];
    for (const headers of variants) {
      const caller = { label: 'csrf', headers };
      expectError(await ctx.gql(caller, VIEWER), 'FORBIDDEN');
      const r = await unchanged(() => ctx.gql(caller, RENAME, { i: { orgSlug: slug, name: 'Cross-site' } }));
      expectError(r, 'FORBIDDEN');
      expect(r.errors?.[0]?.message).toContain('x-palisade-csrf');
    }
    // The same session with its header still works.
    expect(expectData(await ctx.gql<{ viewer: { kind: string } }>(alice, VIEWER)).viewer.kind).toBe('USER');
  });
});

describe('size, depth and complexity limits', () => {
  it('a body over BODY_LIMIT_BYTES is HTTP 413 and changes nothing', async () => {
    expect(ctx.env.BODY_LIMIT_BYTES).toBe(1024 * 1024);
    const body = JSON.stringify({
      query: RENAME,
      variables: { i: { orgSlug: slug, name: 'x'.repeat(ctx.env.BODY_LIMIT_BYTES + 1) } },
    });
    const r = await unchanged(() => post(body, alice.headers));
    expect(r.status).toBe(413);
    expect(r.text).not.toContain('xxxxxxxx');
    if (r.json) expect(r.json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('a body just under the limit is read (and judged on its content)', async () => {
    const padding = ' '.repeat(ctx.env.BODY_LIMIT_BYTES - 200);
    const r = await post(JSON.stringify({ query: `${VIEWER}${padding}` }), alice.headers);
    expect(r.status).toBe(200);
  });

  it('a query deeper than GRAPHQL_MAX_DEPTH is BAD_REQUEST', async () => {
    const deep =
      '{ viewer { organizations { edges { node { members { edges { node { user { id } } } } } } } } }';
    const r = await ctx.gql(alice, deep);
    expect(r.status).toBe(400);
    expectError(r, 'BAD_REQUEST');
    expect(r.errors?.[0]?.message).toMatch(/depth 9 exceeds the limit of 8/);
  });

  it('nested connections of 100 items each are too complex: BAD_REQUEST', async () => {
    const complex = `{ viewer { organizations(first: 100) { edges { node {
      members(first: 100) { edges { node { role joinedAt } } }
      apiTokens(first: 100) { edges { node { id name prefix } } } } } } } }`;
    const r = await ctx.gql(alice, complex);
    expect(r.status).toBe(400);
    expectError(r, 'BAD_REQUEST');
    expect(r.errors?.[0]?.message).toMatch(/complexity \d+ exceeds the limit of 5000/);
    // Costs are known before variables: a page size given by variable counts as the maximum.
    const viaVariable = await ctx.gql(
      alice,
      complex.replaceAll('first: 100', 'first: $f').replace('{ viewer', 'query($f: Int) { viewer'),
      {
        f: 1,
      },
    );
    expectError(viaVariable, 'BAD_REQUEST');
  });

  it('one full page of 100 is within the limits', async () => {
    const r = await ctx.gql(
      alice,
      `query($s: String!) { organization(slug: $s) {
        members(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role joinedAt user { id email name } } } }
        auditEvents(first: 100) { edges { node { seq action occurredAt actor { type id label } targetType targetId before after } } } } }`,
      { s: slug },
    );
    expectData(r);
  });
});

describe('internal errors', () => {
  // A real failure in this file's own database: the users table is briefly renamed away, so reading
  // a session (in authentication, before any resolver) or the members list (in a resolver) fails
  // inside PostgreSQL.
  const withoutUsersTable = async <T>(fn: () => Promise<T>): Promise<T> => {
    await ctx.sql('ALTER TABLE users RENAME TO users_away');
    try {
      return await fn();
    } finally {
      await ctx.sql('ALTER TABLE users_away RENAME TO users');
    }
  };
  const MEMBERS = 'query($s: String!) { organization(slug: $s) { members { totalCount } } }';

  it.each([
    ['in a resolver', 'token'],
    ['while authenticating the session', 'session'],
  ])('a database failure %s answers INTERNAL with an error id and no stack trace or SQL', async (_, who) => {
    const caller = who === 'token' ? await ctx.tokenCaller(slug, 'viewer') : alice;
    const r = await withoutUsersTable(() => ctx.gql(caller, MEMBERS, { s: slug }));
    const e = r.errors?.[0];
    expect(e?.extensions?.code).toBe('INTERNAL');
    expect(e?.extensions?.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e?.message).toBe(`internal error (error id ${e?.extensions?.errorId})`);
    const text = JSON.stringify(r);
    for (const leak of [
      'stack',
      'at ',
      'prisma',
      'Prisma',
      'SELECT',
      'postgres',
      'relation',
      'users',
      'node_modules',
    ]) {
      expect(text, leak).not.toContain(leak);
    }
  });
});
