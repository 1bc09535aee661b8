// Diffs between two versions of a resource, for revisions and audit events: a structured list of
// changed fields (dotted paths as @palisade/policy prints them) and a unified text diff of the
// canonical YAML. Pure functions. The line diff is a plain LCS table: documents are small (a policy
// is at most a few thousand lines), so O(n·m) is bounded and simpler than Myers.
import {
  formatPath,
  stableStringify,
  toCanonicalYaml,
  type PathSegment,
  type PolicyResource,
} from '@palisade/policy';

export interface FieldChange {
  path: string;
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const MAX_LCS_CELLS = 4_000_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(a: unknown, b: unknown, path: PathSegment[], out: FieldChange[]): void {
  if (stableStringify(a) === stableStringify(b)) return;
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const p = [...path, k];
      if (!Object.hasOwn(b, k)) out.push({ path: formatPath(p), op: 'removed', before: a[k] });
      else if (!Object.hasOwn(a, k)) out.push({ path: formatPath(p), op: 'added', after: b[k] });
      else walk(a[k], b[k], p, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = [...path, i];
      if (i >= b.length) out.push({ path: formatPath(p), op: 'removed', before: a[i] });
      else if (i >= a.length) out.push({ path: formatPath(p), op: 'added', after: b[i] });
      else walk(a[i], b[i], p, out);
    }
    return;
  }
  out.push({ path: formatPath(path), op: 'changed', before: a, after: b });
}

/** Field-level changes from `before` to `after` (either may be null: created / deleted). */
export function fieldChanges(before: PolicyResource | null, after: PolicyResource | null): FieldChange[] {
  if (before === null && after === null) return [];
  if (before === null) return [{ path: '', op: 'added', after }];
  if (after === null) return [{ path: '', op: 'removed', before }];
  const out: FieldChange[] = [];
  walk(before, after, [], out);
  return out;
}

function lines(doc: PolicyResource | null): string[] {
  if (doc === null) return [];
  const text = toCanonicalYaml([doc]);
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

type Op = { kind: ' ' | '-' | '+'; text: string };

function lineOps(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_LCS_CELLS) {
    return [
      ...a.map((text) => ({ kind: '-' as const, text })),
      ...b.map((text) => ({ kind: '+' as const, text })),
    ];
  }
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i]!;
    const next = table[i + 1]!;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i]! });
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) {
      ops.push({ kind: '-', text: a[i++]! });
    } else {
      ops.push({ kind: '+', text: b[j++]! });
    }
  }
  while (i < n) ops.push({ kind: '-', text: a[i++]! });
  while (j < m) ops.push({ kind: '+', text: b[j++]! });
  return ops;
}

/** A unified diff (3 lines of context) of the canonical YAML; '' when the documents are equal. */
export function unifiedDiff(
  before: PolicyResource | null,
  after: PolicyResource | null,
  labels: { from: string; to: string },
  context = 3,
): string {
  const a = lines(before);
  const b = lines(after);
  const ops = lineOps(a, b);
  if (ops.every((o) => o.kind === ' ')) return '';
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  // Positions (1-based) in a and b before each op, to number the hunks.
  const posA: number[] = [];
  const posB: number[] = [];
  let ia = 1;
  let ib = 1;
  for (const o of ops) {
    posA.push(ia);
    posB.push(ib);
    if (o.kind !== '+') ia++;
    if (o.kind !== '-') ib++;
  }
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.kind === ' ') k++;
    if (k >= ops.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    // Extend the hunk while the next change is within 2·context unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap]!.kind === ' ') gap++;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    const fromA = countA === 0 ? posA[start]! - 1 : posA[start]!;
    const fromB = countB === 0 ? posB[start]! - 1 : posB[start]!;
    out.push(`@@ -${fromA},${countA} +${fromB},${countB} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = stop;
  }
  return `${out.join('\n')}\n`;
}
