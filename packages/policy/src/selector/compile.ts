// Compiles a selector into a tree of closures so that matching an endpoint allocates nothing and
// does no dispatch on node kinds. Labels are a Map, so keys such as "__proto__" need no care here.

import type { LabelMap, SelectorNode } from './ast.js';

export type LabelMatcher = (labels: LabelMap) => boolean;

const always: LabelMatcher = () => true;
const never: LabelMatcher = () => false;

function compileSet(label: string, values: readonly string[], negate: boolean): LabelMatcher {
  if (values.length === 0) return negate ? always : never;
  if (values.length === 1) {
    const only = values[0]!;
    return negate ? (l) => l.get(label) !== only : (l) => l.get(label) === only;
  }
  const set: ReadonlySet<string> = new Set(values);
  return negate
    ? (l) => {
        const v = l.get(label);
        return v === undefined || !set.has(v);
      }
    : (l) => {
        const v = l.get(label);
        return v !== undefined && set.has(v);
      };
}

function compileAnd(parts: readonly LabelMatcher[]): LabelMatcher {
  if (parts.length === 0) return always;
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [a, b] = parts as [LabelMatcher, LabelMatcher];
    return (l) => a(l) && b(l);
  }
  return (l) => {
    for (const p of parts) if (!p(l)) return false;
    return true;
  };
}

function compileOr(parts: readonly LabelMatcher[]): LabelMatcher {
  if (parts.length === 0) return never;
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [a, b] = parts as [LabelMatcher, LabelMatcher];
    return (l) => a(l) || b(l);
  }
  return (l) => {
    for (const p of parts) if (p(l)) return true;
    return false;
  };
}

export function compileSelector(node: SelectorNode): LabelMatcher {
  switch (node.kind) {
    case 'all':
    case 'global':
      return always;
    case 'has': {
      const { label } = node;
      return (l) => l.has(label);
    }
    case 'eq': {
      const { label, value } = node;
      return (l) => l.get(label) === value;
    }
    case 'neq': {
      const { label, value } = node;
      return (l) => l.get(label) !== value;
    }
    case 'contains': {
      const { label, value } = node;
      return (l) => l.get(label)?.includes(value) ?? false;
    }
    case 'startsWith': {
      const { label, value } = node;
      return (l) => l.get(label)?.startsWith(value) ?? false;
    }
    case 'endsWith': {
      const { label, value } = node;
      return (l) => l.get(label)?.endsWith(value) ?? false;
    }
    case 'in':
      return compileSet(node.label, node.values, false);
    case 'notIn':
      return compileSet(node.label, node.values, true);
    case 'not': {
      if (node.operand.kind === 'not') return compileSelector(node.operand.operand);
      const inner = compileSelector(node.operand);
      return (l) => !inner(l);
    }
    case 'and':
      return compileAnd(node.operands.map(compileSelector));
    case 'or':
      return compileOr(node.operands.map(compileSelector));
  }
}
