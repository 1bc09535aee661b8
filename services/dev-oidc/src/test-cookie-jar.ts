// TEST TOOLING — never used by production code. A minimal RFC 6265 cookie jar for driving the
// provider's browser-facing pages with fetch: host-only cookies, path matching, Max-Age/Expires
// and deletion. It ignores Domain and Secure (everything here is one loopback host over HTTP),
// which is why it must not be reused as a general-purpose jar.

interface StoredCookie {
  readonly host: string;
  readonly path: string;
  readonly name: string;
  readonly value: string;
  readonly expiresAt: number;
}

function defaultPath(url: URL): string {
  const lastSlash = url.pathname.lastIndexOf('/');
  return lastSlash <= 0 ? '/' : url.pathname.slice(0, lastSlash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

function parseSetCookie(url: URL, header: string, now: number): StoredCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const separator = pair.indexOf('=');
  if (separator <= 0) return undefined;
  let path = defaultPath(url);
  let expiresAt = Number.POSITIVE_INFINITY;
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'path' && value.startsWith('/')) path = value;
    if (key === 'expires' && expiresAt === Number.POSITIVE_INFINITY) expiresAt = Date.parse(value);
    if (key === 'max-age') expiresAt = now + Number(value) * 1000;
  }
  const name = pair.slice(0, separator).trim();
  return { host: url.host, path, name, value: pair.slice(separator + 1).trim(), expiresAt };
}

export class TestCookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  store(url: URL, setCookieHeaders: readonly string[], now: number = Date.now()): void {
    for (const header of setCookieHeaders) {
      const cookie = parseSetCookie(url, header, now);
      if (cookie === undefined) continue;
      const key = `${cookie.host} ${cookie.path} ${cookie.name}`;
      if (Number.isNaN(cookie.expiresAt) || cookie.expiresAt <= now) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The Cookie request header for `url`, longest paths first, or undefined when none apply. */
  header(url: URL, now: number = Date.now()): string | undefined {
    const matching = [...this.#cookies.values()]
      .filter((c) => c.host === url.host && c.expiresAt > now && pathMatches(url.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length === 0 ? undefined : matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }
}
