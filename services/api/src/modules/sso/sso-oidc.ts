// The relying party for an organisation's own OIDC IdP (openid-client, as the platform sign-in in
// modules/auth): authorization code + PKCE (S256), state and nonce, one redirect URI per
// connection (/sso/oidc/<id>/callback) so a code can never be replayed into another connection.
// openid-client checks the ID token's signature, issuer, audience, expiry and nonce and the
// response's `iss` parameter (RFC 9207); any failure is a refusal. Discovery is cached per
// connection version (id + updated_at). Plain-HTTP issuers only when OIDC_ALLOW_INSECURE_HTTP.
import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { SSO_LIMITS } from '../../config/limits.js';
import { groupsFrom } from './group-mapping.js';

export interface OidcConnectionSettings {
  id: string;
  updatedAt: Date;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  groupsClaim: string;
}

export interface SsoOidcStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SsoAssertedIdentity {
  subject: string;
  email: string;
  emailVerified: boolean | undefined;
  name: string;
  groups: string[];
}

@Injectable()
export class SsoOidc {
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(@Inject(ENV) private readonly env: Env) {}

  redirectUri(connectionId: string): string {
    return new URL(`/sso/oidc/${connectionId}/callback`, this.env.PUBLIC_ORIGIN).toString();
  }

  /** Fetches the issuer's discovery document (a connection is checked with it before it is saved). */
  async discover(settings: Omit<OidcConnectionSettings, 'id' | 'updatedAt'>): Promise<oidc.Configuration> {
    const options: oidc.DiscoveryRequestOptions = {
      timeout: SSO_LIMITS.fetchTimeoutMs / 1000,
      ...(this.env.OIDC_ALLOW_INSECURE_HTTP ? { execute: [oidc.allowInsecureRequests] } : {}),
    };
    return oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      settings.clientSecret,
      undefined,
      options,
    );
  }

  async start(settings: OidcConnectionSettings): Promise<SsoOidcStart> {
    const config = await this.configuration(settings);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(settings.id),
      scope: settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.toString(), state, nonce, codeVerifier };
  }

  async finish(
    settings: OidcConnectionSettings,
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<SsoAssertedIdentity> {
    const config = await this.configuration(settings);
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the identity provider returned no ID token');
    let groupsValue: unknown = claims[settings.groupsClaim];
    if (groupsValue === undefined) {
      // Some IdPs release groups only from userinfo.
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      groupsValue = info[settings.groupsClaim];
    }
    const email = typeof claims['email'] === 'string' ? claims['email'].toLowerCase() : '';
    const verified = claims['email_verified'];
    return {
      subject: claims.sub,
      email,
      emailVerified: typeof verified === 'boolean' ? verified : undefined,
      name: typeof claims['name'] === 'string' ? claims['name'] : email,
      groups: groupsFrom(groupsValue),
    };
  }

  private configuration(settings: OidcConnectionSettings): Promise<oidc.Configuration> {
    const key = `${settings.id}:${settings.updatedAt.getTime()}`;
    let config = this.configs.get(key);
    if (!config) {
      for (const k of this.configs.keys()) if (k.startsWith(`${settings.id}:`)) this.configs.delete(k);
      config = this.discover(settings).catch((err: unknown) => {
        this.configs.delete(key);
        throw err;
      });
      this.configs.set(key, config);
    }
    return config;
  }
}

/**
 * A sentence for a refused OIDC response: openid-client wraps the precise reason (e.g. which
 * claim had which unexpected value) in `cause`, which is what an owner needs to see.
 */
export function describeOidcError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth += 1) {
    if (e instanceof Error) {
      if (!parts.includes(e.message)) parts.push(e.message);
      e = e.cause;
    } else if (typeof e === 'object') {
      const c = e as { claim?: unknown; expected?: unknown; actual?: unknown; body?: unknown };
      if (typeof c.claim === 'string')
        parts.push(
          `the ID token's "${c.claim}" claim is ${JSON.stringify(c.actual)}, expected ${JSON.stringify(c.expected)}`,
        );
      break;
    } else break;
  }
  return parts.join(': ') || 'unknown error';
}
