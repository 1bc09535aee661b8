// Validation of selector-valued fields (§2.3, §2.4): every selector must parse; some fields must not
// use global(), and a rule namespaceSelector may use it only on its own.

import { parseSelector, SelectorSyntaxError, type SelectorNode } from '../selector/index.js';
import type { Path } from './issues.js';
import type { Reader } from './reader.js';

export const MAX_POLICY_SELECTOR_LENGTH = 1024;

export type GlobalRule = 'forbidden' | 'alone' | 'allowed';

export function readSelector(
  r: Reader,
  value: unknown,
  path: Path,
  globalRule: GlobalRule,
  maxLength = Infinity,
): string | undefined {
  const text = r.string(value, path);
  if (text === undefined) return undefined;
  if (text.length > maxLength) return r.fail(path, `selector must be at most ${maxLength} characters long`);
  let node: SelectorNode;
  try {
    node = parseSelector(text);
  } catch (err) {
    if (!(err instanceof SelectorSyntaxError)) throw err;
    const where = text.includes('\n')
      ? ' (selectors may not contain line breaks; use a plain or ">-" YAML scalar)'
      : '';
    return r.fail(path, `selector ${JSON.stringify(text)} does not parse: ${err.message}${where}`);
  }
  if (globalRule === 'forbidden' && text.includes('global(')) {
    return r.fail(path, 'global() may only be used in a rule namespaceSelector');
  }
  if (globalRule === 'alone' && text.includes('global(') && node.kind !== 'global') {
    return r.fail(path, 'a namespaceSelector that uses global() must be exactly "global()"');
  }
  return text;
}
