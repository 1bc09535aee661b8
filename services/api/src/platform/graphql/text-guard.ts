// Checks a GraphQL request's text before graphql-js parses it. The parser recurses once per nesting
// level, so 20,000 nested braces used to overflow the stack and leak "Maximum call stack size
// exceeded" to the client (issue 20). This scan is iterative and linear: it counts the brackets,
// braces and parentheses open at once, skipping strings and comments, and refuses the request above
// GRAPHQL_LIMITS.maxTextNesting. It also refuses a query sent as JSON: Mercurius would take that
// as a pre-parsed AST and hand graphql-js an object of any shape; our clients always send text.
import { GRAPHQL_LIMITS } from '../../config/limits.js';
import { AppError } from '../errors/app-error.js';

const OPEN = new Set(['{', '[', '(']);
const CLOSE = new Set(['}', ']', ')']);

/** The deepest nesting of brackets in `source`, ignoring strings, block strings and comments. */
export function textNesting(source: string): number {
  let depth = 0;
  let max = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      // A block string ends at the first unescaped """ (\""" is an escaped one).
      let j = end;
      while (j > 0 && source[j - 1] === '\\') j = source.indexOf('"""', j + 3);
      i = j < 0 ? source.length : j + 3;
      continue;
    } else if (c === '"') {
      i++;
      while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
    } else if (OPEN.has(c)) {
      depth++;
      if (depth > max) max = depth;
    } else if (CLOSE.has(c)) {
      depth = Math.max(0, depth - 1);
    }
    i++;
  }
  return max;
}

function looksLikeJson(source: string): boolean {
  try {
    JSON.parse(source);
    return true;
  } catch {
    return false;
  }
}

/** Throws BAD_REQUEST when `source` is nested too deeply or is JSON rather than GraphQL text. */
export function guardQueryText(source: string): void {
  const nesting = textNesting(source);
  if (nesting > GRAPHQL_LIMITS.maxTextNesting) {
    throw new AppError(
      'BAD_REQUEST',
      `query nests brackets ${nesting} deep, over the limit of ${GRAPHQL_LIMITS.maxTextNesting}`,
    );
  }
  // Only a text that starts like JSON can be JSON (a GraphQL document starts with a name, `{` or `#`).
  if (/^[\s\uFEFF,]*(?:[[\d"-]|\{[\s,]*["}]|null\b|true\b|false\b)/.test(source) && looksLikeJson(source)) {
    throw new AppError('BAD_REQUEST', 'the query must be GraphQL text');
  }
}

/** Mercurius preParsing hook (HTTP and subscriptions). */
export function guardQueryTextHook(_schema: unknown, source: string): Promise<void> {
  return Promise.resolve().then(() => guardQueryText(source));
}
