// TEST TOOLING — a real SAML 2.0 identity provider for the SSO tests, built with samlify in its IdP
// role, on loopback: it publishes IdP metadata with a signing certificate made by the openssl CLI
// (as agent/test/support/test-pki.ts does), receives AuthnRequests at /sso (HTTP-Redirect), and
// answers with an HTML form that posts a signed Response to the SP's ACS, as a browser would see
// it. The "signed-in user" is whoever the test says, and a test may ask for one deliberately bad
// response (unsigned, expired, wrong audience or recipient) to prove the SP refuses it. samlify's
// schema validation of incoming AuthnRequests is switched to a well-formedness check: the SP under
// test is Palisade, not this IdP.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import * as samlify from 'samlify';

export interface SamlTestUser {
  nameId: string;
  email: string;
  name: string;
  groups: string[];
}

export type BadResponse =
  'unsigned-assertion' | 'unsigned' | 'expired' | 'wrong-audience' | 'wrong-recipient';

export interface PostedResponse {
  acs: string;
  samlResponse: string;
  relayState: string;
}

let validatorSet = false;
function useWellFormednessValidator(): void {
  if (validatorSet) return;
  samlify.setSchemaValidator({
    validate: (xml: string) => {
      let bad = '';
      new DOMParser({
        onError: (level: string, msg: string) => void (level !== 'warning' && (bad = msg)),
      }).parseFromString(xml, 'text/xml');
      return bad ? Promise.reject(new Error(bad)) : Promise.resolve('well-formed');
    },
  });
  validatorSet = true;
}

function makeSigningPair(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-saml-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'idp.key',
        '-out',
        'idp.crt',
        '-days',
        '2',
        '-subj',
        '/CN=test-saml-idp',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'idp.key'), 'utf8'),
      cert: readFileSync(join(dir, 'idp.crt'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class TestSamlIdp {
  user: SamlTestUser | null = null;
  /** The next response only is made bad this way. */
  nextBad: BadResponse | null = null;
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly idp: samlify.IdentityProviderInstance,
    readonly certPem: string,
    private readonly spMetadata: Map<string, string>,
  ) {}

  static async start(): Promise<TestSamlIdp> {
    useWellFormednessValidator();
    const { key, cert } = makeSigningPair();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const idp = samlify.IdentityProvider({
      entityID: `${origin}/metadata`,
      signingCert: cert,
      privateKey: key,
      wantAuthnRequestsSigned: false,
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      singleSignOnService: [
        { Binding: samlify.Constants.namespace.binding.redirect, Location: `${origin}/sso` },
      ],
    });
    const self = new TestSamlIdp(server, origin, idp, cert, new Map());
    server.on('request', (req, res) => {
      self
        .handle(new URL(req.url ?? '/', origin))
        .then(({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body))
        .catch((err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)));
    });
    return self;
  }

  get entityId(): string {
    return `${this.origin}/metadata`;
  }

  get metadataXml(): string {
    return this.idp.getMetadata();
  }

  /** Tells the IdP about an SP (by its published metadata) before that SP sends requests. */
  trust(spEntityId: string, spMetadataXml: string): void {
    this.spMetadata.set(spEntityId, spMetadataXml);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Follows an authorize URL as a browser: the IdP's page, parsed to the form it would post. */
  async signIn(authorizeUrl: string): Promise<PostedResponse> {
    const page = await fetch(authorizeUrl);
    const html = await page.text();
    if (page.status !== 200) throw new Error(`the IdP answered ${page.status}: ${html}`);
    const action = /<form[^>]+action="([^"]+)"/.exec(html)?.[1];
    const field = (n: string) => new RegExp(`name="${n}" value="([^"]*)"`).exec(html)?.[1] ?? '';
    if (!action) throw new Error(`no form on the IdP page: ${html}`);
    const un = (s: string) =>
      s
        .replace(/&quot;/g, '"')
        .replace(/&gt;/g, '>')
        .replace(/&lt;/g, '<')
        .replace(/&amp;/g, '&');
    return { acs: un(action), samlResponse: un(field('SAMLResponse')), relayState: un(field('RelayState')) };
  }

  private async handle(url: URL): Promise<{ status: number; type: string; body: string }> {
    if (url.pathname === '/metadata') return { status: 200, type: 'application/xml', body: this.metadataXml };
    if (url.pathname !== '/sso') return { status: 404, type: 'text/plain', body: 'not found' };
    const request = url.searchParams.get('SAMLRequest') ?? '';
    const issuer = /<(?:saml2?:)?Issuer[^>]*>([^<]+)</.exec(
      inflateRawSync(Buffer.from(request, 'base64')).toString('utf8'),
    )?.[1];
    const spXml = issuer ? this.spMetadata.get(issuer) : undefined;
    if (!spXml)
      return { status: 400, type: 'text/plain', body: `unknown service provider ${issuer ?? '(none)'}` };
    const sp = samlify.ServiceProvider({ metadata: spXml });
    const parsed = await this.idp.parseLoginRequest(sp, 'redirect', {
      query: Object.fromEntries(url.searchParams),
    });
    if (!this.user) return { status: 401, type: 'text/plain', body: 'nobody is signed in at the IdP' };
    const bad = this.nextBad;
    this.nextBad = null;
    const requestId = String((parsed.extract as { request?: { id?: string } }).request?.id ?? '');
    // samlify does not read the ACS out of unprefixed SP metadata, so it is taken from the XML.
    const acs = /<(?:\w+:)?AssertionConsumerService[^>]*Location="([^"]+)"/.exec(spXml)?.[1] ?? '';
    const xml = this.responseXml(sp, requestId, acs, this.user, bad);
    const samlResponse =
      bad === 'unsigned'
        ? Buffer.from(xml).toString('base64')
        : (
            await this.idp.createLoginResponse(
              bad === 'unsigned-assertion'
                ? samlify.ServiceProvider({
                    metadata: spXml.replace(/WantAssertionsSigned="true"/, 'WantAssertionsSigned="false"'),
                  })
                : sp,
              { extract: parsed.extract },
              'post',
              { email: this.user.email },
              () => ({ id: requestId, context: xml }),
            )
          ).context;
    const relayState = url.searchParams.get('RelayState') ?? '';
    const body = `<!doctype html><html><body onload="document.forms[0].submit()">
<form method="post" action="${esc(acs)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">
<input type="hidden" name="RelayState" value="${esc(relayState)}"></form></body></html>`;
    return { status: 200, type: 'text/html; charset=utf-8', body };
  }

  private responseXml(
    sp: samlify.ServiceProviderInstance,
    inResponseTo: string,
    acs: string,
    user: SamlTestUser,
    bad: BadResponse | null,
  ): string {
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60_000);
    const expiredAt = new Date(now.getTime() - 20 * 60_000);
    const attribute = (name: string, values: string[]) =>
      `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values
        .map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`)
        .join('')}</saml:Attribute>`;
    const attributes = `<saml:AttributeStatement>${attribute('email', [user.email])}${attribute('name', [user.name])}${
      user.groups.length > 0 ? attribute('groups', user.groups) : ''
    }</saml:AttributeStatement>`;
    const authn = `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_s${Date.now()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;
    const spEntity = sp.entityMeta.getEntityID();
    const values: Record<string, string> = {
      ID: `_r${crypto.randomUUID()}`,
      AssertionID: `_a${crypto.randomUUID()}`,
      Destination: acs,
      Audience: bad === 'wrong-audience' ? 'https://someone-else.example/sp' : spEntity,
      EntityID: spEntity,
      SubjectRecipient: bad === 'wrong-recipient' ? 'https://someone-else.example/acs' : acs,
      Issuer: this.entityId,
      IssueInstant: (bad === 'expired' ? new Date(expiredAt.getTime() - 5 * 60_000) : now).toISOString(),
      AssertionConsumerServiceURL: acs,
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: (bad === 'expired'
        ? new Date(expiredAt.getTime() - 5 * 60_000)
        : now
      ).toISOString(),
      ConditionsNotOnOrAfter: (bad === 'expired' ? expiredAt : later).toISOString(),
      SubjectConfirmationDataNotOnOrAfter: (bad === 'expired' ? expiredAt : later).toISOString(),
      NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      NameID: user.nameId,
      InResponseTo: inResponseTo,
    };
    // The statements are XML, which replaceTagsByValue would escape: they go in first, as they are.
    const template = samlify.SamlLib.defaultLoginResponseTemplate.context
      .replace('{AuthnStatement}', authn)
      .replace('{AttributeStatement}', attributes);
    return samlify.SamlLib.replaceTagsByValue(template, values);
  }
}

/** Base64 SAMLResponse → XML, and back: for tampering tests. */
export const decodeResponse = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
export const encodeResponse = (xml: string): string => Buffer.from(xml).toString('base64');
