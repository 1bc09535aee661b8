// The recipe the API's e2e tests follow, run against a minimal openid-client web app: one
// TestBrowser drives the app's /auth/login, the provider's login form and the app's callback, so
// the app's own transaction and session cookies travel exactly as they would in a browser.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevOidcProvider, type DevOidcProvider } from '../src/provider.js';
import { TestBrowser } from '../src/test-browser.js';
import { loginThroughForm } from '../src/test-login.js';
import { DEMO_PASSWORD } from '../src/users.js';

interface Transaction {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  const pair = header?.split(/;\s*/).find((part) => part.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
}

function startApp(config: client.Configuration): Promise<Server> {
  const transactions = new Map<string, Transaction>();
  const sessions = new Map<string, string>();
  const server = createServer((req, res) => {
    const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    const url = new URL(req.url ?? '/', origin);
    const handle = async () => {
      if (url.pathname === '/auth/login') {
        const tx = {
          codeVerifier: client.randomPKCECodeVerifier(),
          state: client.randomState(),
          nonce: client.randomNonce(),
        };
        transactions.set(tx.state, tx);
        const authorizationUrl = client.buildAuthorizationUrl(config, {
          redirect_uri: `${origin}/auth/callback`,
          scope: 'openid email profile',
          code_challenge: await client.calculatePKCECodeChallenge(tx.codeVerifier),
          code_challenge_method: 'S256',
          state: tx.state,
          nonce: tx.nonce,
        });
        res
          .writeHead(302, {
            location: authorizationUrl.href,
            'set-cookie': `app_tx=${tx.state}; Path=/auth; HttpOnly`,
          })
          .end();
      } else if (url.pathname === '/auth/callback') {
        const tx = transactions.get(cookieValue(req.headers.cookie, 'app_tx') ?? '');
        if (tx === undefined) {
          res.writeHead(400).end('no login in progress');
          return;
        }
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: tx.codeVerifier,
          expectedState: tx.state,
          expectedNonce: tx.nonce,
        });
        const sessionId = client.randomState();
        const email = tokens.claims()?.['email'];
        sessions.set(sessionId, typeof email === 'string' ? email : '(no email)');
        res
          .writeHead(303, { location: '/', 'set-cookie': `app_session=${sessionId}; Path=/; HttpOnly` })
          .end();
      } else {
        const email = sessions.get(cookieValue(req.headers.cookie, 'app_session') ?? '');
        res
          .writeHead(email === undefined ? 401 : 200)
          .end(email === undefined ? 'signed out' : `signed in as ${email}`);
      }
    };
    handle().catch(() => res.writeHead(500).end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('a web app signing in through the dev provider', () => {
  let provider: DevOidcProvider;
  let app: Server;
  let appOrigin: string;

  beforeAll(async () => {
    provider = await startDevOidcProvider({ clients: [] });
    const config = await client.discovery(
      new URL(provider.issuer),
      'web-app',
      undefined,
      client.ClientSecretBasic('web-secret'),
      { execute: [client.allowInsecureRequests] },
    );
    app = await startApp(config);
    appOrigin = `http://localhost:${(app.address() as AddressInfo).port}`;
    await provider.registerClient({
      clientId: 'web-app',
      clientSecret: 'web-secret',
      redirectUris: [`${appOrigin}/auth/callback`],
    });
  });
  afterAll(async () => {
    app.close();
    await provider.close();
  });

  it('ends with an app session for the user who signed in', async () => {
    const browser = new TestBrowser();
    const toProvider = (url: URL) => url.origin === provider.issuer;

    const started = await browser.get(`${appOrigin}/auth/login`, toProvider);
    expect(started.kind).toBe('stopped');
    const callbackUrl = await loginThroughForm(started.url, 'alice@example.com', DEMO_PASSWORD, browser);
    const home = await browser.get(callbackUrl);

    expect(home).toMatchObject({ kind: 'page', status: 200, html: 'signed in as alice@example.com' });
  });

  it('keeps the app signed out when the callback arrives without its login transaction', async () => {
    const browser = new TestBrowser();
    const started = await browser.get(`${appOrigin}/auth/login`, (url) => url.origin === provider.issuer);
    const callbackUrl = await loginThroughForm(started.url, 'alice@example.com', DEMO_PASSWORD);

    const landing = await new TestBrowser().get(callbackUrl);

    expect(landing).toMatchObject({ kind: 'page', status: 400 });
  });
});
