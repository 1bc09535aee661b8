// TEST TOOLING — never used by production code. A fetch-based stand-in for a browser: it keeps
// cookies across navigations, follows redirects by hand (303 and POST-after-302 become GET, as
// browsers do) and stops as soon as a redirect points at a URL the caller claims, typically the
// relying party's redirect_uri, so the test decides what happens with the code.
import { TestCookieJar } from './test-cookie-jar.js';
import { pageAlert } from './test-html-form.js';

const MAX_REDIRECTS = 20;

/** Decides where navigation stops without requesting the URL (the relying party's side). */
export type StopAt = (url: URL) => boolean;

export type Landing =
  | { readonly kind: 'stopped'; readonly url: string }
  | { readonly kind: 'page'; readonly url: string; readonly status: number; readonly html: string };

interface Step {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly body?: URLSearchParams;
}

/** Stops at `target` itself, whatever its query string: where a redirect_uri is reached. */
export function stopAtUrl(target: string): StopAt {
  const { origin, pathname } = new URL(target);
  return (url) => url.origin === origin && url.pathname === pathname;
}

/** The URL navigation stopped at, or an error naming the page it ended on instead (and its alert). */
export function requireRedirect(landing: Landing, stage: string): string {
  if (landing.kind === 'stopped') return landing.url;
  const alert = pageAlert(landing.html);
  const detail = alert === undefined ? '' : ` — ${alert}`;
  throw new Error(`expected a redirect ${stage}, got HTTP ${landing.status} at ${landing.url}${detail}`);
}

export class TestBrowser {
  readonly cookies = new TestCookieJar();

  async get(url: string, stopAt: StopAt = () => false): Promise<Landing> {
    return this.#navigate({ url: new URL(url), method: 'GET' }, stopAt);
  }

  async postForm(url: string, fields: URLSearchParams, stopAt: StopAt = () => false): Promise<Landing> {
    return this.#navigate({ url: new URL(url), method: 'POST', body: fields }, stopAt);
  }

  async #navigate(first: Step, stopAt: StopAt): Promise<Landing> {
    let step = first;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      if (stopAt(step.url)) return { kind: 'stopped', url: step.url.href };
      const response = await this.#send(step);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) {
        return { kind: 'page', url: step.url.href, status: response.status, html: await response.text() };
      }
      await response.body?.cancel();
      const keepsMethod = response.status === 307 || response.status === 308;
      step = keepsMethod
        ? { ...step, url: new URL(location, step.url) }
        : { url: new URL(location, step.url), method: 'GET' };
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects starting at ${first.url.href}`);
  }

  async #send(step: Step): Promise<Response> {
    const headers = new Headers({ accept: 'text/html' });
    const cookie = this.cookies.header(step.url);
    if (cookie !== undefined) headers.set('cookie', cookie);
    const init: RequestInit = { method: step.method, headers, redirect: 'manual' };
    if (step.body !== undefined) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      init.body = step.body.toString();
    }
    const response = await fetch(step.url, init);
    this.cookies.store(step.url, response.headers.getSetCookie());
    return response;
  }
}
