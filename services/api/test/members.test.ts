// Members, roles and invitations through the API, as real signed-in users: the permission map,
// the role ceiling on invitations and role changes, removing members, the last-owner rule (also
// under concurrent demotions), duplicate and misaddressed invitations, and membership of several
// organisations at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/platform/access/roles.js';
import { TestContext } from './context.js';
import {
  count,
  expectData,
  expectError,
  orgIdOf,
  roleOf,
  signedInUser,
  type SignedInMember,
} from './factories/members.js';

const INVITE = 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id email role status } }';
const ACCEPT = 'mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { slug viewerRole } }';
const REVOKE_INVITATION =
  'mutation($i: RevokeInvitationInput!) { revokeInvitation(input: $i) { id status } }';
const UPDATE_ROLE =
  'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role user { id email } } }';
const REMOVE = 'mutation($i: RemoveMemberInput!) { removeMember(input: $i) { role user { email } } }';
const LEAVE =
  'mutation($i: LeaveOrganizationInput!) { leaveOrganization(input: $i) { role user { email } } }';
const CREATE_TOKEN = 'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }';
const REVOKE_TOKEN = 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id } }';
const RENAME = 'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { name } }';

let ctx: TestContext;
let alice: SignedInMember;
let bob: SignedInMember;
let carol: SignedInMember;
let dave: SignedInMember;
let erin: SignedInMember;
let mallory: SignedInMember;

/** A new organisation owned by alice with the given (already signed-in) members. */
async function orgWith(slug: string, members: [SignedInMember, Role][]): Promise<string> {
  await ctx.newOrg(slug, alice.email);
  for (const [m, role] of members) await ctx.newMember(slug, role, m.email);
  return slug;
}

const invitations = (slug: string) =>
  count(ctx, 'invitations i JOIN organizations o ON o.id = i.org_id', 'o.slug = $1', [slug]);

beforeAll(async () => {
  ctx = await TestContext.start();
  const users = await Promise.all(
    ['alice', 'bob', 'carol', 'dave', 'erin', 'mallory'].map((n) => signedInUser(ctx, `${n}@example.com`)),
  );
  [alice, bob, carol, dave, erin, mallory] = users as [
    SignedInMember,
    SignedInMember,
    SignedInMember,
    SignedInMember,
    SignedInMember,
    SignedInMember,
  ];
});
afterAll(async () => ctx?.close());

describe('the permission map', () => {
  let slug: string;
  beforeAll(async () => {
    slug = await orgWith('perm', [
      [bob, 'admin'],
      [carol, 'editor'],
      [dave, 'viewer'],
      [erin, 'auditor'],
    ]);
  });

  it('each member sees their own role', async () => {
    for (const [m, role] of [
      [alice, 'OWNER'],
      [bob, 'ADMIN'],
      [carol, 'EDITOR'],
      [dave, 'VIEWER'],
      [erin, 'AUDITOR'],
    ] as const) {
      const r = await ctx.gql<{ organization: { viewerRole: string; members: { totalCount: number } } }>(
        m,
        'query($s: String!) { organization(slug: $s) { viewerRole members { totalCount } } }',
        { s: slug },
      );
      expect(expectData(r).organization).toEqual({ viewerRole: role, members: { totalCount: 5 } });
    }
  });

  it('a viewer, an editor and an auditor cannot invite', async () => {
    for (const m of [dave, carol, erin]) {
      expectError(
        await ctx.gql(m, INVITE, { i: { orgSlug: slug, email: 'new@example.com', role: 'VIEWER' } }),
        'FORBIDDEN',
      );
      expectError(
        await ctx.gql(m, 'query($s: String!) { organization(slug: $s) { invitations { totalCount } } }', {
          s: slug,
        }),
        'FORBIDDEN',
      );
    }
    expect(await invitations(slug)).toBe(0);
  });

  it('an editor cannot see, create or revoke API tokens', async () => {
    const token = await ctx.tokenCaller(slug, 'viewer');
    const tokenId = (
      await ctx.sql<{ id: string }>('SELECT id FROM api_tokens WHERE org_id = $1', [await orgIdOf(ctx, slug)])
    )[0]!.id;
    expectError(
      await ctx.gql(carol, 'query($s: String!) { organization(slug: $s) { apiTokens { totalCount } } }', {
        s: slug,
      }),
      'FORBIDDEN',
    );
    expectError(
      await ctx.gql(carol, CREATE_TOKEN, { i: { orgSlug: slug, name: 'x', role: 'VIEWER' } }),
      'FORBIDDEN',
    );
    expectError(await ctx.gql(carol, REVOKE_TOKEN, { i: { orgSlug: slug, tokenId } }), 'FORBIDDEN');
    expect(await count(ctx, 'api_tokens', 'revoked_at IS NULL AND id = $1', [tokenId])).toBe(1);
    expect((await ctx.gql(token, '{ viewer { kind } }')).errors).toBeUndefined();
  });

  it('an auditor reads the audit log and verifies the chain; a viewer and an editor cannot', async () => {
    const q =
      'query($s: String!) { organization(slug: $s) { auditEvents { totalCount } auditChain { valid } } }';
    const ok = expectData(
      await ctx.gql<{
        organization: { auditEvents: { totalCount: number }; auditChain: { valid: boolean } };
      }>(erin, q, {
        s: slug,
      }),
    );
    expect(ok.organization.auditEvents.totalCount).toBeGreaterThan(0);
    expect(ok.organization.auditChain.valid).toBe(true);
    for (const m of [dave, carol]) {
      const r = await ctx.gql(m, q, { s: slug });
      expect(r.errors?.length).toBeGreaterThan(0);
      for (const e of r.errors ?? []) expect(e.extensions?.code).toBe('FORBIDDEN');
      expect(r.data).toBeNull();
    }
  });

  it('only owners and admins rename the organisation', async () => {
    for (const m of [carol, dave, erin]) {
      expectError(await ctx.gql(m, RENAME, { i: { orgSlug: slug, name: 'Renamed' } }), 'FORBIDDEN');
    }
    const r = await ctx.gql<{ updateOrganization: { name: string } }>(bob, RENAME, {
      i: { orgSlug: slug, name: 'Perm' },
    });
    expect(expectData(r).updateOrganization.name).toBe('Perm');
  });

  it('an admin cannot invite an owner, but can invite an admin', async () => {
    const r = await ctx.gql(bob, INVITE, { i: { orgSlug: slug, email: 'boss@example.com', role: 'OWNER' } });
    expectError(r, 'FORBIDDEN', ['input', 'role']);
    expect(await invitations(slug)).toBe(0);
    const ok = await ctx.gql<{ inviteMember: { email: string; role: string; status: string } }>(bob, INVITE, {
      i: { orgSlug: slug, email: 'Peer@Example.com', role: 'ADMIN' },
    });
    expect(expectData(ok).inviteMember).toMatchObject({
      email: 'peer@example.com',
      role: 'ADMIN',
      status: 'PENDING',
    });
  });

  it('updateMemberRole changes a role, and an admin can neither grant nor take away ownership', async () => {
    const r = await ctx.gql<{ updateMemberRole: { role: string; user: { email: string } } }>(
      alice,
      UPDATE_ROLE,
      {
        i: { orgSlug: slug, userId: dave.userId, role: 'EDITOR' },
      },
    );
    expect(expectData(r).updateMemberRole).toMatchObject({ role: 'EDITOR', user: { email: dave.email } });
    expect(await roleOf(ctx, slug, dave.email)).toBe('editor');
    const seen = await ctx.gql<{ organization: { viewerRole: string } }>(
      dave,
      'query($s: String!) { organization(slug: $s) { viewerRole } }',
      { s: slug },
    );
    expect(expectData(seen).organization.viewerRole).toBe('EDITOR');

    expectError(
      await ctx.gql(bob, UPDATE_ROLE, { i: { orgSlug: slug, userId: dave.userId, role: 'OWNER' } }),
      'FORBIDDEN',
      ['input', 'role'],
    );
    expectError(
      await ctx.gql(bob, UPDATE_ROLE, { i: { orgSlug: slug, userId: alice.userId, role: 'VIEWER' } }),
      'FORBIDDEN',
    );
    expectError(await ctx.gql(bob, REMOVE, { i: { orgSlug: slug, userId: alice.userId } }), 'FORBIDDEN');
    expectError(
      await ctx.gql(carol, UPDATE_ROLE, { i: { orgSlug: slug, userId: dave.userId, role: 'VIEWER' } }),
      'FORBIDDEN',
    );
    expect(await roleOf(ctx, slug, dave.email)).toBe('editor');
    expect(await roleOf(ctx, slug, alice.email)).toBe('owner');
  });

  it('a user who is not a member is NOT_FOUND for updateMemberRole and removeMember', async () => {
    expectError(
      await ctx.gql(alice, UPDATE_ROLE, { i: { orgSlug: slug, userId: mallory.userId, role: 'VIEWER' } }),
      'NOT_FOUND',
    );
    expectError(await ctx.gql(alice, REMOVE, { i: { orgSlug: slug, userId: mallory.userId } }), 'NOT_FOUND');
  });
});

describe('removing members', () => {
  let slug: string;
  beforeAll(async () => {
    slug = await orgWith('remove', [[carol, 'editor']]);
  });

  it('an owner removes a member, who loses access at once', async () => {
    const q = 'query($s: String!) { organization(slug: $s) { slug } }';
    expect((await ctx.gql(carol, q, { s: slug })).errors).toBeUndefined();
    const r = await ctx.gql<{ removeMember: { role: string; user: { email: string } } }>(alice, REMOVE, {
      i: { orgSlug: slug, userId: carol.userId },
    });
    expect(expectData(r).removeMember).toEqual({ role: 'EDITOR', user: { email: carol.email } });
    expect(await roleOf(ctx, slug, carol.email)).toBeNull();
    expectError(await ctx.gql(carol, q, { s: slug }), 'NOT_FOUND');
    expectError(await ctx.gql(alice, REMOVE, { i: { orgSlug: slug, userId: carol.userId } }), 'NOT_FOUND');
  });
});

describe('leaving an organisation', () => {
  let slug: string;
  beforeAll(async () => {
    slug = await orgWith('leave', [[dave, 'viewer']]);
  });

  it('any member leaves by themselves, loses access at once, and the audit log says who', async () => {
    const q = 'query($s: String!) { organization(slug: $s) { slug } }';
    expect((await ctx.gql(dave, q, { s: slug })).errors).toBeUndefined();
    const r = await ctx.gql<{ leaveOrganization: { role: string; user: { email: string } } }>(dave, LEAVE, {
      i: { orgSlug: slug },
    });
    expect(expectData(r).leaveOrganization).toEqual({ role: 'VIEWER', user: { email: dave.email } });
    expect(await roleOf(ctx, slug, dave.email)).toBeNull();
    expectError(await ctx.gql(dave, q, { s: slug }), 'NOT_FOUND');
    expectError(await ctx.gql(dave, LEAVE, { i: { orgSlug: slug } }), 'NOT_FOUND');
    const [event] = await ctx.sql<{ action: string; actor_id: string; target_id: string }>(
      `SELECT action, actor_id::text, target_id FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1`,
      [await orgIdOf(ctx, slug)],
    );
    expect(event).toEqual({ action: 'member.remove', actor_id: dave.userId, target_id: dave.userId });
  });

  it('the last owner cannot leave, and an API token cannot leave at all', async () => {
    const token = await ctx.tokenCaller(slug, 'owner');
    const events = await count(ctx, 'audit_events', 'org_id = $1', [await orgIdOf(ctx, slug)]);
    const r = await ctx.gql(alice, LEAVE, { i: { orgSlug: slug } });
    expectError(r, 'PRECONDITION_FAILED');
    expect(r.errors?.[0]?.message).toContain('last owner');
    expectError(await ctx.gql(token, LEAVE, { i: { orgSlug: slug } }), 'FORBIDDEN');
    expect(await roleOf(ctx, slug, alice.email)).toBe('owner');
    expect(await count(ctx, 'audit_events', 'org_id = $1', [await orgIdOf(ctx, slug)])).toBe(events);
  });
});

describe('the last owner', () => {
  let slug: string;
  beforeAll(async () => {
    slug = await orgWith('last-owner', [[bob, 'admin']]);
  });

  it('can be neither demoted nor removed', async () => {
    const events = await count(ctx, 'audit_events', 'org_id = $1', [await orgIdOf(ctx, slug)]);
    const demote = await ctx.gql(alice, UPDATE_ROLE, {
      i: { orgSlug: slug, userId: alice.userId, role: 'ADMIN' },
    });
    expectError(demote, 'PRECONDITION_FAILED');
    expect(demote.errors?.[0]?.message).toContain('last owner');
    expectError(
      await ctx.gql(alice, REMOVE, { i: { orgSlug: slug, userId: alice.userId } }),
      'PRECONDITION_FAILED',
    );
    expect(await roleOf(ctx, slug, alice.email)).toBe('owner');
    expect(await count(ctx, 'audit_events', 'org_id = $1', [await orgIdOf(ctx, slug)])).toBe(events);
  });

  it('can step down once there is another owner', async () => {
    expectData(
      await ctx.gql(alice, UPDATE_ROLE, { i: { orgSlug: slug, userId: bob.userId, role: 'OWNER' } }),
    );
    expectData(
      await ctx.gql(alice, UPDATE_ROLE, { i: { orgSlug: slug, userId: alice.userId, role: 'ADMIN' } }),
    );
    expect(await roleOf(ctx, slug, alice.email)).toBe('admin');
    expect(await roleOf(ctx, slug, bob.email)).toBe('owner');
    expectError(
      await ctx.gql(bob, REMOVE, { i: { orgSlug: slug, userId: bob.userId } }),
      'PRECONDITION_FAILED',
    );
  });

  describe('under concurrent changes by two owners', () => {
    let orgId: string;
    beforeAll(async () => {
      await orgWith('race', [[bob, 'owner']]);
      orgId = await orgIdOf(ctx, 'race');
    });

    const owners = async () =>
      (
        await ctx.sql<{ email: string }>(
          "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.role = 'owner'",
          [orgId],
        )
      ).map((r) => r.email);

    const scenarios: [string, () => [SignedInMember, string, Record<string, unknown>][]][] = [
      [
        'each demotes the other',
        () => [
          [alice, UPDATE_ROLE, { orgSlug: 'race', userId: bob.userId, role: 'ADMIN' }],
          [bob, UPDATE_ROLE, { orgSlug: 'race', userId: alice.userId, role: 'ADMIN' }],
        ],
      ],
      [
        'each demotes themself',
        () => [
          [alice, UPDATE_ROLE, { orgSlug: 'race', userId: alice.userId, role: 'VIEWER' }],
          [bob, UPDATE_ROLE, { orgSlug: 'race', userId: bob.userId, role: 'VIEWER' }],
        ],
      ],
      [
        'one removes the other while being demoted',
        () => [
          [alice, REMOVE, { orgSlug: 'race', userId: bob.userId }],
          [bob, UPDATE_ROLE, { orgSlug: 'race', userId: alice.userId, role: 'EDITOR' }],
        ],
      ],
    ];

    it.each(scenarios)('%s: at most one succeeds and one owner remains', async (_name, plan) => {
      for (let round = 0; round < 4; round++) {
        // Reset: both are owners again.
        await ctx.sql(
          `INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner'), ($1, $3, 'owner')
           ON CONFLICT (org_id, user_id) DO UPDATE SET role = 'owner'`,
          [orgId, alice.userId, bob.userId],
        );
        const results = await Promise.all(
          plan().map(([who, query, input]) => ctx.gql(who, query, { i: input })),
        );
        const succeeded = results.filter((r) => !r.errors);
        expect(succeeded.length, JSON.stringify(results)).toBe(1);
        for (const r of results.filter((x) => x.errors)) {
          expect(['PRECONDITION_FAILED', 'FORBIDDEN', 'NOT_FOUND'], JSON.stringify(r)).toContain(
            r.errors?.[0]?.extensions?.code,
          );
        }
        expect(await owners()).toHaveLength(1);
      }
    });
  });
});

describe('invitations', () => {
  let slug: string;
  beforeAll(async () => {
    slug = await orgWith('invites', [[dave, 'viewer']]);
  });

  it('a second pending invitation to the same address is a CONFLICT, whatever its case', async () => {
    expectData(await ctx.gql(alice, INVITE, { i: { orgSlug: slug, email: mallory.email, role: 'EDITOR' } }));
    for (const email of [mallory.email, 'Mallory@Example.COM', '  mallory@example.com ']) {
      expectError(await ctx.gql(alice, INVITE, { i: { orgSlug: slug, email, role: 'VIEWER' } }), 'CONFLICT', [
        'input',
        'email',
      ]);
    }
    expect(await invitations(slug)).toBe(1);
  });

  it('inviting an existing member is a CONFLICT', async () => {
    expectError(
      await ctx.gql(alice, INVITE, { i: { orgSlug: slug, email: dave.email, role: 'ADMIN' } }),
      'CONFLICT',
      ['input', 'email'],
    );
    expect(await invitations(slug)).toBe(1);
  });

  it('an invitation accepted by someone it is not addressed to is NOT_FOUND', async () => {
    const [inv] = await ctx.sql<{ id: string }>(
      'SELECT i.id FROM invitations i JOIN organizations o ON o.id = i.org_id WHERE o.slug = $1',
      [slug],
    );
    for (const wrong of [dave, erin]) {
      const r = await ctx.gql(wrong, ACCEPT, { i: { invitationId: inv!.id } });
      expectError(r, 'NOT_FOUND');
    }
    expect(await roleOf(ctx, slug, erin.email)).toBeNull();
    expect(await roleOf(ctx, slug, dave.email)).toBe('viewer');
    const pending = await ctx.gql<{ viewer: { invitations: unknown[] } }>(
      erin,
      '{ viewer { invitations { id } } }',
    );
    expect(expectData(pending).viewer.invitations).toEqual([]);
  });

  it('a revoked invitation cannot be accepted', async () => {
    const inv = expectData(
      await ctx.gql<{ inviteMember: { id: string } }>(alice, INVITE, {
        i: { orgSlug: slug, email: erin.email, role: 'ADMIN' },
      }),
    ).inviteMember;
    const revoked = await ctx.gql<{ revokeInvitation: { status: string } }>(alice, REVOKE_INVITATION, {
      i: { orgSlug: slug, invitationId: inv.id },
    });
    expect(expectData(revoked).revokeInvitation.status).toBe('REVOKED');
    const mine = await ctx.gql<{ viewer: { invitations: unknown[] } }>(
      erin,
      '{ viewer { invitations { id } } }',
    );
    expect(expectData(mine).viewer.invitations).toEqual([]);
    expectError(await ctx.gql(erin, ACCEPT, { i: { invitationId: inv.id } }), 'PRECONDITION_FAILED');
    expect(await roleOf(ctx, slug, erin.email)).toBeNull();
    expectError(
      await ctx.gql(alice, REVOKE_INVITATION, { i: { orgSlug: slug, invitationId: inv.id } }),
      'PRECONDITION_FAILED',
    );
    // Once revoked, the address can be invited again.
    expectData(await ctx.gql(alice, INVITE, { i: { orgSlug: slug, email: erin.email, role: 'VIEWER' } }));
  });

  it('a user can belong to several organisations', async () => {
    await orgWith('second', []);
    const second = expectData(
      await ctx.gql<{ inviteMember: { id: string } }>(alice, INVITE, {
        i: { orgSlug: 'second', email: mallory.email, role: 'AUDITOR' },
      }),
    ).inviteMember;
    const pending = await ctx.gql<{
      viewer: { invitations: { id: string; organization: { slug: string } }[] };
    }>(mallory, '{ viewer { invitations { id organization { slug } } } }');
    const ids = expectData(pending).viewer.invitations;
    expect(ids.map((i) => i.organization.slug).sort()).toEqual(['invites', 'second']);
    for (const inv of ids) expectData(await ctx.gql(mallory, ACCEPT, { i: { invitationId: inv.id } }));
    expect(ids.map((i) => i.id)).toContain(second.id);

    const orgs = await ctx.gql<{
      viewer: {
        organizations: { totalCount: number; edges: { node: { slug: string; viewerRole: string } }[] };
      };
    }>(mallory, '{ viewer { organizations { totalCount edges { node { slug viewerRole } } } } }');
    const list = expectData(orgs).viewer.organizations;
    expect(list.totalCount).toBe(2);
    expect(list.edges.map((e) => e.node).sort((a, b) => a.slug.localeCompare(b.slug))).toEqual([
      { slug: 'invites', viewerRole: 'EDITOR' },
      { slug: 'second', viewerRole: 'AUDITOR' },
    ]);
    // Accepting again is refused; the membership is not duplicated.
    expectError(await ctx.gql(mallory, ACCEPT, { i: { invitationId: second.id } }), 'PRECONDITION_FAILED');
    expect(await count(ctx, 'memberships', 'user_id = $1', [mallory.userId])).toBe(2);
  });
});
