// Reads a cluster description from YAML text: syntax, then structure (cluster-spec.ts), then the
// cross-field rules (check-cluster-spec.ts), each problem placed at its line. Throws one
// ClusterSpecError listing everything wrong; returns a spec with every default filled in.

import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkClusterSpec } from './check-cluster-spec.js';
import { clusterSpecSchema, type ClusterSpec } from './cluster-spec.js';
import { ClusterSpecError, issueAt, type SpecIssue } from './spec-error.js';

/** `source` names the text in messages, usually its file path. */
export function parseClusterSpec(text: string, source = 'cluster.yaml'): ClusterSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ClusterSpecError(
      source,
      doc.errors.map((e): SpecIssue => {
        const position = lines.linePos(e.pos[0]);
        return {
          path: '',
          message: e.message.split('\n')[0] ?? e.code,
          line: position.line,
          column: position.col,
        };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ClusterSpecError(source, [
      { path: '', message: error instanceof Error ? error.message : String(error), line: null, column: null },
    ]);
  }
  const parsed = clusterSpecSchema.safeParse(value);
  if (!parsed.success) {
    throw new ClusterSpecError(
      source,
      parsed.error.issues.map((i) => zodIssue(i, doc.contents, lines)),
    );
  }
  const problems = checkClusterSpec(parsed.data);
  if (problems.length > 0) {
    throw new ClusterSpecError(
      source,
      problems.map((p) => issueAt(p.path, p.message, doc.contents, lines)),
    );
  }
  return parsed.data;
}

function zodIssue(
  issue: z.core.$ZodIssue,
  root: Parameters<typeof issueAt>[2],
  lines: LineCounter,
): SpecIssue {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return issueAt(
      [...path, issue.keys[0] ?? ''],
      `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`,
      root,
      lines,
      true,
    );
  }
  return issueAt(path, readable(issue), root, lines);
}

function readable(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return /received undefined$/.test(issue.message) ? 'is required' : `must be ${article(issue.expected)}`;
  }
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_union') return 'must be a port number or a port name';
  return issue.message;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
