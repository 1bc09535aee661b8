// Reference evaluator: a direct reading of the truth table in calico-semantics §1.3. It is the
// oracle the fast compiled matcher is tested against, so it favours obviousness over speed.

import type { LabelMap, SelectorNode } from './ast.js';

export function evaluateSelector(node: SelectorNode, labels: LabelMap): boolean {
  switch (node.kind) {
    case 'all':
    case 'global':
      return true;
    case 'has':
      return labels.has(node.label);
    case 'not':
      return !evaluateSelector(node.operand, labels);
    case 'and':
      return node.operands.every((op) => evaluateSelector(op, labels));
    case 'or':
      return node.operands.some((op) => evaluateSelector(op, labels));
    default:
      break;
  }
  const value = labels.get(node.label);
  switch (node.kind) {
    case 'eq':
      return value === node.value;
    case 'neq':
      return value !== node.value;
    case 'contains':
      return value !== undefined && value.includes(node.value);
    case 'startsWith':
      return value !== undefined && value.startsWith(node.value);
    case 'endsWith':
      return value !== undefined && value.endsWith(node.value);
    case 'in':
      return value !== undefined && node.values.includes(value);
    case 'notIn':
      return value === undefined || !node.values.includes(value);
  }
}
