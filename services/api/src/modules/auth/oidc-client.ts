// The OpenID Connect relying party (openid-client): authorization code + PKCE (S256), state and
// nonce, against any standard issuer named by configuration. Discovery is lazy and retried, so the
// API can start before its issuer does. Plain-HTTP issuers are allowed only when
// OIDC_ALLOW_INSECURE_HTTP is set (the loopback dev provider).
import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';

export interface LoginStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean | undefined;
  name: string;
  idToken: string | undefined;
}

@Injectable()
export class OidcClient {
  private config: Promise<oidc.Configuration> | null = null;

  constructor(@Inject(ENV) private readonly env: Env) {}

  get redirectUri(): string {
    return new URL('/auth/callback', this.env.PUBLIC_ORIGIN).toString();
  }

  async start(): Promise<LoginStart> {
    const config = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.toString(), state, nonce, codeVerifier };
  }

  async finish(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<VerifiedIdentity> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the identity provider returned no ID token');
    const email = typeof claims['email'] === 'string' ? claims['email'].toLowerCase() : '';
    const name = typeof claims['name'] === 'string' ? claims['name'] : email;
    const verified = claims['email_verified'];
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email,
      emailVerified: typeof verified === 'boolean' ? verified : undefined,
      name,
      idToken: tokens.id_token,
    };
  }

  async endSessionUrl(idTokenHint?: string): Promise<string | null> {
    try {
      const config = await this.configuration();
      if (!config.serverMetadata().end_session_endpoint) return null;
      const params: Record<string, string> = {
        post_logout_redirect_uri: new URL('/', this.env.PUBLIC_ORIGIN).toString(),
      };
      if (idTokenHint) params['id_token_hint'] = idTokenHint;
      return oidc.buildEndSessionUrl(config, params).toString();
    } catch {
      return null;
    }
  }

  private configuration(): Promise<oidc.Configuration> {
    if (!this.config) {
      const options: oidc.DiscoveryRequestOptions = this.env.OIDC_ALLOW_INSECURE_HTTP
        ? { execute: [oidc.allowInsecureRequests] }
        : {};
      this.config = oidc
        .discovery(
          new URL(this.env.OIDC_ISSUER),
          this.env.OIDC_CLIENT_ID,
          this.env.OIDC_CLIENT_SECRET,
          undefined,
          options,
        )
        .catch((err: unknown) => {
          this.config = null;
          throw err;
        });
    }
    return this.config;
  }
}
