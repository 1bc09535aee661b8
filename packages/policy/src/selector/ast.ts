// The selector AST shared by the parser, printer, evaluators and rewriters. Invariants the parser
// guarantees (and the printer re-establishes for hand-built trees): `in`/`notIn` values are sorted
// by UTF-8 byte order and de-duplicated; `and`/`or` are flattened and have at least two operands.

export type SelectorNode =
  | { kind: 'all' }
  | { kind: 'global' }
  | { kind: 'has'; label: string }
  | { kind: 'eq' | 'neq' | 'contains' | 'startsWith' | 'endsWith'; label: string; value: string }
  | { kind: 'in' | 'notIn'; label: string; values: readonly string[] }
  | { kind: 'not'; operand: SelectorNode }
  | { kind: 'and' | 'or'; operands: readonly SelectorNode[] };

export type ComparisonKind = 'eq' | 'neq' | 'contains' | 'startsWith' | 'endsWith';
export type SetKind = 'in' | 'notIn';

export type LabelMap = ReadonlyMap<string, string>;

/** Orders strings by their UTF-8 bytes (= code point order), as Calico's Go string sort does. */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export function sortedUnique(values: Iterable<string>): readonly string[] {
  return [...new Set(values)].sort(compareBytes);
}

/** Builds an n-ary and/or node, inlining nested nodes of the same kind; one operand stands alone. */
export function junction(kind: 'and' | 'or', operands: readonly SelectorNode[]): SelectorNode {
  const flat: SelectorNode[] = [];
  const visit = (op: SelectorNode): void => {
    // A nested junction is normalised first, so one that collapses to a single operand of this
    // kind (e.g. `or[and[a, b]]` inside an `and`) is flattened too, as re-parsing would.
    const normal = op.kind === 'and' || op.kind === 'or' ? junction(op.kind, op.operands) : op;
    if (normal.kind === kind) flat.push(...normal.operands);
    else flat.push(normal);
  };
  operands.forEach(visit);
  if (flat.length === 1) return flat[0]!;
  return { kind, operands: flat };
}
