import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevOidcProvider } from '../src/provider.js';
import { stopAtUrl, TestBrowser } from '../src/test-browser.js';
import { loginThroughForm } from '../src/test-login.js';
import { logoutThroughForm } from '../src/test-logout.js';
import { DEMO_PASSWORD } from '../src/users.js';
import {
  discover,
  newAuthorizationRequest,
  POST_LOGOUT_REDIRECT_URI,
  REDIRECT_URI,
  startTestProvider,
} from './relying-party.js';

describe('provider session and RP-initiated logout', () => {
  let provider: DevOidcProvider;
  let config: client.Configuration;

  beforeAll(async () => {
    provider = await startTestProvider();
    config = await discover(provider);
  });
  afterAll(() => provider.close());

  async function signIn(browser: TestBrowser) {
    const request = await newAuthorizationRequest(config);
    const callbackUrl = await loginThroughForm(request.url, 'alice@example.com', DEMO_PASSWORD, browser);
    return client.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  }

  it('answers a second authorization in the same browser without the form', async () => {
    const browser = new TestBrowser();
    await signIn(browser);

    const request = await newAuthorizationRequest(config);
    const landing = await browser.get(request.url, stopAtUrl(REDIRECT_URI));

    expect(landing.kind).toBe('stopped');
    if (landing.kind === 'stopped') expect(new URL(landing.url).searchParams.has('code')).toBe(true);
  });

  it('ends the provider session and returns to the post-logout redirect URI with state', async () => {
    const browser = new TestBrowser();
    const tokens = await signIn(browser);
    const endSessionUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
      state: 'bye',
    });

    const returned = new URL(await logoutThroughForm(browser, endSessionUrl.href));

    expect(`${returned.origin}${returned.pathname}`).toBe(POST_LOGOUT_REDIRECT_URI);
    expect(returned.searchParams.get('state')).toBe('bye');
    const request = await newAuthorizationRequest(config);
    const landing = await browser.get(request.url, stopAtUrl(REDIRECT_URI));
    expect(landing).toMatchObject({ kind: 'page', status: 200 });
    if (landing.kind === 'page') expect(landing.html).toContain('name="password"');
  });

  it('refuses a post-logout redirect URI the client did not register', async () => {
    const browser = new TestBrowser();
    const tokens = await signIn(browser);
    const endSessionUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: 'http://localhost:3000/elsewhere',
    });

    const landing = await browser.get(endSessionUrl.href);

    expect(landing).toMatchObject({ kind: 'page', status: 400 });
  });
});
