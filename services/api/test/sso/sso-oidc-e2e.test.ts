// Issue 17 item 1, OIDC half, end to end against real identity providers: a second oidc-provider
// (the dev provider with groups) plays the customer's IdP, behind a pass-through proxy that can
// swap in a genuine ID token from elsewhere. An owner verifies the domain through DNS (answered by
// records this test controls), connects the IdP, maps groups to roles; people sign in email-first;
// the IdP's groups decide their role at every sign-in; "require SSO" refuses the platform sign-in
// for the domain except an owner's audited break-glass; a token from the wrong issuer or for the
// wrong audience is refused with an audit event and nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevOidcProvider, type DevOidcProvider } from '@palisade/dev-oidc';
import { DEMO_PASSWORD, type DemoUser } from '@palisade/dev-oidc/users';
import { DomainProofResolver } from '../../src/modules/sso/domain-proof.js';
import { type Caller, TestContext, codeOf } from '../context.js';
import { expectData, signedInMember } from '../factories/members.js';
import { TokenSwapProxy } from '../support/oidc-token-swap-proxy.js';
import { idTokenFrom, oidcSsoSignIn, platformSignIn } from './sso-helpers.js';

const DOMAIN = 'example.com';
const dnsRecords = new Map<string, string[]>();

// The customer's directory. Groups are read at every token request, so editing them here is
// editing them at the IdP.
const dave = {
  subject: 'cust-dave',
  email: 'dave@example.com',
  name: 'Dave Customer',
  password: DEMO_PASSWORD,
  groups: ['palisade-editors'],
};
const erin = {
  subject: 'cust-erin',
  email: 'erin@example.com',
  name: 'Erin Customer',
  password: DEMO_PASSWORD,
  groups: ['contractors'],
};
const carol = {
  subject: 'cust-carol',
  email: 'carol@other.test',
  name: 'Carol Elsewhere',
  password: DEMO_PASSWORD,
  groups: ['palisade-admins'],
};
const directory: DemoUser[] = [dave, erin, carol];
const groupsOf = (u: { groups: string[] }, g: string[]) => u.groups.splice(0, u.groups.length, ...g);

let ctx: TestContext;
let customerIdp: DevOidcProvider;
let rogueIdp: DevOidcProvider;
let proxy: TokenSwapProxy;
let owner: Caller;
let connectionId = '';
let domainId = '';

const gqlOwner = <T = Record<string, unknown>>(q: string, v: Record<string, unknown> = {}) =>
  ctx.gql<T>(owner, q, v);

async function roleIn(email: string): Promise<string | null> {
  const rows = await ctx.sql<{ role: string }>(
    `SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.org_id
      WHERE o.slug = 'acme' AND u.email = $1`,
    [email],
  );
  return rows[0]?.role ?? null;
}

async function lastEvents(n: number) {
  return ctx.sql<{ action: string; after: Record<string, unknown> | null; actor_label: string }>(
    `SELECT e.action, e.after, e.actor_label FROM audit_events e JOIN organizations o ON o.id = e.org_id
      WHERE o.slug = 'acme' ORDER BY e.seq DESC LIMIT $1`,
    [n],
  );
}

async function state() {
  return {
    users: await ctx.sql('SELECT id, email, name FROM users ORDER BY id'),
    memberships: await ctx.sql('SELECT org_id, user_id, role FROM memberships ORDER BY org_id, user_id'),
    sessions: await ctx.sql<{ n: string }>('SELECT count(*)::text AS n FROM sessions'),
    identities: await ctx.sql(
      'SELECT connection_id, subject, user_id, last_groups FROM sso_identities ORDER BY subject',
    ),
  };
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ctx.app.get(DomainProofResolver).use((name) => {
    const records = dnsRecords.get(name);
    if (!records)
      return Promise.reject(Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(records.map((r) => [r]));
  });
  proxy = await TokenSwapProxy.start();
  customerIdp = await startDevOidcProvider({
    issuer: proxy.origin,
    clients: [],
    users: directory,
    log: () => undefined,
  });
  proxy.target = `http://127.0.0.1:${customerIdp.port}`;
  rogueIdp = await startDevOidcProvider({ clients: [], users: directory, log: () => undefined });
  await ctx.newOrg('acme', 'alice@example.com');
  owner = await signedInMember(ctx, 'acme', 'owner', 'alice@example.com').catch(async () =>
    ctx.signIn('alice@example.com'),
  );
});

afterAll(async () => {
  await ctx?.close();
  await customerIdp?.close();
  await rogueIdp?.close();
  await proxy?.close();
});

describe('an owner sets up SSO', () => {
  it('claims the domain and verifies it through its DNS TXT record', async () => {
    const added = await gqlOwner<{
      addSsoDomain: { id: string; verified: boolean; proofRecordName: string; proofRecordValue: string };
    }>(
      'mutation($i: AddSsoDomainInput!) { addSsoDomain(input: $i) { id verified proofRecordName proofRecordValue } }',
      { i: { orgSlug: 'acme', domain: ' Example.COM ' } },
    );
    const d = expectData(added).addSsoDomain;
    expect(d.verified).toBe(false);
    expect(d.proofRecordName).toBe('_palisade-challenge.example.com');
    domainId = d.id;
    const verify = 'mutation($i: SsoDomainRefInput!) { verifySsoDomain(input: $i) { verified verifiedAt } }';
    const missing = await gqlOwner(verify, { i: { orgSlug: 'acme', domainId } });
    expect(codeOf(missing)).toBe('PRECONDITION_FAILED');
    expect(missing.errors?.[0]?.message).toContain('no TXT record at _palisade-challenge.example.com');
    dnsRecords.set(d.proofRecordName, ['v=spf1 -all', 'palisade-domain-verification=wrong']);
    const wrong = await gqlOwner(verify, { i: { orgSlug: 'acme', domainId } });
    expect(codeOf(wrong)).toBe('PRECONDITION_FAILED');
    expect(wrong.errors?.[0]?.message).toContain('do not include');
    dnsRecords.set(d.proofRecordName, ['v=spf1 -all', d.proofRecordValue]);
    const ok = await gqlOwner<{ verifySsoDomain: { verified: boolean } }>(verify, {
      i: { orgSlug: 'acme', domainId },
    });
    expect(expectData(ok).verifySsoDomain.verified).toBe(true);
  });

  it('connects the customer IdP; the secret is stored encrypted and never shown', async () => {
    const bad = await gqlOwner(
      'mutation($i: CreateSsoConnectionInput!) { createSsoConnection(input: $i) { id } }',
      {
        i: {
          orgSlug: 'acme',
          name: 'Nowhere',
          oidc: { issuer: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
        },
      },
    );
    expect(codeOf(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions?.field).toEqual(['input', 'oidc', 'issuer']);
    const created = await gqlOwner<{
      createSsoConnection: { id: string; kind: string; oidc: { redirectUri: string; scopes: string[] } };
    }>(
      'mutation($i: CreateSsoConnectionInput!) { createSsoConnection(input: $i) { id kind oidc { issuer clientId scopes redirectUri } } }',
      {
        i: {
          orgSlug: 'acme',
          name: 'Acme Okta',
          oidc: {
            issuer: proxy.origin,
            clientId: 'palisade-acme',
            clientSecret: 'acme-very-secret',
            scopes: ['openid', 'email', 'profile', 'groups'],
          },
        },
      },
    );
    const c = expectData(created).createSsoConnection;
    connectionId = c.id;
    expect(c.kind).toBe('OIDC');
    expect(c.oidc.redirectUri).toBe(`${ctx.origin}/sso/oidc/${c.id}/callback`);
    for (const idp of [customerIdp, rogueIdp]) {
      await idp.registerClient({
        clientId: 'palisade-acme',
        clientSecret: 'acme-very-secret',
        redirectUris: [c.oidc.redirectUri, 'http://127.0.0.1:9/rp-callback'],
      });
    }
    await customerIdp.registerClient({
      clientId: 'other-app',
      clientSecret: 'other-secret',
      redirectUris: ['http://127.0.0.1:9/rp-callback'],
    });
    const stored = await ctx.sql<{ enc: Buffer }>(
      'SELECT oidc_client_secret_enc AS enc FROM sso_connections WHERE id = $1',
      [c.id],
    );
    expect(stored[0]?.enc.toString('latin1')).not.toContain('acme-very-secret');
    expect(
      JSON.stringify(
        await gqlOwner('{ organization(slug: "acme") { ssoConnections { id oidc { clientId } } } }'),
      ),
    ).not.toContain('acme-very-secret');
  });

  it('maps groups to roles and routes the domain to the connection', async () => {
    const set = await gqlOwner<{
      setSsoGroupMappings: { groupMappings: { groupName: string; role: string }[] };
    }>(
      'mutation($i: SetSsoGroupMappingsInput!) { setSsoGroupMappings(input: $i) { groupMappings { groupName role } } }',
      {
        i: {
          orgSlug: 'acme',
          connectionId,
          mappings: [
            { groupName: 'palisade-editors', role: 'EDITOR' },
            { groupName: 'palisade-viewers', role: 'VIEWER' },
            { groupName: 'palisade-admins', role: 'ADMIN' },
          ],
        },
      },
    );
    expect(expectData(set).setSsoGroupMappings.groupMappings).toHaveLength(3);
    const owners = await gqlOwner(
      'mutation($i: SetSsoGroupMappingsInput!) { setSsoGroupMappings(input: $i) { id } }',
      { i: { orgSlug: 'acme', connectionId, mappings: [{ groupName: 'x', role: 'OWNER' }] } },
    );
    expect(codeOf(owners)).toBe('VALIDATION_FAILED');
    const routed = await gqlOwner<{ updateSsoDomain: { connectionId: string } }>(
      'mutation($i: UpdateSsoDomainInput!) { updateSsoDomain(input: $i) { connectionId requireSso } }',
      { i: { orgSlug: 'acme', domainId, connectionId } },
    );
    expect(expectData(routed).updateSsoDomain.connectionId).toBe(connectionId);
    const discover = (await (
      await fetch(`${ctx.origin}/sso/discover?email=Dave@Example.com`)
    ).json()) as Record<string, unknown>;
    expect(discover).toEqual({
      domain: DOMAIN,
      sso: true,
      requireSso: false,
      loginUrl: `/sso/oidc/${connectionId}/login`,
    });
    const elsewhere = (await (
      await fetch(`${ctx.origin}/sso/discover?email=someone@nowhere.test`)
    ).json()) as Record<string, unknown>;
    expect(elsewhere['sso']).toBe(false);
  });
});

describe('sign-in through the customer IdP', () => {
  it('signs dave in just in time with the role his groups map to', async () => {
    const out = await oidcSsoSignIn(ctx, 'dave@example.com');
    expect(out.status, out.text).toBe(303);
    const me = await ctx.gql<{ organization: { viewerRole: string } }>(
      out.caller,
      '{ organization(slug: "acme") { viewerRole } }',
    );
    expect(expectData(me).organization.viewerRole).toBe('EDITOR');
    const events = await lastEvents(2);
    expect(events.map((e) => e.action)).toEqual(['sso.sign_in', 'sso.member.join']);
    expect(events[0]?.after).toMatchObject({
      email: 'dave@example.com',
      groups: ['palisade-editors'],
      role: 'editor',
    });
  });

  it('the dry run shows who would get what under proposed mappings, and changes nothing', async () => {
    const before = await state();
    const r = await gqlOwner<{
      organization: {
        ssoRolePreview: {
          email: string;
          currentRole: string;
          resultingRole: string | null;
          change: string;
        }[];
      };
    }>(
      `query($c: ID!, $m: [SsoGroupMappingInput!]) { organization(slug: "acme") {
         ssoRolePreview(connectionId: $c, mappings: $m) { email groups currentRole resultingRole change } } }`,
      { c: connectionId, m: [{ groupName: 'palisade-editors', role: 'AUDITOR' }] },
    );
    expect(expectData(r).organization.ssoRolePreview).toEqual([
      expect.objectContaining({
        email: 'dave@example.com',
        currentRole: 'EDITOR',
        resultingRole: 'AUDITOR',
        change: 'UPDATE',
      }),
    ]);
    const none = await gqlOwner<{ organization: { ssoRolePreview: { change: string }[] } }>(
      'query($c: ID!) { organization(slug: "acme") { ssoRolePreview(connectionId: $c, mappings: []) { change } } }',
      { c: connectionId },
    );
    expect(expectData(none).organization.ssoRolePreview.map((x) => x.change)).toEqual(['KEEP']);
    expect(await state()).toEqual(before);
  });

  it('a group changed at the IdP changes the role at the next sign-in; a group removed removes it', async () => {
    groupsOf(dave, ['palisade-viewers', 'lunch-club']);
    expect((await oidcSsoSignIn(ctx, 'dave@example.com')).status).toBe(303);
    expect(await roleIn('dave@example.com')).toBe('viewer');
    expect((await lastEvents(2)).map((e) => e.action)).toEqual(['sso.sign_in', 'sso.member.role_update']);

    groupsOf(dave, ['lunch-club']);
    const out = await oidcSsoSignIn(ctx, 'dave@example.com');
    expect(out.status).toBe(403);
    expect(out.text).toContain('none of the groups [lunch-club] is mapped');
    expect(out.caller).toBeNull();
    expect(await roleIn('dave@example.com')).toBeNull();
    expect((await lastEvents(2)).map((e) => e.action)).toEqual(['sso.sign_in_refused', 'sso.member.remove']);
  });

  it('someone whose groups map to nothing gets no membership and no session', async () => {
    const before = await state();
    const out = await oidcSsoSignIn(ctx, 'erin@example.com');
    expect(out.status).toBe(403);
    expect(out.text).toContain('none of the groups [contractors] is mapped');
    expect(await roleIn('erin@example.com')).toBeNull();
    expect((await state()).sessions).toEqual(before.sessions);
  });

  it('an email outside the verified domains is refused, whatever its groups', async () => {
    const before = await state();
    const out = await oidcSsoSignIn(ctx, 'carol@other.test').catch((e: unknown) => ({
      status: 0,
      text: String(e),
      caller: null,
    }));
    // carol@other.test is not routed by /sso/start: start from the connection directly.
    expect(out.status).toBe(0);
    const login = await fetch(`${ctx.origin}/sso/oidc/${connectionId}/login`, { redirect: 'manual' });
    const { loginThroughForm, TestBrowser } = await import('@palisade/dev-oidc/test-login');
    const cb = await loginThroughForm(
      login.headers.get('location') ?? '',
      'carol@other.test',
      DEMO_PASSWORD,
      new TestBrowser(),
    );
    const state0 = /pal_sso_login=([^;]+)/.exec(login.headers.getSetCookie().join(';'))?.[1] ?? '';
    const res = await fetch(cb, { redirect: 'manual', headers: { cookie: `pal_sso_login=${state0}` } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('carol@other.test is not in a domain this organisation has verified');
    expect(await state()).toEqual(before);
    expect((await lastEvents(1))[0]?.action).toBe('sso.sign_in_refused');
  });
});

describe('tokens that must not be accepted', () => {
  it('an ID token from another issuer is refused, audited, and changes nothing', async () => {
    groupsOf(dave, ['palisade-admins']);
    const before = await state();
    const out = await oidcSsoSignIn(ctx, 'dave@example.com', async (url) => {
      const nonce = url.searchParams.get('nonce') ?? '';
      proxy.nextIdToken = await idTokenFrom(
        rogueIdp.issuer,
        'palisade-acme',
        'acme-very-secret',
        'dave@example.com',
        nonce,
      );
    });
    expect(out.status).toBe(401);
    expect(out.text).toMatch(/not accepted: .*iss/i);
    expect(await state()).toEqual(before);
    const [event] = await lastEvents(1);
    expect(event?.action).toBe('sso.sign_in_refused');
    expect(String(event?.after?.['reason'])).toMatch(/iss/i);
  });

  it('an ID token issued to another client (audience) is refused, audited, and changes nothing', async () => {
    const before = await state();
    const out = await oidcSsoSignIn(ctx, 'dave@example.com', async (url) => {
      // A genuine token of this very issuer, with the flow's own nonce, but issued to another client.
      const nonce = url.searchParams.get('nonce') ?? '';
      const token = await idTokenFrom(proxy.origin, 'other-app', 'other-secret', 'dave@example.com', nonce);
      proxy.nextIdToken = token;
    });
    expect(out.status).toBe(401);
    expect(out.text).toMatch(/not accepted: .*aud/i);
    expect(await state()).toEqual(before);
    expect((await lastEvents(1))[0]?.action).toBe('sso.sign_in_refused');
    // And the honest token still works: admins map to ADMIN.
    expect((await oidcSsoSignIn(ctx, 'dave@example.com')).status).toBe(303);
    expect(await roleIn('dave@example.com')).toBe('admin');
  });
});

describe('require SSO', () => {
  it('cannot be turned on for a domain without a connection, and is on once it has one', async () => {
    const r = await gqlOwner<{ updateSsoDomain: { requireSso: boolean } }>(
      'mutation($i: UpdateSsoDomainInput!) { updateSsoDomain(input: $i) { requireSso } }',
      { i: { orgSlug: 'acme', domainId, requireSso: true } },
    );
    expect(expectData(r).updateSsoDomain.requireSso).toBe(true);
  });

  it('refuses the platform sign-in for the domain, with an audit event and nothing changed', async () => {
    const before = await state();
    const out = await platformSignIn(ctx, 'bob@example.com');
    expect(out.status).toBe(403);
    expect(out.text).toContain('example.com requires single sign-on');
    expect(await state()).toEqual(before);
    const [event] = await lastEvents(1);
    expect(event?.action).toBe('sso.sign_in_refused');
    expect(event?.after).toMatchObject({ email: 'bob@example.com', domain: DOMAIN });
  });

  it('break-glass is for owners only: a non-owner is refused, the owner gets in and it is audited', async () => {
    const bob = await platformSignIn(ctx, 'bob@example.com', true);
    expect(bob.status).toBe(403);
    expect(bob.text).toContain('only for owners of acme');
    const alice = await platformSignIn(ctx, 'alice@example.com', true);
    expect(alice.status).toBe(303);
    const [event] = await lastEvents(1);
    expect(event?.action).toBe('sso.break_glass_sign_in');
    expect(event?.after).toMatchObject({ email: 'alice@example.com' });
    const me = await ctx.gql<{ organization: { viewerRole: string } }>(
      alice.caller,
      '{ organization(slug: "acme") { viewerRole } }',
    );
    expect(expectData(me).organization.viewerRole).toBe('OWNER');
    // Without break-glass even the owner goes through SSO.
    expect((await platformSignIn(ctx, 'alice@example.com')).status).toBe(403);
  });

  it('SSO sign-in for the domain still works', async () => {
    expect((await oidcSsoSignIn(ctx, 'dave@example.com')).status).toBe(303);
  });
});

describe('management rules', () => {
  it('only owners manage SSO: an admin is FORBIDDEN', async () => {
    const token = await ctx.tokenCaller('acme', 'admin');
    const r = await ctx.gql(token, '{ organization(slug: "acme") { ssoConnections { id } } }');
    expect(codeOf(r)).toBe('FORBIDDEN');
  });

  it('a domain verified by one organisation cannot be verified by another', async () => {
    await ctx.newOrg('globex', 'owner-globex@example.org');
    const token = await ctx.tokenCaller('globex', 'owner');
    const added = await ctx.gql<{
      addSsoDomain: { id: string; proofRecordName: string; proofRecordValue: string };
    }>(
      token,
      'mutation($i: AddSsoDomainInput!) { addSsoDomain(input: $i) { id proofRecordName proofRecordValue } }',
      { i: { orgSlug: 'globex', domain: DOMAIN } },
    );
    const d = expectData(added).addSsoDomain;
    dnsRecords.set(d.proofRecordName, [...(dnsRecords.get(d.proofRecordName) ?? []), d.proofRecordValue]);
    const r = await ctx.gql(
      token,
      'mutation($i: SsoDomainRefInput!) { verifySsoDomain(input: $i) { verified } }',
      {
        i: { orgSlug: 'globex', domainId: d.id },
      },
    );
    expect(codeOf(r)).toBe('CONFLICT');
  });

  it('a connection that a domain requires cannot be deleted', async () => {
    const r = await gqlOwner(
      'mutation($i: SsoConnectionRefInput!) { deleteSsoConnection(input: $i) { id } }',
      {
        i: { orgSlug: 'acme', connectionId },
      },
    );
    expect(codeOf(r)).toBe('PRECONDITION_FAILED');
  });
});
