// Structural rewrites used when compiling policy selectors (calico-semantics §1.6): prefixing label
// keys (`pcns.`, `pcsa.`) and substituting `all()`. They return new trees and never mutate input.

import { junction, type SelectorNode } from './ast.js';

function mapTree(node: SelectorNode, leaf: (n: SelectorNode) => SelectorNode): SelectorNode {
  switch (node.kind) {
    case 'not':
      return { kind: 'not', operand: mapTree(node.operand, leaf) };
    case 'and':
    case 'or':
      return junction(
        node.kind,
        node.operands.map((op) => mapTree(op, leaf)),
      );
    default:
      return leaf(node);
  }
}

/** Prefixes the label key of every label-bearing node (`==, !=, in, not in, has, contains, …`). */
export function prefixSelectorLabels(node: SelectorNode, prefix: string): SelectorNode {
  return mapTree(node, (n) => ('label' in n ? { ...n, label: prefix + n.label } : n));
}

/** Replaces every `all()` with `replacement` (the textual `all()` substitution of §1.6). */
export function replaceAll(node: SelectorNode, replacement: SelectorNode): SelectorNode {
  return mapTree(node, (n) => (n.kind === 'all' ? replacement : n));
}

export function containsGlobal(node: SelectorNode): boolean {
  switch (node.kind) {
    case 'global':
      return true;
    case 'not':
      return containsGlobal(node.operand);
    case 'and':
    case 'or':
      return node.operands.some(containsGlobal);
    default:
      return false;
  }
}
