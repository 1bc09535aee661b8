// SCIM 2.0 provisioning (issue 17; decisions 0111, 0112), driven as Okta and Entra ID drive it:
// a scripted client over real HTTP speaking RFC 7644 — userName eq lookups, POST, PATCH with
// Operations (replace active=false, Groups add/remove members), PUT, DELETE — against the real API,
// Postgres and Redis. Deactivation ends the person's live session and GraphQL socket within a
// second. Bad input (a bad filter, another organisation's id, a wrong bearer token) is refused with
// a SCIM error body and an audit event, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext } from './context.js';
import {
  count,
  expectData,
  expectError,
  orgIdOf,
  roleOf,
  signedInMember,
  type SignedInMember,
} from './factories/members.js';
import { closeWithin, liveSubscription } from './support/graphql-socket.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

let ctx: TestContext;
let alice: SignedInMember;
let slug: string;
let orgId: string;
let otherSlug: string;
let token: string;
let otherToken: string;

interface ScimResponse {
  status: number;
  contentType: string | null;
  body: Record<string, unknown> & { Resources?: Record<string, unknown>[] };
}

/** An IdP's SCIM client for one organisation's endpoint. */
function scim(base: string, bearer: string | null) {
  return async (method: string, path: string, body?: unknown): Promise<ScimResponse> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        accept: 'application/scim+json',
        ...(bearer !== null ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: text ? (JSON.parse(text) as ScimResponse['body']) : {},
    };
  };
}

const endpoint = (s: string) => `${ctx.origin}/scim/v2/orgs/${s}`;
let okta: ReturnType<typeof scim>;

async function issueToken(s: string, caller: SignedInMember): Promise<string> {
  const r = await ctx.gql<{ issueScimToken: { secret: string; token: { prefix: string } } }>(
    caller,
    'mutation($i: ScimTokenInput!) { issueScimToken(input: $i) { secret token { prefix } } }',
    { i: { orgSlug: s } },
  );
  return expectData(r).issueScimToken.secret;
}

const newUser = (email: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA],
  userName: email,
  name: { givenName: email.split('@')[0], familyName: 'Example' },
  emails: [{ primary: true, value: email, type: 'work' }],
  displayName: email.split('@')[0],
  locale: 'en-US',
  externalId: `00u-${email}`,
  groups: [],
  password: 'never-stored-1!',
  active: true,
  ...extra,
});

const patch = (...Operations: Record<string, unknown>[]) => ({ schemas: [PATCH_SCHEMA], Operations });

async function lastAudit(o = orgId) {
  const [row] = await ctx.sql<{
    action: string;
    actor_label: string;
    target_id: string;
    after: Record<string, unknown> | null;
  }>(
    'SELECT action, actor_label, target_id, after FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1',
    [o],
  );
  return row!;
}

/** Everything SCIM and membership related of the organisation, to show a refusal changed nothing. */
async function state(o = orgId) {
  return ctx.sql(
    `SELECT (SELECT json_agg(u ORDER BY u.id) FROM (SELECT id, user_name, active, resource, updated_at FROM scim_users WHERE org_id = $1) u) AS users,
            (SELECT json_agg(g ORDER BY g.id) FROM (SELECT id, display_name, role, updated_at FROM scim_groups WHERE org_id = $1) g) AS groups,
            (SELECT json_agg(m ORDER BY m.group_id, m.scim_user_id) FROM scim_group_members m WHERE org_id = $1) AS group_members,
            (SELECT json_agg(m ORDER BY m.user_id) FROM (SELECT user_id, role FROM memberships WHERE org_id = $1) m) AS memberships`,
    [o],
  );
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug, orgId } = await ctx.newOrg('scim-acme', 'alice@example.com'));
  alice = await signedInMember(ctx, slug, 'owner', 'alice@example.com');
  otherSlug = (await ctx.newOrg('scim-other', 'bob@example.com')).slug;
  const bob = await signedInMember(ctx, otherSlug, 'owner', 'bob@example.com');
  token = await issueToken(slug, alice);
  otherToken = await issueToken(otherSlug, bob);
  okta = scim(endpoint(slug), token);
});
afterAll(async () => ctx?.close());

describe('users, as Okta provisions them', () => {
  let daveId: string;

  it('looks a user up by userName, creates them, and finds them again', async () => {
    const miss = await okta(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "dave@example.com"')}&startIndex=1&count=100`,
    );
    expect(miss.status).toBe(200);
    expect(miss.contentType).toMatch(/application\/scim\+json/);
    expect(miss.body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 0, Resources: [] });

    const created = await okta('POST', '/Users', newUser('dave@example.com'));
    expect(created.status).toBe(201);
    daveId = String(created.body['id']);
    expect(created.body).toMatchObject({
      schemas: [USER_SCHEMA],
      userName: 'dave@example.com',
      active: true,
      externalId: '00u-dave@example.com',
      name: { givenName: 'dave', familyName: 'Example' },
      meta: { resourceType: 'User', location: `${endpoint(slug)}/Users/${daveId}` },
    });
    expect(created.body).not.toHaveProperty('password');
    // The person is a member now, as a viewer (no group is mapped to a role).
    expect(await roleOf(ctx, slug, 'dave@example.com')).toBe('viewer');
    expect((await lastAudit()).action).toBe('scim.user.create');

    // userName is not case-sensitive (RFC 7643 §4.1.1).
    const hit = await okta('GET', `/Users?filter=${encodeURIComponent('userName eq "DAVE@example.com"')}`);
    expect(hit.body['totalResults']).toBe(1);
    expect(hit.body.Resources?.[0]?.['id']).toBe(daveId);
    const one = await okta('GET', `/Users/${daveId}`);
    expect(one.status).toBe(200);
    expect(one.body['userName']).toBe('dave@example.com');
  });

  it('refuses a second user with the same userName (409 uniqueness)', async () => {
    const before = await state();
    const dup = await okta('POST', '/Users', newUser('Dave@Example.com'));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
    expect(await state()).toEqual(before);
  });

  it('updates with PATCH replace and PUT, keeping what it does not name', async () => {
    const p = await okta(
      'PATCH',
      `/Users/${daveId}`,
      patch({ op: 'replace', value: { displayName: 'Dave V.' } }),
    );
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ displayName: 'Dave V.', userName: 'dave@example.com', active: true });
    const put = await okta(
      'PUT',
      `/Users/${daveId}`,
      newUser('dave@example.com', { displayName: 'Dave Viewer', title: 'SRE' }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ displayName: 'Dave Viewer', title: 'SRE' });
    expect((await lastAudit()).action).toBe('scim.user.update');
  });

  it('filters on other attributes, and pages', async () => {
    await okta('POST', '/Users', newUser('erin@example.com'));
    const all = await okta('GET', '/Users?startIndex=2&count=1');
    expect(all.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
    const sw = await okta(
      'GET',
      `/Users?filter=${encodeURIComponent('userName sw "erin" and active eq true')}`,
    );
    expect(sw.body.Resources?.map((r) => r['userName'])).toEqual(['erin@example.com']);
    const ext = await okta(
      'GET',
      `/Users?filter=${encodeURIComponent('externalId eq "00u-dave@example.com"')}&attributes=userName`,
    );
    expect(ext.body.Resources).toEqual([
      expect.objectContaining({ id: daveId, userName: 'dave@example.com' }),
    ]);
    expect(ext.body.Resources?.[0]).not.toHaveProperty('name');
  });
});

describe('groups, mapped to roles', () => {
  let groupId: string;
  let daveId: string;
  let erinId: string;

  beforeAll(async () => {
    const find = async (email: string) =>
      String(
        (await okta('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`)).body
          .Resources?.[0]?.['id'],
      );
    daveId = await find('dave@example.com');
    erinId = await find('erin@example.com');
  });

  it('creates a group with a member and lists it by displayName', async () => {
    const g = await okta('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Platform Engineers',
      members: [{ value: erinId }],
    });
    expect(g.status).toBe(201);
    groupId = String(g.body['id']);
    expect(g.body).toMatchObject({
      displayName: 'Platform Engineers',
      members: [expect.objectContaining({ value: erinId, display: 'erin@example.com' })],
      meta: { resourceType: 'Group', location: `${endpoint(slug)}/Groups/${groupId}` },
    });
    const found = await okta(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "platform engineers"')}&excludedAttributes=members`,
    );
    expect(found.body['totalResults']).toBe(1);
    expect(found.body.Resources?.[0]).not.toHaveProperty('members');
    // The user shows its group.
    expect((await okta('GET', `/Users/${erinId}`)).body['groups']).toEqual([
      expect.objectContaining({ value: groupId, display: 'Platform Engineers' }),
    ]);
  });

  it('an owner maps the group to editor: its members become editors at once', async () => {
    const r = await ctx.gql<{ setScimGroupRole: { role: string; memberCount: number } }>(
      alice,
      'mutation($i: SetScimGroupRoleInput!) { setScimGroupRole(input: $i) { role memberCount } }',
      { i: { orgSlug: slug, groupId, role: 'EDITOR' } },
    );
    expect(expectData(r).setScimGroupRole).toEqual({ role: 'EDITOR', memberCount: 1 });
    expect(await roleOf(ctx, slug, 'erin@example.com')).toBe('editor');
    // Dave is in no mapped group: once any group is mapped, that means viewer.
    expect(await roleOf(ctx, slug, 'dave@example.com')).toBe('viewer');
  });

  it('PATCH add and remove members (as Okta sends them) moves roles with membership', async () => {
    const add = await okta(
      'PATCH',
      `/Groups/${groupId}`,
      patch({ op: 'add', path: 'members', value: [{ value: daveId, display: 'dave@example.com' }] }),
    );
    expect(add.status).toBe(200);
    expect(await roleOf(ctx, slug, 'dave@example.com')).toBe('editor');
    const remove = await okta(
      'PATCH',
      `/Groups/${groupId}`,
      patch({ op: 'remove', path: `members[value eq "${erinId}"]` }),
    );
    expect(remove.status).toBe(200);
    expect((remove.body['members'] as { value: string }[]).map((m) => m.value)).toEqual([daveId]);
    expect(await roleOf(ctx, slug, 'erin@example.com')).toBe('viewer');
    // Entra ID asks "is this user in this group?" with a members filter.
    const q = await okta(
      'GET',
      `/Groups?filter=${encodeURIComponent(`id eq "${groupId}" and members[value eq "${daveId}"]`)}&excludedAttributes=members`,
    );
    expect(q.body['totalResults']).toBe(1);
    // Renaming keeps the mapping.
    const renamed = await okta(
      'PATCH',
      `/Groups/${groupId}`,
      patch({ op: 'replace', value: { id: groupId, displayName: 'Platform' } }),
    );
    expect(renamed.body['displayName']).toBe('Platform');
    expect(await roleOf(ctx, slug, 'dave@example.com')).toBe('editor');
  });

  it('refuses a member id of another organisation, changing nothing, with an audit event', async () => {
    const foreign = await scim(endpoint(otherSlug), otherToken)(
      'POST',
      '/Users',
      newUser('mallory@example.com'),
    );
    expect(foreign.status).toBe(201);
    const before = await state();
    const r = await okta(
      'PATCH',
      `/Groups/${groupId}`,
      patch({ op: 'add', path: 'members', value: [{ value: foreign.body['id'] }] }),
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidValue' });
    expect(String(r.body['detail'])).toMatch(/is not a user of this organisation/);
    expect(await state()).toEqual(before);
    expect(await lastAudit()).toMatchObject({
      action: 'scim.request.refused',
      target_id: `PATCH /scim/v2/orgs/${slug}/Groups/${groupId}`,
    });
  });

  it('deleting the group drops the roles it gave', async () => {
    const del = await okta('DELETE', `/Groups/${groupId}`);
    expect(del.status).toBe(204);
    expect((await okta('GET', `/Groups/${groupId}`)).status).toBe(404);
    // No mapped group is left: roles are Palisade's again and stay as they were.
    expect(await roleOf(ctx, slug, 'dave@example.com')).toBe('editor');
  });
});

describe('deactivation', () => {
  it('ends the live session and the GraphQL socket of the person within a second', async () => {
    // Carol signs in for real (OIDC code flow), reads her organisation and holds a subscription.
    const created = await okta('POST', '/Users', newUser('carol@example.com'));
    const carolId = String(created.body['id']);
    const carol = await ctx.signIn('carol@example.com');
    const read = 'query($s: String!) { organization(slug: $s) { slug viewerRole } }';
    expect(
      expectData(await ctx.gql<{ organization: { slug: string } }>(carol, read, { s: slug })).organization
        .slug,
    ).toBe(slug);
    const socket = await liveSubscription(ctx, carol.headers['cookie'] ?? '', slug);

    const started = Date.now();
    const off = await okta('PATCH', `/Users/${carolId}`, patch({ op: 'replace', value: { active: false } }));
    expect(off.status).toBe(200);
    expect(off.body['active']).toBe(false);
    const closed = await closeWithin(socket, 1_000 - (Date.now() - started));
    expect(closed.code).toBe(4401);
    // Her session is gone: the very next request is refused.
    expectError(await ctx.gql(carol, read, { s: slug }), 'UNAUTHENTICATED');
    expect(
      await count(ctx, 'sessions', 'user_id = (SELECT id FROM users WHERE email = $1)', [
        'carol@example.com',
      ]),
    ).toBe(0);
    expect(await roleOf(ctx, slug, 'carol@example.com')).toBeNull();
    expect(await lastAudit()).toMatchObject({
      action: 'scim.user.deactivate',
      actor_label: 'scim',
      after: expect.objectContaining({ active: false, membershipRemoved: true, sessionsEnded: 1 }),
    });
    // Still listed, inactive; reactivating (as Entra ID writes it) brings the membership back.
    const entra = await okta(
      'PATCH',
      `/Users/${carolId}`,
      patch({ op: 'Replace', path: 'active', value: 'True' }),
    );
    expect(entra.status).toBe(200);
    expect(entra.body['active']).toBe(true);
    expect(await roleOf(ctx, slug, 'carol@example.com')).toBe('viewer');
  });

  it('a person who still belongs to another organisation keeps their session but loses this one at once', async () => {
    const bob = await ctx.signIn('bob@example.com');
    const created = await okta('POST', '/Users', newUser('bob@example.com'));
    const socket = await liveSubscription(ctx, bob.headers['cookie'] ?? '', slug);
    const started = Date.now();
    const del = await okta('DELETE', `/Users/${String(created.body['id'])}`);
    expect(del.status).toBe(204);
    const closed = await closeWithin(socket, 1_000 - (Date.now() - started));
    expect(closed).toEqual({ code: 4403, reason: `you no longer have access to ${slug}` });
    expectError(
      await ctx.gql(bob, 'query($s: String!) { organization(slug: $s) { slug } }', { s: slug }),
      'NOT_FOUND',
    );
    expectData(
      await ctx.gql(bob, 'query($s: String!) { organization(slug: $s) { slug } }', { s: otherSlug }),
    );
  });

  it("refuses to deactivate the organisation's last owner", async () => {
    const created = await okta('POST', '/Users', newUser('alice@example.com'));
    expect(created.status).toBe(201);
    const before = await state();
    const r = await okta(
      'PATCH',
      `/Users/${String(created.body['id'])}`,
      patch({ op: 'replace', value: { active: false } }),
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ scimType: 'mutability' });
    expect(String(r.body['detail'])).toMatch(/last owner/);
    expect(await state()).toEqual(before);
    expect(await roleOf(ctx, slug, 'alice@example.com')).toBe('owner');
  });
});

describe('bad input is refused with a SCIM error and an audit event, changing nothing', () => {
  it.each([
    ['a filter that does not parse', 'userName xx "a"', /could not be parsed/],
    ['a comparison without a value', 'userName eq', /needs a value/],
    [
      'an attribute that is not filterable',
      'nickName eq "d"',
      /filtering users on "nickname" is not supported/,
    ],
    ['a negated group', 'userName eq "a" and not (active eq false)', /not supported/],
  ])('%s (400 invalidFilter)', async (_what, filter, detail) => {
    const before = await state();
    const r = await okta('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidFilter' });
    expect(String(r.body['detail'])).toMatch(detail);
    expect(await state()).toEqual(before);
    expect(await lastAudit()).toMatchObject({
      action: 'scim.request.refused',
      after: expect.objectContaining({ status: 400, scimType: 'invalidFilter' }),
    });
  });

  it("another organisation's user id is not found here, for reads and writes", async () => {
    const other = await scim(endpoint(otherSlug), otherToken)(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "mallory@example.com"')}`,
    );
    const foreignId = String(other.body.Resources?.[0]?.['id']);
    const before = await state();
    const otherBefore = await state(await orgIdOf(ctx, otherSlug));
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', patch({ op: 'replace', value: { active: false } })],
      ['PUT', newUser('mallory@example.com', { active: false })],
      ['DELETE', undefined],
    ] as const) {
      const r = await okta(method, `/Users/${foreignId}`, body);
      expect(r.status, method).toBe(404);
      expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
      expect(String(r.body['detail'])).toBe(`no user ${foreignId} in this organisation`);
      expect(await lastAudit()).toMatchObject({
        action: 'scim.request.refused',
        target_id: `${method} /scim/v2/orgs/${slug}/Users/${foreignId}`,
      });
    }
    expect(await state()).toEqual(before);
    expect(await state(await orgIdOf(ctx, otherSlug))).toEqual(otherBefore);
  });

  it('a wrong, missing or other organisation’s bearer token is 401, audited in the organisation named', async () => {
    const before = await state();
    const events = await count(ctx, 'audit_events', 'org_id = $1', [orgId]);
    for (const bearer of ['scim_not-a-real-token', null, otherToken]) {
      const r = await scim(endpoint(slug), bearer)('POST', '/Users', newUser('frank@example.com'));
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
      expect(await lastAudit()).toMatchObject({
        action: 'scim.request.refused',
        actor_label: 'scim (not authenticated)',
        after: expect.objectContaining({ status: 401 }),
      });
    }
    expect(await count(ctx, 'audit_events', 'org_id = $1', [orgId])).toBe(events + 3);
    expect(await state()).toEqual(before);
    // An organisation that does not exist: 404, nowhere to audit.
    expect((await scim(endpoint('no-such-org'), token)('GET', '/Users')).status).toBe(404);
  });

  it('a body that is not JSON, or not a User, is 400 with the reason', async () => {
    const before = await state();
    const notJson = await okta('POST', '/Users', '{"userName": ');
    expect(notJson.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    const noName = await okta('POST', '/Users', { schemas: [USER_SCHEMA], active: true });
    expect(noName.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(String(noName.body['detail'])).toMatch(/userName/);
    const notEmail = await okta('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'frank' });
    expect(String(notEmail.body['detail'])).toMatch(/must be an email address/);
    const badPatch = await okta(
      'PATCH',
      `/Users/${String((await okta('GET', '/Users?count=1')).body.Resources?.[0]?.['id'])}`,
      {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'explode', path: 'active' }],
      },
    );
    expect(badPatch.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect(await state()).toEqual(before);
  });
});

describe('the SCIM token', () => {
  it('is stored only hashed, and rotating it refuses the old one at once', async () => {
    const [row] = await ctx.sql<{ token_hash: Buffer; token_prefix: string }>(
      'SELECT token_hash, token_prefix FROM scim_tokens WHERE org_id = $1 AND revoked_at IS NULL',
      [orgId],
    );
    expect(row!.token_hash.toString('utf8')).not.toContain(token);
    expect(token.startsWith(row!.token_prefix)).toBe(true);
    const fresh = await issueToken(slug, alice);
    expect((await okta('GET', '/Users')).status).toBe(401);
    expect((await scim(endpoint(slug), fresh)('GET', '/Users')).status).toBe(200);
    const settings = await ctx.gql<{
      organization: { scim: { endpoint: string; token: { prefix: string } } };
    }>(
      alice,
      'query($s: String!) { organization(slug: $s) { scim { endpoint token { prefix } groups { id } } } }',
      { s: slug },
    );
    expect(expectData(settings).organization.scim).toMatchObject({
      endpoint: endpoint(slug),
      token: { prefix: fresh.slice(0, 11) },
    });
    okta = scim(endpoint(slug), fresh);
  });

  it('only owners manage it', async () => {
    const caller = await ctx.tokenCaller(slug, 'admin');
    expectError(
      await ctx.gql(caller, 'mutation($i: ScimTokenInput!) { issueScimToken(input: $i) { secret } }', {
        i: { orgSlug: slug },
      }),
      'FORBIDDEN',
    );
  });

  it('revoking it turns provisioning off', async () => {
    expectData(
      await ctx.gql(alice, 'mutation($i: ScimTokenInput!) { revokeScimToken(input: $i) { token { id } } }', {
        i: { orgSlug: slug },
      }),
    );
    expect((await okta('GET', '/Users')).status).toBe(401);
  });
});
