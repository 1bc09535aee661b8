import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevOidcProvider } from '../src/provider.js';
import { loginThroughForm } from '../src/test-login.js';
import { DEMO_PASSWORD } from '../src/users.js';
import { CLIENT_ID, startTestProvider } from './relying-party.js';

const LATE_CLIENT = {
  clientId: 'late-relying-party',
  clientSecret: 'late-secret',
  redirectUris: ['http://localhost:45123/auth/callback'],
};

describe('clients registered after the provider started', () => {
  let provider: DevOidcProvider;

  beforeAll(async () => {
    provider = await startTestProvider();
    await provider.registerClient(LATE_CLIENT);
  });
  afterAll(() => provider.close());

  it('sign in like the clients given at start', async () => {
    const config = await client.discovery(
      new URL(provider.issuer),
      LATE_CLIENT.clientId,
      undefined,
      client.ClientSecretPost(LATE_CLIENT.clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: LATE_CLIENT.redirectUris[0]!,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });

    const callbackUrl = await loginThroughForm(url.href, 'erin@example.com', DEMO_PASSWORD);
    const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
    });

    expect(tokens.claims()).toMatchObject({ aud: LATE_CLIENT.clientId, email: 'erin@example.com' });
    expect(tokens.claims()).not.toHaveProperty('name');
  });

  it('refuses a client id that is already taken', async () => {
    await expect(provider.registerClient({ ...LATE_CLIENT, clientSecret: 'other' })).rejects.toThrow(
      /already registered/,
    );
    await expect(provider.registerClient({ ...LATE_CLIENT, clientId: CLIENT_ID })).rejects.toThrow(
      /already registered/,
    );
  });

  it('refuses invalid client metadata', async () => {
    await expect(
      provider.registerClient({ clientId: 'broken', clientSecret: 's', redirectUris: ['not a url'] }),
    ).rejects.toThrow(/invalid_redirect_uri/);
  });
});
