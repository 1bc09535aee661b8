// Validation of a rule's L7 HTTP match (calico-semantics §2.4): methods and paths, and the rule
// shapes HTTP matching is allowed on (ingress, Allow, TCP).

import type { HttpMatch, HttpPathMatch, Rule } from './types.js';
import type { Path } from './issues.js';
import { compact, type Reader } from './reader.js';
import { protocolNumber } from './ports.js';
import type { RuleContext } from './rule-context.js';

export const MAX_HTTP_MATCHES = 20;

const HTTP_PATH_FORBIDDEN = /[?# ]/;

function readHttpPath(r: Reader, value: unknown, path: Path): HttpPathMatch | undefined {
  const raw = r.object(value, path, ['exact', 'prefix']);
  if (raw === undefined) return r.fail(path, 'an HTTP path match must set exact or prefix');
  const match = compact<HttpPathMatch>({
    exact: r.string(raw.exact, [...path, 'exact']),
    prefix: r.string(raw.prefix, [...path, 'prefix']),
  });
  const set = (['exact', 'prefix'] as const).filter((k) => match[k] !== undefined);
  if (set.length !== 1) return r.fail(path, 'an HTTP path match must set exactly one of exact or prefix');
  const key = set[0]!;
  const text = match[key]!;
  if (!text.startsWith('/')) r.fail([...path, key], `HTTP path "${text}" must start with "/"`);
  if (HTTP_PATH_FORBIDDEN.test(text))
    r.fail([...path, key], `HTTP path "${text}" may not contain "?", "#" or spaces`);
  return match;
}

export function readHttp(r: Reader, value: unknown, path: Path): HttpMatch | undefined {
  const raw = r.object(value, path, ['methods', 'paths']);
  if (raw === undefined) return undefined;
  const methods = r.stringList(raw.methods, [...path, 'methods'], MAX_HTTP_MATCHES);
  r.uniqueStrings(methods, [...path, 'methods'], 'HTTP method');
  return compact<HttpMatch>({
    methods,
    paths: r.list(raw.paths, [...path, 'paths'], MAX_HTTP_MATCHES, (v, p) => readHttpPath(r, v, p)),
  });
}

export function checkHttp(r: Reader, path: Path, rule: Rule, ctx: RuleContext): void {
  const httpPath = [...path, 'http'];
  if (ctx.direction === 'egress') r.fail(httpPath, 'http matches are only supported on ingress rules');
  if (rule.action !== undefined && rule.action !== 'Allow')
    r.fail(httpPath, 'http matches are only allowed on Allow rules');
  if (rule.protocol !== undefined && protocolNumber(rule.protocol) !== 6) {
    r.fail(httpPath, 'http matches require protocol TCP (or no protocol)');
  }
}
