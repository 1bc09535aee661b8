// Issue 17 item 1, SAML half, end to end against a real SAML 2.0 IdP built with samlify (its IdP
// role) on loopback: the owner (an owner token here) connects it by its metadata, Palisade
// publishes SP metadata per connection, people sign in email-first, groups decide roles at every
// sign-in; and every bad response — tampered, unsigned, assertion unsigned, expired, for another
// audience or recipient, replayed — is refused with a clear error and an audit event, nothing
// changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainProofResolver } from '../../src/modules/sso/domain-proof.js';
import { type Caller, TestContext, codeOf } from '../context.js';
import { expectData } from '../factories/members.js';
import { TestSamlIdp, decodeResponse, encodeResponse, type SamlTestUser } from '../support/saml-idp.js';
import { postToAcs, samlIdpForm } from './sso-helpers.js';

const DOMAIN = 'globex.test';
const dns = new Map<string, string[]>();
let ctx: TestContext;
let idp: TestSamlIdp;
let owner: Caller;
let connectionId = '';
const gina: SamlTestUser = {
  nameId: 'gina-0001',
  email: 'gina@globex.test',
  name: 'Gina Globex',
  groups: ['eng'],
};

async function roleOf(email: string): Promise<string | null> {
  const rows = await ctx.sql<{ role: string }>(
    `SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.org_id
      WHERE o.slug = 'globex' AND u.email = $1`,
    [email],
  );
  return rows[0]?.role ?? null;
}

async function lastEvent() {
  const rows = await ctx.sql<{ action: string; after: Record<string, unknown> | null }>(
    `SELECT e.action, e.after FROM audit_events e JOIN organizations o ON o.id = e.org_id
      WHERE o.slug = 'globex' ORDER BY e.seq DESC LIMIT 1`,
  );
  return rows[0];
}

async function state() {
  return {
    users: await ctx.sql('SELECT id, email, name FROM users ORDER BY id'),
    memberships: await ctx.sql('SELECT org_id, user_id, role FROM memberships ORDER BY org_id, user_id'),
    sessions: await ctx.sql('SELECT count(*)::text AS n FROM sessions'),
    identities: await ctx.sql('SELECT subject, user_id, last_groups FROM sso_identities ORDER BY subject'),
  };
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ctx.app.get(DomainProofResolver).use((name) => Promise.resolve((dns.get(name) ?? []).map((r) => [r])));
  idp = await TestSamlIdp.start();
  await ctx.newOrg('globex', 'owner-globex@example.com');
  owner = await ctx.tokenCaller('globex', 'owner');
});

afterAll(async () => {
  await ctx?.close();
  await idp?.close();
});

describe('connecting a SAML IdP', () => {
  it('refuses metadata that is not usable, naming what is wrong', async () => {
    const q = 'mutation($i: CreateSsoConnectionInput!) { createSsoConnection(input: $i) { id } }';
    const notXml = await ctx.gql(owner, q, {
      i: { orgSlug: 'globex', name: 'x', saml: { metadataXml: '<nope' } },
    });
    expect(codeOf(notXml)).toBe('VALIDATION_FAILED');
    expect(notXml.errors?.[0]?.extensions?.field).toEqual(['input', 'saml', 'metadataXml']);
    const noCert = await ctx.gql(owner, q, {
      i: {
        orgSlug: 'globex',
        name: 'x',
        saml: {
          metadataXml: idp.metadataXml.replace(/<(\w+:)?KeyDescriptor[\s\S]*?<\/(\w+:)?KeyDescriptor>/g, ''),
        },
      },
    });
    expect(noCert.errors?.[0]?.message).toContain('names no signing certificate');
    const skew = await ctx.gql(owner, q, {
      i: { orgSlug: 'globex', name: 'x', saml: { metadataXml: idp.metadataXml, clockSkewSeconds: 3600 } },
    });
    expect(skew.errors?.[0]?.extensions?.field).toEqual(['input', 'saml', 'clockSkewSeconds']);
  });

  it('connects by metadata URL and publishes SP metadata for the IdP', async () => {
    const r = await ctx.gql<{
      createSsoConnection: { id: string; kind: string; saml: Record<string, string | number> };
    }>(
      owner,
      `mutation($i: CreateSsoConnectionInput!) { createSsoConnection(input: $i) {
         id kind saml { idpEntityId idpSsoUrl metadataUrl clockSkewSeconds spEntityId spMetadataUrl acsUrl } } }`,
      {
        i: {
          orgSlug: 'globex',
          name: 'Globex SAML',
          saml: { metadataUrl: `${idp.origin}/metadata`, clockSkewSeconds: 30 },
        },
      },
    );
    const c = expectData(r).createSsoConnection;
    connectionId = c.id;
    expect(c.kind).toBe('SAML');
    expect(c.saml).toMatchObject({
      idpEntityId: idp.entityId,
      idpSsoUrl: `${idp.origin}/sso`,
      clockSkewSeconds: 30,
      acsUrl: `${ctx.origin}/sso/saml/${c.id}/acs`,
    });
    const metadata = await fetch(String(c.saml['spMetadataUrl']));
    expect(metadata.status).toBe(200);
    const xml = await metadata.text();
    expect(xml).toContain(`entityID="${String(c.saml['spEntityId'])}"`);
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect(xml).toContain(String(c.saml['acsUrl']));
    idp.trust(String(c.saml['spEntityId']), xml);

    expectData(
      await ctx.gql(
        owner,
        'mutation($i: SetSsoGroupMappingsInput!) { setSsoGroupMappings(input: $i) { id } }',
        {
          i: {
            orgSlug: 'globex',
            connectionId,
            mappings: [
              { groupName: 'eng', role: 'EDITOR' },
              { groupName: 'auditors', role: 'AUDITOR' },
            ],
          },
        },
      ),
    );
    const added = await ctx.gql<{
      addSsoDomain: { id: string; proofRecordName: string; proofRecordValue: string };
    }>(
      owner,
      'mutation($i: AddSsoDomainInput!) { addSsoDomain(input: $i) { id proofRecordName proofRecordValue } }',
      { i: { orgSlug: 'globex', domain: DOMAIN } },
    );
    const d = expectData(added).addSsoDomain;
    dns.set(d.proofRecordName, [d.proofRecordValue]);
    expectData(
      await ctx.gql(owner, 'mutation($i: SsoDomainRefInput!) { verifySsoDomain(input: $i) { verified } }', {
        i: { orgSlug: 'globex', domainId: d.id },
      }),
    );
    expectData(
      await ctx.gql(owner, 'mutation($i: UpdateSsoDomainInput!) { updateSsoDomain(input: $i) { id } }', {
        i: { orgSlug: 'globex', domainId: d.id, connectionId, requireSso: true },
      }),
    );
  });
});

describe('signing in through the SAML IdP', () => {
  it('signs gina in with the role her groups map to', async () => {
    idp.user = gina;
    const out = await postToAcs(await samlIdpForm(ctx, idp, gina.email));
    expect(out.status, out.text).toBe(303);
    const me = await ctx.gql<{ viewer: { user: { email: string } }; organization: { viewerRole: string } }>(
      out.caller,
      '{ viewer { user { email } } organization(slug: "globex") { viewerRole } }',
    );
    expect(expectData(me)).toEqual({
      viewer: { user: { email: gina.email } },
      organization: { viewerRole: 'EDITOR' },
    });
    expect((await lastEvent())?.action).toBe('sso.sign_in');
  });

  it('follows the IdP groups at every sign-in, and removes the role when no group maps', async () => {
    gina.groups = ['auditors'];
    expect((await postToAcs(await samlIdpForm(ctx, idp, gina.email))).status).toBe(303);
    expect(await roleOf(gina.email)).toBe('auditor');
    gina.groups = [];
    const out = await postToAcs(await samlIdpForm(ctx, idp, gina.email));
    expect(out.status).toBe(403);
    expect(out.text).toContain('none of the groups [] is mapped');
    expect(await roleOf(gina.email)).toBeNull();
    gina.groups = ['eng'];
    expect((await postToAcs(await samlIdpForm(ctx, idp, gina.email))).status).toBe(303);
    expect(await roleOf(gina.email)).toBe('editor');
  });
});

describe('responses that must be refused: a clear error, an audit event, nothing changed', () => {
  async function expectRefused(
    samlResponse: (valid: string) => string,
    posted: Awaited<ReturnType<typeof samlIdpForm>>,
    reason: RegExp,
  ) {
    const before = await state();
    const out = await postToAcs(posted, samlResponse(posted.samlResponse));
    expect(out.status).toBe(401);
    expect(out.text).toMatch(reason);
    expect(out.caller).toBeNull();
    expect(await state()).toEqual(before);
    const event = await lastEvent();
    expect(event?.action).toBe('sso.sign_in_refused');
    expect(String(event?.after?.['reason'])).toMatch(reason);
  }

  it('a tampered assertion (groups changed after signing)', async () => {
    gina.groups = ['eng'];
    const posted = await samlIdpForm(ctx, idp, gina.email);
    await expectRefused(
      (v) => encodeResponse(decodeResponse(v).replace('>eng<', '>auditors<')),
      posted,
      /refused: .*(signature|sign)/i,
    );
  });

  it('an unsigned response', async () => {
    idp.nextBad = 'unsigned';
    await expectRefused((v) => v, await samlIdpForm(ctx, idp, gina.email), /refused: .*sign/i);
  });

  it('a signed response whose assertion is not signed', async () => {
    idp.nextBad = 'unsigned-assertion';
    await expectRefused((v) => v, await samlIdpForm(ctx, idp, gina.email), /refused: .*sign/i);
  });

  it('an expired assertion (beyond the allowed clock skew)', async () => {
    idp.nextBad = 'expired';
    await expectRefused((v) => v, await samlIdpForm(ctx, idp, gina.email), /refused: .*expired/i);
  });

  it('an assertion for another audience', async () => {
    idp.nextBad = 'wrong-audience';
    await expectRefused((v) => v, await samlIdpForm(ctx, idp, gina.email), /refused: .*audience/i);
  });

  it('an assertion for another recipient', async () => {
    idp.nextBad = 'wrong-recipient';
    await expectRefused(
      (v) => v,
      await samlIdpForm(ctx, idp, gina.email),
      /Recipient .* is not this connection's ACS/,
    );
  });

  it('a replayed assertion', async () => {
    const posted = await samlIdpForm(ctx, idp, gina.email);
    expect((await postToAcs(posted)).status).toBe(303);
    await expectRefused((v) => v, posted, /already used \(replay\)/);
  });

  it('a response no AuthnRequest asked for (IdP-initiated, or for another connection)', async () => {
    const posted = await samlIdpForm(ctx, idp, gina.email);
    const xml = decodeResponse(posted.samlResponse);
    const forged = xml.replace(/InResponseTo="[^"]+"/g, 'InResponseTo="_never-asked"');
    await expectRefused(() => encodeResponse(forged), posted, /refused: .*InResponseTo/i);
  });

  it('a POST without a SAMLResponse', async () => {
    const res = await fetch(`${ctx.origin}/sso/saml/${connectionId}/acs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'RelayState=x',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('no SAMLResponse');
  });
});

describe('switching a connection off', () => {
  it('stops sign-in through it', async () => {
    expectData(
      await ctx.gql(
        owner,
        'mutation($i: UpdateSsoConnectionInput!) { updateSsoConnection(input: $i) { enabled } }',
        {
          i: { orgSlug: 'globex', connectionId, enabled: false },
        },
      ),
    );
    const res = await fetch(`${ctx.origin}/sso/saml/${connectionId}/login`, { redirect: 'manual' });
    expect(res.status).toBe(403);
    const start = await fetch(`${ctx.origin}/sso/start?email=${gina.email}`, { redirect: 'manual' });
    expect(start.status).toBe(503);
    expect(await start.text()).toContain('requires single sign-on');
  });
});
