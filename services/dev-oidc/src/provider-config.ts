// The oidc-provider configuration: what this issuer supports and nothing more. Authorization code
// flow only, PKCE (S256) mandatory for every client, scopes `openid email profile` (and `groups`,
// which the SSO tests' customer IdP releases), confidential
// clients authenticating with client_secret_basic or client_secret_post, RP-initiated logout.
// Every default that oidc-provider marks "you should change this" is set here explicitly, so the
// provider starts without warnings and its behaviour does not drift with library defaults.
import type { AdapterFactory, ClientMetadata, Configuration, JWKS } from 'oidc-provider';
import { accountFinder } from './accounts.js';
import { loadFirstPartyGrant } from './first-party-grant.js';
import { renderErrorPage, renderLogoutPage, renderLogoutSuccessPage } from './provider-pages.js';
import type { DemoUser } from './users.js';

export interface DevOidcClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
}

export interface ProviderConfigInput {
  readonly clients: readonly DevOidcClient[];
  readonly users: readonly DemoUser[];
  readonly jwks: JWKS;
  readonly cookieKeys: readonly string[];
  readonly adapter: AdapterFactory;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** Prefixed so they never collide with the API's cookies: browsers share cookies across ports. */
export const PROVIDER_COOKIE_NAMES = {
  session: 'dev_oidc_session',
  interaction: 'dev_oidc_interaction',
  resume: 'dev_oidc_interaction_resume',
} as const;

export function clientMetadata(client: DevOidcClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...(client.postLogoutRedirectUris ?? [])],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

export function buildProviderConfiguration(input: ProviderConfigInput): Configuration {
  const cookieOptions = { httpOnly: true, sameSite: 'lax', secure: false } as const;
  return {
    adapter: input.adapter,
    clients: input.clients.map(clientMetadata),
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    responseTypes: ['code'],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
    },
    // Scope claims go into the ID token too, not only userinfo, as most hosted issuers do.
    conformIdTokenClaims: false,
    allowOmittingSingleRegisteredRedirectUri: false,
    pkce: { required: () => true },
    jwks: input.jwks,
    findAccount: accountFinder(input.users),
    loadExistingGrant: loadFirstPartyGrant,
    renderError: renderErrorPage,
    cookies: {
      names: PROVIDER_COOKIE_NAMES,
      long: cookieOptions,
      short: cookieOptions,
      keys: [...input.cookieKeys],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: renderLogoutPage,
        postLogoutSuccessSource: renderLogoutSuccessPage,
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    ttl: {
      AccessToken: HOUR,
      AuthorizationCode: MINUTE,
      IdToken: HOUR,
      Interaction: 10 * MINUTE,
      Grant: 8 * HOUR,
      Session: 8 * HOUR,
      RefreshToken: 8 * HOUR,
    },
  };
}
