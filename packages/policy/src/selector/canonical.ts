// Prints the canonical form of a selector (calico-semantics §1.4): two selectors are the same iff
// their canonical strings are equal, and the selector UID hashes this string. Hand-built trees are
// normalised while printing (flattened junctions, sorted sets) so that printing is idempotent under
// re-parsing. One deliberate departure: a `!` directly applied to another `!` node is printed as
// `!(!x)` because Calico's `!!x` would re-parse with the negations cancelled.

import { junction, sortedUnique, type SelectorNode } from './ast.js';
import { parseSelector } from './parser.js';
import { SelectorSyntaxError } from './syntax-error.js';

const OPERATOR_TEXT = {
  eq: '==',
  neq: '!=',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  in: 'in',
  notIn: 'not in',
} as const;

function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

export function canonicalSelector(node: SelectorNode): string {
  switch (node.kind) {
    case 'all':
      return 'all()';
    case 'global':
      return 'global()';
    case 'has':
      return `has(${node.label})`;
    case 'eq':
    case 'neq':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return `${node.label} ${OPERATOR_TEXT[node.kind]} ${quote(node.value)}`;
    case 'in':
    case 'notIn':
      return `${node.label} ${OPERATOR_TEXT[node.kind]} {${sortedUnique(node.values).map(quote).join(', ')}}`;
    case 'not': {
      const inner = canonicalSelector(node.operand);
      return inner.startsWith('!') ? `!(${inner})` : `!${inner}`;
    }
    case 'and':
    case 'or': {
      const flat = junction(node.kind, node.operands);
      if (flat.kind !== node.kind) return canonicalSelector(flat);
      if (flat.operands.length === 0) return node.kind === 'and' ? 'all()' : '!all()';
      const sep = node.kind === 'and' ? ' && ' : ' || ';
      return `(${flat.operands.map(canonicalSelector).join(sep)})`;
    }
  }
}

/** Trims, parses and prints canonically; returns the input unchanged when it does not parse. */
export function normaliseSelector(input: string): string {
  try {
    return canonicalSelector(parseSelector(input.trim()));
  } catch (err) {
    if (err instanceof SelectorSyntaxError) return input;
    throw err;
  }
}
