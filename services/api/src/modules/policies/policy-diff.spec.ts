import { validateResource, type PolicyResource } from '@palisade/policy';
import { describe, expect, it } from 'vitest';
import { fieldChanges, unifiedDiff } from './policy-diff.js';

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
});

describe('unifiedDiff', () => {
  it('prints hunks with context over the canonical YAML', () => {
    const d = unifiedDiff(policy([80]), policy([443]), { from: 'a', to: 'b' });
    const lines = d.split('\n');
    expect(lines.slice(0, 2)).toEqual(['--- a', '+++ b']);
    expect(lines[2]).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    expect(lines.filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual(['-          - 80']);
    expect(lines.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual(['+          - 443']);
  });

  it('is empty for equal documents; a creation is all additions from line 0', () => {
    expect(unifiedDiff(policy([80]), policy([80]), { from: 'a', to: 'b' })).toBe('');
    const created = unifiedDiff(null, policy([80]), { from: 'a', to: 'b' }).split('\n');
    expect(created[2]).toMatch(/^@@ -0,0 \+1,\d+ @@$/);
    expect(
      created
        .slice(3)
        .filter((l) => l !== '')
        .every((l) => l.startsWith('+')),
    ).toBe(true);
  });
});
