// Helpers for the SSO suites: browser-like sign-in through the API's /sso endpoints, a platform
// sign-in that reports refusals instead of throwing, and a test-side relying party that obtains a
// genuine ID token from a provider (to play a token from the wrong issuer or audience).
import * as oidc from 'openid-client';
import { DEMO_PASSWORD } from '@palisade/dev-oidc/users';
import { loginThroughForm, TestBrowser } from '@palisade/dev-oidc/test-login';
import { type Caller, cookiesOf, type TestContext } from '../context.js';
import type { PostedResponse, TestSamlIdp } from '../support/saml-idp.js';

export interface SignInOutcome {
  status: number;
  text: string;
  caller: Caller | null;
}

function outcomeOf(res: Response, text: string): SignInOutcome {
  const cookies = cookiesOf(res);
  const session = cookies['pal_session'];
  const csrf = cookies['pal_csrf'];
  return {
    status: res.status,
    text,
    caller:
      res.status === 303 && session && csrf
        ? {
            label: 'sso',
            headers: { cookie: `pal_session=${session}; pal_csrf=${csrf}`, 'x-palisade-csrf': csrf },
          }
        : null,
  };
}

async function follow(url: string, cookie?: string): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });
}

/** Email-first: /sso/start → the connection's login → the customer IdP's form → the callback. */
export async function oidcSsoSignIn(
  ctx: TestContext,
  email: string,
  /** Called with the IdP authorization URL before the browser goes there (tests read its nonce). */
  beforeIdp?: (authorizationUrl: URL) => Promise<void>,
): Promise<SignInOutcome> {
  const start = await follow(`${ctx.origin}/sso/start?email=${encodeURIComponent(email)}&returnTo=/clusters`);
  if (start.status !== 303) throw new Error(`/sso/start answered ${start.status}`);
  const login = await follow(new URL(start.headers.get('location') ?? '', ctx.origin).toString());
  if (login.status !== 303) throw new Error(`SSO login answered ${login.status}: ${await login.text()}`);
  const state = cookiesOf(login)['pal_sso_login'] ?? '';
  if (beforeIdp) await beforeIdp(new URL(login.headers.get('location') ?? ''));
  const callback = await loginThroughForm(
    login.headers.get('location') ?? '',
    email,
    DEMO_PASSWORD,
    new TestBrowser(),
  );
  const res = await follow(callback, `pal_sso_login=${state}`);
  return outcomeOf(res, res.status === 303 ? '' : await res.text());
}

/** Email-first SAML: /sso/start → AuthnRequest → the samlify IdP's page → the form it posts. */
export async function samlIdpForm(
  ctx: TestContext,
  idp: TestSamlIdp,
  email: string,
): Promise<PostedResponse> {
  const start = await follow(`${ctx.origin}/sso/start?email=${encodeURIComponent(email)}`);
  if (start.status !== 303) throw new Error(`/sso/start answered ${start.status}`);
  const login = await follow(new URL(start.headers.get('location') ?? '', ctx.origin).toString());
  if (login.status !== 303) throw new Error(`SAML login answered ${login.status}: ${await login.text()}`);
  return idp.signIn(login.headers.get('location') ?? '');
}

export async function postToAcs(
  posted: PostedResponse,
  samlResponse = posted.samlResponse,
): Promise<SignInOutcome> {
  const res = await fetch(posted.acs, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: posted.relayState }),
  });
  return outcomeOf(res, res.status === 303 ? '' : await res.text());
}

/** The platform sign-in (/auth/login) for a demo user, with or without break-glass. */
export async function platformSignIn(
  ctx: TestContext,
  email: string,
  breakGlass = false,
): Promise<SignInOutcome> {
  const login = await follow(`${ctx.origin}/auth/login${breakGlass ? '?breakGlass=1' : ''}`);
  const cookie = cookiesOf(login)['pal_login'] ?? '';
  const callback = await loginThroughForm(
    login.headers.get('location') ?? '',
    email,
    DEMO_PASSWORD,
    new TestBrowser(),
  );
  const res = await follow(callback, `pal_login=${cookie}`);
  return outcomeOf(res, res.status === 303 ? '' : await res.text());
}

/** A genuine ID token from `issuer` for `clientId`, got through its real login form. */
export async function idTokenFrom(
  issuer: string,
  clientId: string,
  secret: string,
  email: string,
  nonce?: string,
): Promise<string> {
  const config = await oidc.discovery(new URL(issuer), clientId, secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const redirectUri = 'http://127.0.0.1:9/rp-callback';
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile groups',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(nonce ? { nonce } : {}),
  });
  const back = await loginThroughForm(url.toString(), email, DEMO_PASSWORD, new TestBrowser());
  const tokens = await oidc.authorizationCodeGrant(config, new URL(back), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    ...(nonce ? { expectedNonce: nonce } : {}),
  });
  if (!tokens.id_token) throw new Error('no id_token');
  return tokens.id_token;
}
