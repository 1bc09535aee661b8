import { describe, expect, it } from 'vitest';
import { TestCookieJar } from './test-cookie-jar.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const at = (href: string) => new URL(href);

describe('TestCookieJar', () => {
  it('sends a cookie only under its path and only to its host', () => {
    const jar = new TestCookieJar();
    jar.store(at('http://127.0.0.1:1/auth'), ['i=1; path=/interaction/abc; httponly'], NOW);

    expect(jar.header(at('http://127.0.0.1:1/interaction/abc'), NOW)).toBe('i=1');
    expect(jar.header(at('http://127.0.0.1:1/interaction/abc/login'), NOW)).toBe('i=1');
    expect(jar.header(at('http://127.0.0.1:1/interaction/abcd'), NOW)).toBeUndefined();
    expect(jar.header(at('http://127.0.0.1:2/interaction/abc'), NOW)).toBeUndefined();
  });

  it('defaults the path to the directory of the request and orders longer paths first', () => {
    const jar = new TestCookieJar();
    jar.store(at('http://h/a/b/page'), ['deep=1'], NOW);
    jar.store(at('http://h/'), ['root=1; Path=/'], NOW);

    expect(jar.header(at('http://h/a/b/other'), NOW)).toBe('deep=1; root=1');
    expect(jar.header(at('http://h/a/other'), NOW)).toBe('root=1');
  });

  it('drops a cookie that is cleared or has expired', () => {
    const jar = new TestCookieJar();
    jar.store(at('http://h/'), ['a=1; Path=/', 'b=2; Path=/; Max-Age=10'], NOW);
    jar.store(at('http://h/'), ['a=; Path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT'], NOW);

    expect(jar.header(at('http://h/'), NOW)).toBe('b=2');
    expect(jar.header(at('http://h/'), NOW + 11_000)).toBeUndefined();
  });
});
