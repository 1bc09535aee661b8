import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevOidcProvider } from '../src/provider.js';
import { TestCookieJar } from '../src/test-cookie-jar.js';
import { loginThroughForm } from '../src/test-login.js';
import { DEMO_PASSWORD } from '../src/users.js';
import {
  CLIENT_SECRET,
  discover,
  newAuthorizationRequest,
  REDIRECT_URI,
  startTestProvider,
} from './relying-party.js';

describe('authorization code flow with PKCE through the login form', () => {
  let provider: DevOidcProvider;

  beforeAll(async () => {
    provider = await startTestProvider();
  });
  afterAll(() => provider.close());

  it('publishes discovery metadata for the supported profile only', async () => {
    const config = await discover(provider);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(provider.issuer);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.scopes_supported).toEqual(['openid', 'email', 'profile', 'groups']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ]);
    expect(metadata.end_session_endpoint).toBe(`${provider.issuer}/session/end`);
  });

  it('walks the standard chain: /auth → /interaction/:uid → POST login → /auth/:uid → redirect_uri', async () => {
    const jar = new TestCookieJar();
    const send = async (url: URL, body?: URLSearchParams) => {
      const headers = new Headers();
      const cookie = jar.header(url);
      if (cookie !== undefined) headers.set('cookie', cookie);
      const init: RequestInit = { method: body ? 'POST' : 'GET', headers, redirect: 'manual' };
      if (body) init.body = body;
      const response = await fetch(url, init);
      jar.store(url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      return {
        status: response.status,
        location: location === null ? undefined : new URL(location, url),
        response,
      };
    };
    const request = await newAuthorizationRequest(await discover(provider));

    const authorize = await send(new URL(request.url));
    expect(authorize.status).toBe(303);
    const uid = /^\/interaction\/([\w-]+)$/.exec(authorize.location!.pathname)?.[1];
    expect(uid).toBeDefined();

    const form = await send(authorize.location!);
    expect(form.status).toBe(200);
    expect(form.response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await form.response.text()).toContain(`action="/interaction/${uid}/login"`);

    const login = await send(
      new URL(`/interaction/${uid}/login`, provider.issuer),
      new URLSearchParams({ email: 'alice@example.com', password: DEMO_PASSWORD }),
    );
    expect(login.status).toBe(303);
    expect(login.location!.href).toBe(`${provider.issuer}/auth/${uid}`);

    const resumed = await send(login.location!);
    expect(resumed.status).toBe(303);
    expect(`${resumed.location!.origin}${resumed.location!.pathname}`).toBe(REDIRECT_URI);
    expect(resumed.location!.searchParams.get('state')).toBe(request.state);
    expect(resumed.location!.searchParams.get('iss')).toBe(provider.issuer);
    expect(resumed.location!.searchParams.get('code')).toBeTruthy();
  });

  it('signs alice in and issues an ID token and userinfo with her email and name', async () => {
    const config = await discover(provider);
    const request = await newAuthorizationRequest(config);

    const callbackUrl = await loginThroughForm(request.url, 'alice@example.com', DEMO_PASSWORD);
    expect(callbackUrl.startsWith(`${REDIRECT_URI}?`)).toBe(true);

    const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: provider.issuer,
      aud: 'palisade-console',
      sub: 'user-alice',
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Owner',
      nonce: request.nonce,
    });

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, 'user-alice');
    expect(userinfo).toMatchObject({ sub: 'user-alice', email: 'alice@example.com', name: 'Alice Owner' });
  });

  it('accepts client_secret_post at the token endpoint', async () => {
    const config = await discover(provider, client.ClientSecretPost(CLIENT_SECRET));
    const request = await newAuthorizationRequest(config);
    const callbackUrl = await loginThroughForm(request.url, 'bob@example.com', DEMO_PASSWORD);

    const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'user-bob', email: 'bob@example.com', name: 'Bob Admin' });
  });

  it('grants an explicitly requested consent prompt without a second screen', async () => {
    const config = await discover(provider);
    const request = await newAuthorizationRequest(config);
    const url = new URL(request.url);
    url.searchParams.set('prompt', 'login consent');

    const callbackUrl = await loginThroughForm(url.href, 'carol@example.com', DEMO_PASSWORD);

    const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'user-carol', email: 'carol@example.com' });
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });

  it('matches the email case-insensitively', async () => {
    const config = await discover(provider);
    const request = await newAuthorizationRequest(config);
    const callbackUrl = await loginThroughForm(request.url, '  Carol@Example.COM ', DEMO_PASSWORD);
    expect(new URL(callbackUrl).searchParams.has('code')).toBe(true);
  });

  it('redeems a code only once', async () => {
    const config = await discover(provider);
    const request = await newAuthorizationRequest(config);
    const callbackUrl = new URL(await loginThroughForm(request.url, 'dave@example.com', DEMO_PASSWORD));
    const checks = {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    };

    await client.authorizationCodeGrant(config, callbackUrl, checks);
    await expect(client.authorizationCodeGrant(config, callbackUrl, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('rejects a code exchanged with the wrong PKCE verifier', async () => {
    const config = await discover(provider);
    const request = await newAuthorizationRequest(config);
    const callbackUrl = new URL(await loginThroughForm(request.url, 'erin@example.com', DEMO_PASSWORD));

    await expect(
      client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('rejects a wrong client secret at the token endpoint', async () => {
    const config = await discover(provider, client.ClientSecretBasic('not-the-secret'));
    const request = await newAuthorizationRequest(config);
    const callbackUrl = new URL(await loginThroughForm(request.url, 'alice@example.com', DEMO_PASSWORD));

    await expect(
      client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
    ).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });
  });
});
