// Test support: a relying party built with openid-client, the same library and calls the API uses,
// pointed at a dev provider started on an ephemeral port for one test file.
import * as client from 'openid-client';
import { startDevOidcProvider, type DevOidcProvider } from '../src/provider.js';

export const CLIENT_ID = 'palisade-console';
export const CLIENT_SECRET = 'dev-secret';
export const REDIRECT_URI = 'http://localhost:3000/auth/callback';
export const POST_LOGOUT_REDIRECT_URI = 'http://localhost:3000/';

export interface AuthorizationRequest {
  readonly url: string;
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

export function startTestProvider(): Promise<DevOidcProvider> {
  return startDevOidcProvider({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [REDIRECT_URI],
        postLogoutRedirectUris: [POST_LOGOUT_REDIRECT_URI],
      },
    ],
  });
}

export async function discover(
  provider: DevOidcProvider,
  auth: client.ClientAuth = client.ClientSecretBasic(CLIENT_SECRET),
): Promise<client.Configuration> {
  return client.discovery(new URL(provider.issuer), CLIENT_ID, undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
}

export async function newAuthorizationRequest(config: client.Configuration): Promise<AuthorizationRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, codeVerifier, state, nonce };
}
