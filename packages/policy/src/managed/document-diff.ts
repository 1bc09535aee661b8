// What changed between two versions of a managed document, in the forms its readers need, built on
// the maintained `diff` package (Myers' algorithm) rather than a hand-written one:
// - fieldChanges: changed fields by printed path (`spec.ingress[0].action`), for revisions, audit
//   events and the agent's drift messages. `all` compares both sides whole; `owned` compares only
//   what the first side sets (an extra key on the second side is not a change, a list is compared
//   whole), which is how an agent tells drift from fields other controllers or defaults add;
// - lineDiff / foldContext: a line-by-line diff of two texts, for the console's diff view;
// - unifiedDiff / documentUnifiedDiff: a unified diff (`---`, `+++`, `@@` hunks) of two texts or of
//   two documents' canonical YAML, for the API's revision diff.
// Documents are small; past MAX_EDIT_LENGTH edits a diff degrades to "all removed, all added".
import { diffArrays, structuredPatch } from 'diff';
import { formatPath, type PathSegment } from '../resources/issues.js';
import type { PolicyResource } from '../resources/types.js';
import { stableStringify } from '../yaml/canonical-json.js';
import { toCanonicalYaml } from '../yaml/canonical-yaml.js';

/** Beyond this many inserted and removed lines, a diff stops looking for common lines. */
export const MAX_EDIT_LENGTH = 10_000;

export interface FieldChange {
  path: string;
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface FieldChangeOptions {
  /** `all` (default): both sides' fields. `owned`: the fields `before` sets; lists compared whole. */
  readonly compare?: 'all' | 'owned';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(a: unknown, b: unknown, path: PathSegment[], out: FieldChange[], owned: boolean): void {
  if (stableStringify(a) === stableStringify(b)) return;
  if (isObject(a) && isObject(b)) {
    const keys = owned ? Object.keys(a).sort() : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const p = [...path, k];
      if (!Object.hasOwn(b, k)) out.push({ path: formatPath(p), op: 'removed', before: a[k] });
      else if (!Object.hasOwn(a, k)) out.push({ path: formatPath(p), op: 'added', after: b[k] });
      else walk(a[k], b[k], p, out, owned);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && (!owned || a.length === b.length)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = [...path, i];
      if (i >= b.length) out.push({ path: formatPath(p), op: 'removed', before: a[i] });
      else if (i >= a.length) out.push({ path: formatPath(p), op: 'added', after: b[i] });
      else walk(a[i], b[i], p, out, owned);
    }
    return;
  }
  out.push({ path: formatPath(path), op: 'changed', before: a, after: b });
}

/** Field-level changes from `before` to `after`; either may be null (created / deleted). */
export function fieldChanges(
  before: unknown,
  after: unknown,
  options: FieldChangeOptions = {},
): FieldChange[] {
  if (before === null && after === null) return [];
  if (before === null) return [{ path: '', op: 'added', after }];
  if (after === null) return [{ path: '', op: 'removed', before }];
  const out: FieldChange[] = [];
  walk(before, after, [], out, options.compare === 'owned');
  return out;
}

export interface DiffLine {
  kind: 'same' | 'add' | 'del' | 'gap';
  text: string;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/** Every line of both texts, each marked same, add or del, in reading order. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const parts = diffArrays(a, b, { maxEditLength: MAX_EDIT_LENGTH });
  if (parts === undefined) {
    return [
      ...a.map((text): DiffLine => ({ kind: 'del', text })),
      ...b.map((text): DiffLine => ({ kind: 'add', text })),
    ];
  }
  return parts.flatMap((part) =>
    part.value.map((text): DiffLine => ({ kind: part.added ? 'add' : part.removed ? 'del' : 'same', text })),
  );
}

function gapLine(skipped: number): DiffLine {
  return { kind: 'gap', text: `… ${String(skipped)} unchanged line${skipped === 1 ? '' : 's'}` };
}

/** Keeps `context` unchanged lines around each change and folds each other run into one gap line. */
export function foldContext(lines: readonly DiffLine[], context: number): DiffLine[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((l, idx) => {
    if (l.kind === 'same') return;
    for (let k = Math.max(0, idx - context); k <= Math.min(lines.length - 1, idx + context); k++) {
      keep[k] = true;
    }
  });
  const out: DiffLine[] = [];
  let skipped = 0;
  lines.forEach((l, idx) => {
    if (keep[idx]) {
      if (skipped > 0) out.push(gapLine(skipped));
      skipped = 0;
      out.push(l);
    } else skipped++;
  });
  if (skipped > 0 && out.length > 0) out.push(gapLine(skipped));
  return out.length > 0 ? out : [...lines];
}

/** A unified diff of two texts with `context` lines around each change; '' when they are equal. */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { from: string; to: string },
  context = 3,
): string {
  if (before === after) return '';
  const patch = structuredPatch(labels.from, labels.to, before, after, undefined, undefined, {
    context,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  const hunks = patch?.hunks ?? [wholeHunk(splitLines(before), splitLines(after))];
  if (hunks.length === 0) return '';
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  for (const h of hunks) {
    // Unified diff numbers an empty side by the line before it: `-0,0` for a creation.
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out.push(`@@ -${String(oldStart)},${String(h.oldLines)} +${String(newStart)},${String(h.newLines)} @@`);
    out.push(...h.lines);
  }
  return `${out.join('\n')}\n`;
}

function wholeHunk(a: string[], b: string[]) {
  return {
    oldStart: 1,
    oldLines: a.length,
    newStart: 1,
    newLines: b.length,
    lines: [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)],
  };
}

/** The canonical YAML of a document; '' for none. */
export function documentText(doc: PolicyResource | null): string {
  return doc === null ? '' : toCanonicalYaml([doc]);
}

/** A unified diff of two documents' canonical YAML; '' when they are equal. */
export function documentUnifiedDiff(
  before: PolicyResource | null,
  after: PolicyResource | null,
  labels: { from: string; to: string },
  context = 3,
): string {
  return unifiedDiff(documentText(before), documentText(after), labels, context);
}
