// Label restrictions (calico-semantics §1.5): per label, what any matching label map must satisfy.
// They are a sound over-approximation used to index endpoints by selector; an empty result means
// "no restriction known", never "matches nothing".

import type { SelectorNode } from './ast.js';

export interface LabelRestriction {
  mustBePresent: boolean;
  mustBeAbsent: boolean;
  /** Undefined = any value; an empty set = no value can satisfy the selector. */
  mustHaveOneOf?: ReadonlySet<string>;
}

export type LabelRestrictions = ReadonlyMap<string, LabelRestriction>;

const EMPTY: LabelRestrictions = new Map();

function present(label: string, values?: Iterable<string>): LabelRestrictions {
  const r: LabelRestriction = { mustBePresent: true, mustBeAbsent: false };
  if (values !== undefined) r.mustHaveOneOf = new Set(values);
  return new Map([[label, r]]);
}

function intersect(
  a: ReadonlySet<string> | undefined,
  b: ReadonlySet<string> | undefined,
): ReadonlySet<string> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return new Set([...a].filter((v) => b.has(v)));
}

function both(a: LabelRestriction, b: LabelRestriction): LabelRestriction {
  const out: LabelRestriction = {
    mustBePresent: a.mustBePresent || b.mustBePresent,
    mustBeAbsent: a.mustBeAbsent || b.mustBeAbsent,
  };
  const oneOf = intersect(a.mustHaveOneOf, b.mustHaveOneOf);
  if (oneOf !== undefined) out.mustHaveOneOf = oneOf;
  return out;
}

function either(a: LabelRestriction, b: LabelRestriction): LabelRestriction | undefined {
  const out: LabelRestriction = {
    mustBePresent: a.mustBePresent && b.mustBePresent,
    mustBeAbsent: a.mustBeAbsent && b.mustBeAbsent,
  };
  if (a.mustHaveOneOf !== undefined && b.mustHaveOneOf !== undefined)
    out.mustHaveOneOf = new Set([...a.mustHaveOneOf, ...b.mustHaveOneOf]);
  return out.mustBePresent || out.mustBeAbsent || out.mustHaveOneOf !== undefined ? out : undefined;
}

function and(parts: readonly LabelRestrictions[]): LabelRestrictions {
  const out = new Map<string, LabelRestriction>();
  for (const part of parts) {
    for (const [label, r] of part) {
      const prev = out.get(label);
      out.set(label, prev === undefined ? r : both(prev, r));
    }
  }
  return out;
}

function or(parts: readonly LabelRestrictions[]): LabelRestrictions {
  const [first, ...rest] = parts;
  if (first === undefined) return EMPTY;
  const out = new Map<string, LabelRestriction>();
  for (const [label, r] of first) {
    let acc: LabelRestriction | undefined = r;
    for (const part of rest) {
      const other = part.get(label);
      acc = other === undefined || acc === undefined ? undefined : either(acc, other);
    }
    if (acc !== undefined) out.set(label, acc);
  }
  return out;
}

export function labelRestrictions(node: SelectorNode): LabelRestrictions {
  switch (node.kind) {
    case 'eq':
      return present(node.label, [node.value]);
    case 'in':
      return present(node.label, node.values);
    case 'has':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return present(node.label);
    case 'not':
      return node.operand.kind === 'has'
        ? new Map([[node.operand.label, { mustBePresent: false, mustBeAbsent: true }]])
        : EMPTY;
    case 'and':
      return and(node.operands.map(labelRestrictions));
    case 'or':
      return or(node.operands.map(labelRestrictions));
    default:
      return EMPTY;
  }
}
