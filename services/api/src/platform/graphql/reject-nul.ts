// Text with a NUL character (U+0000) cannot be stored or even compared by PostgreSQL: the driver
// refuses it, which used to surface as INTERNAL. This pre-execution check refuses such a request as
// a whole before any resolver (or guard) runs, naming the argument that carries it, whether the text
// is written inline or passed in a variable.
import { type DocumentNode, Kind, type ValueNode, visit } from 'graphql';
import { AppError, type FieldIssue } from '../errors/app-error.js';

const NUL = '\u0000';
const MESSAGE = 'must not contain the NUL character (U+0000)';

export function nulIssues(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const scanValue = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string') {
      if (value.includes(NUL)) issues.push({ path, message: MESSAGE });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => scanValue(v, [...path, i]));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) scanValue(v, [...path, k]);
    }
  };
  const scanNode = (node: ValueNode, path: (string | number)[]): void => {
    switch (node.kind) {
      case Kind.VARIABLE:
        return scanValue(variables?.[node.name.value], path);
      case Kind.STRING:
        return scanValue(node.value, path);
      case Kind.LIST:
        return node.values.forEach((v, i) => scanNode(v, [...path, i]));
      case Kind.OBJECT:
        return node.fields.forEach((f) => scanNode(f.value, [...path, f.name.value]));
      default:
        return;
    }
  };
  visit(document, {
    Argument(node) {
      scanNode(node.value, [node.name.value]);
    },
  });
  return issues;
}

/** Mercurius preExecution hook: throws VALIDATION_FAILED when an argument carries a NUL. */
export function rejectNul(
  _schema: unknown,
  document: DocumentNode,
  _context: unknown,
  variables?: Record<string, unknown>,
): Promise<void> {
  const issues = nulIssues(document, variables);
  return issues.length > 0 ? Promise.reject(AppError.validation(issues)) : Promise.resolve();
}
