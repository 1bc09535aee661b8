import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevOidcProvider } from '../src/provider.js';
import { stopAtUrl, TestBrowser } from '../src/test-browser.js';
import { pageAlert, parsePostForms } from '../src/test-html-form.js';
import { loginThroughForm } from '../src/test-login.js';
import { DEMO_PASSWORD } from '../src/users.js';
import {
  CLIENT_ID,
  discover,
  newAuthorizationRequest,
  REDIRECT_URI,
  startTestProvider,
} from './relying-party.js';

const toRedirectUri = stopAtUrl(REDIRECT_URI);

describe('requests the provider refuses', () => {
  let provider: DevOidcProvider;
  let config: client.Configuration;

  beforeAll(async () => {
    provider = await startTestProvider();
    config = await discover(provider);
  });
  afterAll(() => provider.close());

  function authorizeUrl(params: Record<string, string>): string {
    const url = new URL('/auth', provider.issuer);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.href;
  }

  async function openLoginForm(browser: TestBrowser) {
    const request = await newAuthorizationRequest(config);
    const landing = await browser.get(request.url, toRedirectUri);
    if (landing.kind !== 'page') throw new Error('expected the login page');
    const form = parsePostForms(landing.html, landing.url)[0];
    if (form === undefined) throw new Error('expected a login form');
    return form;
  }

  it('shows "Invalid email or password" for a wrong password and issues no code', async () => {
    const browser = new TestBrowser();
    const form = await openLoginForm(browser);

    const landing = await browser.postForm(
      form.action,
      new URLSearchParams({ email: 'alice@example.com', password: 'wrong' }),
      toRedirectUri,
    );

    expect(landing.kind).toBe('page');
    if (landing.kind !== 'page') return;
    expect(pageAlert(landing.html)).toBe('Invalid email or password');
    expect(landing.html).toContain('value="alice@example.com"');
    expect(landing.html).not.toContain('code=');
  });

  it('gives an unknown email the same answer as a wrong password', async () => {
    const request = await newAuthorizationRequest(config);
    await expect(loginThroughForm(request.url, 'nobody@example.com', DEMO_PASSWORD)).rejects.toThrow(
      /Invalid email or password/,
    );
  });

  it('lets the user retry in the same interaction after a wrong password', async () => {
    const browser = new TestBrowser();
    const form = await openLoginForm(browser);
    await browser.postForm(
      form.action,
      new URLSearchParams({ email: 'alice@example.com', password: 'nope' }),
    );

    const landing = await browser.postForm(
      form.action,
      new URLSearchParams({ email: 'alice@example.com', password: DEMO_PASSWORD }),
      toRedirectUri,
    );

    expect(landing.kind).toBe('stopped');
    if (landing.kind === 'stopped') expect(new URL(landing.url).searchParams.has('code')).toBe(true);
  });

  it('escapes what the user typed when it renders the form again', async () => {
    const browser = new TestBrowser();
    const form = await openLoginForm(browser);

    const landing = await browser.postForm(
      form.action,
      new URLSearchParams({ email: '"><script>alert(1)</script>', password: 'x' }),
    );

    if (landing.kind !== 'page') throw new Error('expected the login page');
    expect(landing.html).not.toContain('<script>');
    expect(landing.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('refuses a login post that does not carry the interaction cookie', async () => {
    const form = await openLoginForm(new TestBrowser());
    const stranger = new TestBrowser();

    const landing = await stranger.postForm(
      form.action,
      new URLSearchParams({ email: 'alice@example.com', password: DEMO_PASSWORD }),
      toRedirectUri,
    );

    expect(landing).toMatchObject({ kind: 'page', status: 400 });
  });

  it('refuses a login post for another interaction than the cookie names', async () => {
    const victimForm = await openLoginForm(new TestBrowser());
    const attacker = new TestBrowser();
    await openLoginForm(attacker);

    const landing = await attacker.postForm(
      victimForm.action,
      new URLSearchParams({ email: 'mallory@example.com', password: DEMO_PASSWORD }),
      toRedirectUri,
    );

    expect(landing).toMatchObject({ kind: 'page', status: 400 });
  });

  it('refuses an oversized or non-form login post, and a GET on the login action', async () => {
    const browser = new TestBrowser();
    const form = await openLoginForm(browser);
    const cookie = browser.cookies.header(new URL(form.action)) ?? '';

    const oversized = await fetch(form.action, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'alice@example.com', password: 'x'.repeat(10_000) }),
      redirect: 'manual',
    });
    const json = await fetch(form.action, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }),
      redirect: 'manual',
    });
    const get = await fetch(form.action, { headers: { cookie }, redirect: 'manual' });

    expect([oversized.status, json.status, get.status]).toEqual([413, 415, 405]);
  });

  it('rejects an unknown client on an error page, without redirecting', async () => {
    const request = await newAuthorizationRequest(config);
    const url = new URL(request.url);
    url.searchParams.set('client_id', 'not-registered');

    const landing = await new TestBrowser().get(url.href, toRedirectUri);

    expect(landing).toMatchObject({ kind: 'page', status: 400 });
    if (landing.kind === 'page') expect(pageAlert(landing.html)).toBe('invalid_client');
  });

  it('rejects an unregistered redirect_uri on an error page, without redirecting', async () => {
    const request = await newAuthorizationRequest(config);
    const url = new URL(request.url);
    url.searchParams.set('redirect_uri', 'http://localhost:3000/elsewhere');

    const landing = await new TestBrowser().get(url.href, () => false);

    expect(landing).toMatchObject({ kind: 'page', status: 400 });
    if (landing.kind === 'page') expect(pageAlert(landing.html)).toBe('invalid_redirect_uri');
  });

  it('rejects an authorization request without PKCE and issues no code', async () => {
    const url = authorizeUrl({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email profile',
      state: 'no-pkce',
      nonce: 'n',
    });

    const callback = new URL(await loginThroughForm(url, 'alice@example.com', DEMO_PASSWORD));

    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(callback.searchParams.get('state')).toBe('no-pkce');
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('rejects the plain PKCE method', async () => {
    const url = authorizeUrl({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      code_challenge: client.randomPKCECodeVerifier(),
      code_challenge_method: 'plain',
    });

    const callback = new URL(await loginThroughForm(url, 'alice@example.com', DEMO_PASSWORD));

    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('rejects response types other than code', async () => {
    const request = await newAuthorizationRequest(config);
    const url = new URL(request.url);
    url.searchParams.set('response_type', 'id_token');

    const callback = new URL(await loginThroughForm(url.href, 'alice@example.com', DEMO_PASSWORD));

    const fragment = new URLSearchParams(callback.hash.slice(1));
    expect(fragment.get('error')).toBe('unsupported_response_type');
    expect(callback.href).not.toMatch(/[?#&](code|id_token)=/);
  });
});
