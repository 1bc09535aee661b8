// Errors in a cluster description, each with the path of the bad field and, when the text is at
// hand, the line and column it sits on. One error carries every problem found, so a user fixes a
// file in one pass rather than one complaint at a time.

import { formatPath } from '@palisade/protocol';
import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export type SpecPath = readonly (string | number)[];

export interface SpecIssue {
  /** e.g. `workloads[2].replicas`; empty for the document as a whole. */
  readonly path: string;
  readonly message: string;
  readonly line: number | null;
  readonly column: number | null;
}

export class ClusterSpecError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly SpecIssue[],
  ) {
    super(
      `${source} is not a valid cluster description:\n${issues.map((i) => `  ${describeIssue(source, i)}`).join('\n')}`,
    );
    this.name = 'ClusterSpecError';
  }
}

export function describeIssue(source: string, issue: SpecIssue): string {
  const where = issue.line === null ? source : `${source}:${String(issue.line)}:${String(issue.column ?? 1)}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}

/**
 * Places `path` in the YAML text: the node it names, or its nearest existing ancestor. With `atKey`,
 * the last segment's key rather than its value (an unknown field is wrong by its name).
 */
export function locate(
  root: Node | null,
  lines: LineCounter,
  path: SpecPath,
  atKey = false,
): { line: number; column: number } | null {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      const keyOffset = key.range?.[0] ?? offset;
      offset =
        isScalar(value) && value.range && !(atKey && index === path.length - 1) ? value.range[0] : keyOffset;
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item?.range) break;
      offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  if (offset === undefined) return null;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

export function issueAt(
  path: SpecPath,
  message: string,
  root: Node | null,
  lines: LineCounter,
  atKey = false,
): SpecIssue {
  const position = locate(root, lines, path, atKey);
  return { path: formatPath(path), message, line: position?.line ?? null, column: position?.column ?? null };
}
