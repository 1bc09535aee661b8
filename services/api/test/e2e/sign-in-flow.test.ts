// End to end over HTTP: sign in through the real OIDC provider (redirects and its login form),
// create an organisation, invite a member who signs in and accepts, create a token and use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext } from '../context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await TestContext.start();
});
afterAll(async () => ctx.close());

describe('sign-in to automation, end to end', () => {
  it('signs in, creates an organisation, invites and accepts a member, creates and uses a token', async () => {
    const alice = await ctx.signIn('alice@example.com');
    const me = await ctx.gql<{ viewer: { kind: string; user: { email: string } } }>(
      alice,
      '{ viewer { kind user { email } } }',
    );
    expect(me.data?.viewer).toEqual({ kind: 'USER', user: { email: 'alice@example.com' } });

    const created = await ctx.gql<{ createOrganization: { slug: string; viewerRole: string } }>(
      alice,
      'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { slug viewerRole } }',
      { i: { name: 'Globex', slug: 'globex' } },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createOrganization).toEqual({ slug: 'globex', viewerRole: 'OWNER' });

    const invite = await ctx.gql<{ inviteMember: { id: string; status: string } }>(
      alice,
      'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id status } }',
      { i: { orgSlug: 'globex', email: 'Bob@Example.com', role: 'EDITOR' } },
    );
    expect(invite.data?.inviteMember.status).toBe('PENDING');

    const bob = await ctx.signIn('bob@example.com');
    const pending = await ctx.gql<{
      viewer: { invitations: { id: string; organization: { slug: string } }[] };
    }>(bob, '{ viewer { invitations { id organization { slug } } } }');
    expect(pending.data?.viewer.invitations).toEqual([
      { id: invite.data?.inviteMember.id, organization: { slug: 'globex' } },
    ]);
    const accepted = await ctx.gql<{ acceptInvitation: { slug: string; viewerRole: string } }>(
      bob,
      'mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { slug viewerRole } }',
      { i: { invitationId: invite.data?.inviteMember.id } },
    );
    expect(accepted.data?.acceptInvitation).toEqual({ slug: 'globex', viewerRole: 'EDITOR' });

    const again = await ctx.gql(
      bob,
      'mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { slug } }',
      {
        i: { invitationId: invite.data?.inviteMember.id },
      },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('PRECONDITION_FAILED');

    const members = await ctx.gql<{
      organization: {
        members: { totalCount: number; edges: { node: { user: { email: string }; role: string } }[] };
      };
    }>(
      alice,
      '{ organization(slug: "globex") { members { totalCount edges { node { user { email } role } } } } }',
    );
    expect(members.data?.organization.members.edges.map((e) => [e.node.user.email, e.node.role])).toEqual([
      ['alice@example.com', 'OWNER'],
      ['bob@example.com', 'EDITOR'],
    ]);

    const token = await ctx.gql<{
      createApiToken: { secret: string; token: { id: string; prefix: string; role: string } };
    }>(
      alice,
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret token { id prefix role } } }',
      { i: { orgSlug: 'globex', name: 'ci', role: 'VIEWER', expiresInDays: 7 } },
    );
    const secret = token.data?.createApiToken.secret ?? '';
    expect(secret).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(token.data?.createApiToken.token.prefix ?? 'x')).toBe(true);

    const viaToken = await ctx.gql<{
      viewer: { kind: string; token: { name: string } };
      organization: { slug: string; viewerRole: string };
    }>(
      { label: 'token', headers: { authorization: `Bearer ${secret}` } },
      '{ viewer { kind token { name } } organization(slug: "globex") { slug viewerRole } }',
    );
    expect(viaToken.errors).toBeUndefined();
    expect(viaToken.data).toEqual({
      viewer: { kind: 'TOKEN', token: { name: 'ci' } },
      organization: { slug: 'globex', viewerRole: 'VIEWER' },
    });

    const listed = await ctx.gql<{
      organization: { apiTokens: { edges: { node: { name: string; lastUsedAt: string | null } }[] } };
    }>(alice, '{ organization(slug: "globex") { apiTokens { edges { node { name lastUsedAt } } } } }');
    expect(listed.data?.organization.apiTokens.edges[0]?.node.name).toBe('ci');
    expect(listed.data?.organization.apiTokens.edges[0]?.node.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(secret);

    const audit = await ctx.gql<{
      organization: {
        auditChain: { valid: boolean; checkedEvents: number };
        auditEvents: { edges: { node: { action: string } }[] };
      };
    }>(
      alice,
      '{ organization(slug: "globex") { auditChain { valid checkedEvents } auditEvents(first: 10) { edges { node { action } } } } }',
    );
    expect(audit.data?.organization.auditChain).toEqual({ valid: true, checkedEvents: 4 });
    expect(audit.data?.organization.auditEvents.edges.map((e) => e.node.action)).toEqual([
      'api_token.create',
      'member.join',
      'member.invite',
      'organization.create',
    ]);
  });

  it('signs out: the session stops working and the issuer end-session URL is returned', async () => {
    const carol = await ctx.signIn('carol@example.com');
    const out = await fetch(`${ctx.origin}/auth/logout`, { method: 'POST', headers: carol.headers });
    expect(out.status).toBe(200);
    const body = (await out.json()) as { signedOut: boolean; endSessionUrl: string | null };
    expect(body.signedOut).toBe(true);
    expect(body.endSessionUrl).toContain('/session/end');
    const after = await ctx.gql(carol, '{ viewer { kind } }');
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a callback whose state does not belong to this browser', async () => {
    const login = await fetch(`${ctx.origin}/auth/login`, { redirect: 'manual' });
    const location = new URL(login.headers.get('location') ?? '');
    const res = await fetch(
      `${ctx.origin}/auth/callback?code=abc&state=${location.searchParams.get('state')}`,
      {
        redirect: 'manual',
        headers: { cookie: 'pal_login=someone-elses-state' },
      },
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('does not match this browser');
  });
});
