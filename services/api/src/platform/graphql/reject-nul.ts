// Text with a NUL character (U+0000) cannot be stored or even compared by PostgreSQL: the driver
// refuses it, which used to surface as INTERNAL. This pre-execution check refuses such a request as
// a whole before any resolver (or guard) runs, naming the argument that carries it, whether the text
// is written inline or passed in a variable. Both walks are iterative (an explicit stack), so no
// nesting of the value can overflow the call stack (issue 20); the path of a value is built only
// when it carries a NUL.
import { type DocumentNode, Kind, type ValueNode, visit } from 'graphql';
import { AppError, type FieldIssue } from '../errors/app-error.js';

const NUL = '\u0000';
const MESSAGE = 'must not contain the NUL character (U+0000)';

export function nulIssues(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // Each entry links to its parent, so a path is built only for a value that carries a NUL. `ast`
  // says whether `item` is a node of the document or a plain value from the variables.
  interface Entry {
    item: unknown;
    ast: boolean;
    key: string | number;
    parent: Entry | null;
  }
  const pathOf = (e: Entry): (string | number)[] => {
    const path: (string | number)[] = [];
    for (let at: Entry | null = e; at; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Entry[] = [];
  // Children are pushed last-first so that they are scanned, and reported, in document order.
  const pushAll = (items: [string | number, unknown][], ast: boolean, parent: Entry) => {
    for (let i = items.length - 1; i >= 0; i--) {
      const [key, item] = items[i] as [string | number, unknown];
      stack.push({ item, ast, key, parent });
    }
  };
  const scan = (): void => {
    for (let e = stack.pop(); e; e = stack.pop()) {
      const { item } = e;
      if (e.ast) {
        const node = item as ValueNode;
        if (node.kind === Kind.VARIABLE) stack.push({ ...e, item: variables?.[node.name.value], ast: false });
        else if (node.kind === Kind.STRING) stack.push({ ...e, item: node.value, ast: false });
        else if (node.kind === Kind.LIST)
          pushAll(
            node.values.map((v, i) => [i, v]),
            true,
            e,
          );
        else if (node.kind === Kind.OBJECT)
          pushAll(
            node.fields.map((f) => [f.name.value, f.value]),
            true,
            e,
          );
      } else if (typeof item === 'string') {
        if (item.includes(NUL)) issues.push({ path: pathOf(e), message: MESSAGE });
      } else if (Array.isArray(item)) {
        pushAll(
          item.map((v: unknown, i) => [i, v]),
          false,
          e,
        );
      } else if (item && typeof item === 'object') {
        pushAll(Object.entries(item), false, e);
      }
    }
  };
  visit(document, {
    Argument(node) {
      stack.push({ item: node.value, ast: true, key: node.name.value, parent: null });
      scan();
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
