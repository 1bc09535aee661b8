// TEST TOOLING — never used by production code. Completes RP-initiated logout in a test browser:
// open the end_session URL, confirm on the provider's logout page ("Sign out"), and follow the
// redirects to the client's post_logout_redirect_uri. Uses the browser that signed in, since the
// provider session to end lives in that browser's cookies.
import { requireRedirect, stopAtUrl, type TestBrowser } from './test-browser.js';
import { parsePostForms } from './test-html-form.js';

const LOGOUT_FORM_ID = 'op.logoutForm';

/** Resolves to the post_logout_redirect_uri URL reached (with `state` when one was sent). */
export async function logoutThroughForm(browser: TestBrowser, endSessionUrl: string): Promise<string> {
  const postLogoutRedirectUri = new URL(endSessionUrl).searchParams.get('post_logout_redirect_uri');
  if (postLogoutRedirectUri === null) throw new Error('the end_session URL has no post_logout_redirect_uri');
  const stopAt = stopAtUrl(postLogoutRedirectUri);

  const opened = await browser.get(endSessionUrl, stopAt);
  if (opened.kind === 'stopped') return opened.url;
  const form = parsePostForms(opened.html, opened.url).find((candidate) => candidate.id === LOGOUT_FORM_ID);
  if (form === undefined) return requireRedirect(opened, 'before the logout confirmation');

  const fields = new URLSearchParams(form.hiddenFields);
  fields.set('logout', 'yes');
  return requireRedirect(await browser.postForm(form.action, fields, stopAt), 'after confirming logout');
}
