import { describe, expect, it } from 'vitest';
import { validateResource } from '../resources/validate.js';
import type { PolicyResource } from '../resources/types.js';
import { documentUnifiedDiff, fieldChanges, foldContext, lineDiff, unifiedDiff } from './document-diff.js';

function policy(ports: number[], extra: Record<string, unknown> = {}): PolicyResource {
  const r = validateResource({
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    metadata: { name: 'p', ...extra },
    spec: { selector: 'all()', ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports } }] },
  });
  if (!r.resource) throw new Error(JSON.stringify(r.errors));
  return r.resource;
}

describe('fieldChanges', () => {
  it('names changed, added and removed fields by their printed path', () => {
    expect(fieldChanges(policy([80]), policy([81, 82], { labels: { a: 'b' } }))).toEqual([
      { path: 'metadata.labels.a', op: 'added', after: 'b' },
      { path: 'spec.ingress[0].destination.ports[0]', op: 'changed', before: 80, after: 81 },
      { path: 'spec.ingress[0].destination.ports[1]', op: 'added', after: 82 },
    ]);
    expect(fieldChanges(policy([81, 82]), policy([81]))).toEqual([
      { path: 'spec.ingress[0].destination.ports[1]', op: 'removed', before: 82 },
    ]);
  });

  it('is empty for equal documents and whole-object for creation and deletion', () => {
    expect(fieldChanges(policy([80]), policy([80]))).toEqual([]);
    expect(fieldChanges(null, policy([80]))).toEqual([{ path: '', op: 'added', after: policy([80]) }]);
    expect(fieldChanges(policy([80]), null)).toEqual([{ path: '', op: 'removed', before: policy([80]) }]);
  });

  it('in owned mode ignores what only the other side sets, but compares lists whole', () => {
    const desired = { metadata: { labels: { a: '1' } }, spec: { ports: [80], mode: 'x' } };
    const found = {
      metadata: { labels: { a: '1', added: 'by-someone' } },
      spec: { ports: [80], mode: 'x', status: 1 },
    };
    expect(fieldChanges(desired, found, { compare: 'owned' })).toEqual([]);
    expect(fieldChanges(desired, { ...found, spec: { ports: [80, 443] } }, { compare: 'owned' })).toEqual([
      { path: 'spec.mode', op: 'removed', before: 'x' },
      { path: 'spec.ports', op: 'changed', before: [80], after: [80, 443] },
    ]);
    const annotated = { metadata: { annotations: { 'palisade.io/drift-mode': 'report' } } };
    expect(
      fieldChanges(
        annotated,
        { metadata: { annotations: { 'palisade.io/drift-mode': 'revert' } } },
        { compare: 'owned' },
      ),
    ).toEqual([
      {
        path: 'metadata.annotations["palisade.io/drift-mode"]',
        op: 'changed',
        before: 'report',
        after: 'revert',
      },
    ]);
  });
});

describe('lineDiff', () => {
  it('keeps common lines and marks the rest', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'b' },
      { kind: 'add', text: 'x' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'd' },
    ]);
  });

  it('handles empty sides', () => {
    expect(lineDiff('', 'a')).toEqual([{ kind: 'add', text: 'a' }]);
    expect(lineDiff('a', '')).toEqual([{ kind: 'del', text: 'a' }]);
    expect(lineDiff('', '')).toEqual([]);
  });

  it('folds long unchanged runs', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${String(i)}`).join('\n');
    const after = before.replace('l10', 'L10');
    const folded = foldContext(lineDiff(before, after), 2);
    expect(folded[0]).toEqual({ kind: 'gap', text: '… 8 unchanged lines' });
    expect(folded.filter((l) => l.kind !== 'gap').map((l) => l.text)).toEqual([
      'l8',
      'l9',
      'l10',
      'L10',
      'l11',
      'l12',
    ]);
    expect(folded.at(-1)).toEqual({ kind: 'gap', text: '… 7 unchanged lines' });
  });
});

describe('unifiedDiff', () => {
  it('prints hunks with context over the canonical YAML', () => {
    const d = documentUnifiedDiff(policy([80]), policy([443]), { from: 'a', to: 'b' });
    const lines = d.split('\n');
    expect(lines.slice(0, 2)).toEqual(['--- a', '+++ b']);
    expect(lines[2]).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    expect(lines.filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual(['-          - 80']);
    expect(lines.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual(['+          - 443']);
  });

  it('is empty for equal documents; a creation is all additions from line 0', () => {
    expect(documentUnifiedDiff(policy([80]), policy([80]), { from: 'a', to: 'b' })).toBe('');
    const created = documentUnifiedDiff(null, policy([80]), { from: 'a', to: 'b' }).split('\n');
    expect(created[2]).toMatch(/^@@ -0,0 \+1,\d+ @@$/);
    expect(
      created
        .slice(3)
        .filter((l) => l !== '')
        .every((l) => l.startsWith('+')),
    ).toBe(true);
  });

  it('splits distant changes into separate hunks with their line numbers', () => {
    const before = Array.from({ length: 30 }, (_, i) => `l${String(i + 1)}`).join('\n') + '\n';
    const after = before.replace('l2\n', 'L2\n').replace('l28\n', 'L28\n');
    expect(unifiedDiff(before, after, { from: 'a', to: 'b' }, 1)).toBe(
      [
        '--- a',
        '+++ b',
        '@@ -1,3 +1,3 @@',
        ' l1',
        '-l2',
        '+L2',
        ' l3',
        '@@ -27,3 +27,3 @@',
        ' l27',
        '-l28',
        '+L28',
        ' l29',
        '',
      ].join('\n'),
    );
  });
});
