// The SAML 2.0 service provider for an organisation's own IdP (@node-saml/node-saml; decision
// 0100). Per connection: SP entity id = its metadata URL, ACS = /sso/saml/<id>/acs, HTTP-Redirect
// AuthnRequests, HTTP-POST responses. A response is accepted only when:
//   - the assertion is signed by a certificate from the IdP's metadata (wantAssertionsSigned),
//   - its Issuer is the IdP's entity id, its Audience is our entity id,
//   - it answers an AuthnRequest we sent in the last 10 minutes, once (InResponseTo, kept in Redis
//     so every API replica knows it; IdP-initiated sign-in is refused),
//   - its SubjectConfirmationData Recipient and the Response Destination (when given) are our ACS,
//   - it is within its validity window give or take the connection's clock skew (≤ 5 minutes),
//   - its assertion id was never consumed before (Redis SET NX until its own expiry; replay).
import { Inject, Injectable } from '@nestjs/common';
import { DOMParser } from '@xmldom/xmldom';
import { SAML, ValidateInResponseTo, type CacheProvider, type Profile } from '@node-saml/node-saml';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { LOGIN_FLOW_TTL_SECONDS, SSO_LIMITS } from '../../config/limits.js';
import { RedisClient } from '../../platform/queue/redis.js';
import { groupsFrom } from './group-mapping.js';
import type { SsoAssertedIdentity } from './sso-oidc.js';

const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
/** Attribute names IdPs commonly use for the email address, in the order they are tried. */
const EMAIL_ATTRIBUTES = [
  'email',
  'mail',
  'urn:oid:0.9.2342.19200300.100.1.3',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
];
const NAME_ATTRIBUTES = ['name', 'displayName', 'urn:oid:2.16.840.1.113730.3.1.241'];

export interface SamlConnectionSettings {
  id: string;
  idpEntityId: string;
  idpSsoUrl: string;
  idpCerts: string[];
  clockSkewSeconds: number;
  /** The attribute that holds groups. */
  groupsAttribute: string;
}

export class SamlRefusal extends Error {
  override readonly name = 'SamlRefusal';
}

type El = {
  getAttribute(n: string): string | null;
  getElementsByTagNameNS(ns: string, n: string): ArrayLike<El>;
};

function parse(xml: string): { documentElement: El | null } {
  try {
    return new DOMParser({ onError: () => undefined }).parseFromString(xml, 'text/xml');
  } catch {
    return { documentElement: null };
  }
}

@Injectable()
export class SsoSaml {
  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(RedisClient) private readonly redis: RedisClient,
  ) {}

  entityId(connectionId: string): string {
    return new URL(`/sso/saml/${connectionId}/metadata`, this.env.PUBLIC_ORIGIN).toString();
  }

  acsUrl(connectionId: string): string {
    return new URL(`/sso/saml/${connectionId}/acs`, this.env.PUBLIC_ORIGIN).toString();
  }

  /** The SP metadata an owner gives their IdP: entity id, ACS (HTTP-POST), signed assertions wanted. */
  spMetadata(settings: SamlConnectionSettings): string {
    return this.saml(settings).generateServiceProviderMetadata(null, null);
  }

  /** The IdP URL (HTTP-Redirect binding) carrying a fresh AuthnRequest and the relay state. */
  authorizeUrl(settings: SamlConnectionSettings, relayState: string): Promise<string> {
    return this.saml(settings).getAuthorizeUrlAsync(relayState, undefined, {});
  }

  /** Validates a posted SAMLResponse; throws SamlRefusal with the reason when it is not accepted. */
  async consume(settings: SamlConnectionSettings, samlResponse: string): Promise<SsoAssertedIdentity> {
    // A replayed assertion is named as such before anything else looks at it (the consumed-id
    // record below is only ever written for assertions that passed every check).
    const claimedId = this.assertionIdOf(samlResponse);
    if (claimedId && (await this.redis.redis.exists(this.replayKey(settings.id, claimedId))) === 1)
      throw new SamlRefusal(`the SAML assertion ${claimedId} was already used (replay)`);
    let profile: Profile | null;
    try {
      ({ profile } = await this.saml(settings).validatePostResponseAsync({ SAMLResponse: samlResponse }));
    } catch (err) {
      const expired = this.expiry(samlResponse, settings.clockSkewSeconds);
      throw new SamlRefusal(`the SAML response was refused: ${expired ?? (err as Error).message}`);
    }
    if (!profile) throw new SamlRefusal('the SAML response carries no assertion');
    const acs = this.acsUrl(settings.id);
    const responseXml = profile.getSamlResponseXml?.() ?? '';
    const destination = parse(responseXml).documentElement?.getAttribute('Destination');
    if (destination && destination !== acs)
      throw new SamlRefusal(
        `the SAML response is addressed to ${destination}, not to this connection (${acs})`,
      );
    const assertion = parse(profile.getAssertionXml?.() ?? '').documentElement;
    if (!assertion) throw new SamlRefusal('the SAML assertion could not be read');
    const confirmations = Array.from(
      { length: assertion.getElementsByTagNameNS(ASSERTION, 'SubjectConfirmationData').length },
      (_, i) => assertion.getElementsByTagNameNS(ASSERTION, 'SubjectConfirmationData')[i] as El,
    );
    const recipients = confirmations.map((c) => c.getAttribute('Recipient'));
    if (!recipients.includes(acs))
      throw new SamlRefusal(
        `the SAML assertion's Recipient (${recipients.filter(Boolean).join(', ') || 'none'}) is not this connection's ACS (${acs})`,
      );
    const assertionId = assertion.getAttribute('ID');
    if (!assertionId) throw new SamlRefusal('the SAML assertion has no ID');
    const fresh = await this.redis.redis.set(
      this.replayKey(settings.id, assertionId),
      '1',
      'EX',
      this.replayTtlSeconds(confirmations, settings.clockSkewSeconds),
      'NX',
    );
    if (fresh !== 'OK') throw new SamlRefusal(`the SAML assertion ${assertionId} was already used (replay)`);
    return this.identityOf(profile, settings);
  }

  private replayKey(connectionId: string, assertionId: string): string {
    return this.redis.key('sso', 'saml', 'assertion', connectionId, assertionId);
  }

  /**
   * node-saml reports a lapsed SubjectConfirmation as "no valid subject confirmation"; when the
   * assertion's own times say it expired, that is the clearer reason to give.
   */
  private expiry(samlResponse: string, skewSeconds: number): string | null {
    const root = parse(Buffer.from(samlResponse, 'base64').toString('utf8')).documentElement;
    if (!root) return null;
    const times = ['SubjectConfirmationData', 'Conditions'].flatMap((tag) =>
      Array.from({ length: root.getElementsByTagNameNS(ASSERTION, tag).length }, (_, i) =>
        (root.getElementsByTagNameNS(ASSERTION, tag)[i] as El).getAttribute('NotOnOrAfter'),
      ),
    );
    const ends = times.map((t) => Date.parse(t ?? '')).filter((t) => Number.isFinite(t));
    if (ends.length === 0) return null;
    const end = Math.min(...ends);
    if (end + skewSeconds * 1000 > Date.now()) return null;
    return `the assertion expired at ${new Date(end).toISOString()} (allowed clock skew ${skewSeconds} s)`;
  }

  /** The ID attribute of the first Assertion in a base64 SAMLResponse, unverified; null if none. */
  private assertionIdOf(samlResponse: string): string | null {
    const root = parse(Buffer.from(samlResponse, 'base64').toString('utf8')).documentElement;
    const assertion = root?.getElementsByTagNameNS(ASSERTION, 'Assertion')[0];
    return assertion?.getAttribute('ID') ?? null;
  }

  private identityOf(profile: Profile, settings: SamlConnectionSettings): SsoAssertedIdentity {
    const attr = (names: readonly string[]) => {
      for (const n of names) {
        const v = profile[n];
        if (typeof v === 'string' && v) return v;
        if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
      }
      return '';
    };
    const nameIdIsEmail = profile.nameIDFormat?.endsWith(':emailAddress') === true;
    const email = (attr(EMAIL_ATTRIBUTES) || (nameIdIsEmail ? profile.nameID : '')).toLowerCase();
    return {
      subject: profile.nameID,
      email,
      // A SAML IdP has no email_verified; the email's domain must be verified by the organisation.
      emailVerified: undefined,
      name: attr(NAME_ATTRIBUTES) || email,
      groups: groupsFrom(profile[settings.groupsAttribute]),
    };
  }

  private replayTtlSeconds(confirmations: El[], skewSeconds: number): number {
    const ends = confirmations
      .map((c) => Date.parse(c.getAttribute('NotOnOrAfter') ?? ''))
      .filter((t) => Number.isFinite(t));
    const until = ends.length > 0 ? Math.max(...ends) : Date.now() + LOGIN_FLOW_TTL_SECONDS * 1000;
    const seconds = Math.ceil((until - Date.now()) / 1000) + skewSeconds + 1;
    return Math.min(Math.max(seconds, 60), SSO_LIMITS.assertionReplayTtlSeconds);
  }

  private saml(settings: SamlConnectionSettings): SAML {
    return new SAML({
      callbackUrl: this.acsUrl(settings.id),
      entryPoint: settings.idpSsoUrl,
      issuer: this.entityId(settings.id),
      audience: this.entityId(settings.id),
      idpIssuer: settings.idpEntityId,
      idpCert: settings.idpCerts,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: settings.clockSkewSeconds * 1000,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: LOGIN_FLOW_TTL_SECONDS * 1000,
      cacheProvider: this.requestCache(settings.id),
      identifierFormat: null,
      disableRequestedAuthnContext: true,
    });
  }

  /** AuthnRequest ids outstanding for a connection, in Redis (any replica may receive the response). */
  private requestCache(connectionId: string): CacheProvider {
    const key = (id: string) => this.redis.key('sso', 'saml', 'request', connectionId, id);
    const r = this.redis.redis;
    return {
      saveAsync: async (id, value) => {
        const ok = await r.set(key(id), value, 'EX', LOGIN_FLOW_TTL_SECONDS, 'NX');
        return ok === 'OK' ? { value, createdAt: Date.now() } : null;
      },
      getAsync: (id) => r.get(key(id)),
      // Consumed once: the first response that names this request takes it.
      removeAsync: async (id) => (id === null ? null : r.getdel(key(id))),
    };
  }
}
