// TEST TOOLING — never used by production code. Signs a user in through the dev provider's real
// HTML login form, the way a browser would: open the authorization URL, follow the redirects to the
// interaction page, fill in `email` and `password`, submit, and follow the redirects back until
// they reach the authorization request's redirect_uri. The relying party under test then handles
// that URL (code and state) exactly as it would from a browser.
import { requireRedirect, stopAtUrl, TestBrowser } from './test-browser.js';
import { parsePostForms, type HtmlForm } from './test-html-form.js';

export { TestBrowser } from './test-browser.js';

function redirectUriOf(authorizationUrl: string): string {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (redirectUri === null) throw new Error('the authorization URL has no redirect_uri parameter');
  return redirectUri;
}

function isLoginForm(form: HtmlForm): boolean {
  return form.fieldNames.has('email') && form.fieldNames.has('password');
}

/**
 * Resolves to the URL the provider finally redirects to at the redirect_uri: `?code=…&state=…&iss=…`
 * on success, or an OAuth error response the provider delivered to the client (`?error=…`).
 * Rejects when the flow ends on a page instead: a provider error page, or the form again after bad
 * credentials (the message then carries the page's alert, "Invalid email or password").
 * A fresh browser is used unless one is passed; passing one keeps the provider session, so a
 * second call with it is answered without the form (single sign-on), as a real browser would be.
 */
export async function loginThroughForm(
  authorizationUrl: string,
  email: string,
  password: string,
  browser: TestBrowser = new TestBrowser(),
): Promise<string> {
  const stopAt = stopAtUrl(redirectUriOf(authorizationUrl));
  const opened = await browser.get(authorizationUrl, stopAt);
  if (opened.kind === 'stopped') return opened.url;
  const form = parsePostForms(opened.html, opened.url).find(isLoginForm);
  if (form === undefined) return requireRedirect(opened, 'before the login form');

  const fields = new URLSearchParams(form.hiddenFields);
  fields.set('email', email);
  fields.set('password', password);
  return requireRedirect(
    await browser.postForm(form.action, fields, stopAt),
    'after submitting the login form',
  );
}
