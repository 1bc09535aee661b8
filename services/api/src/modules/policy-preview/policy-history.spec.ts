// What was in force over a preview window (decision 0161), from the stored resources and their
// revisions: unchanged resources as stored, changed ones rolled back per segment, created ones
// absent before their creation, deleted ones present until their deletion.
import { fromStored } from '@palisade/policy/managed';
import { describe, expect, it } from 'vitest';
import type { RevisionRow } from './policy-preview.repository.js';
import { policyHistory, type Stored } from './policy-preview.service.js';

const H = 3600_000;
const NOW = Date.UTC(2026, 11, 6, 12);
const FROM = new Date(NOW - 24 * H);

function doc(name: string, selector: string, annotation?: string): Record<string, unknown> {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    metadata: {
      name,
      ...(annotation === undefined ? {} : { annotations: { 'palisade.io/cluster-selector': annotation } }),
    },
    spec: { selector, types: ['Ingress'] },
  };
}

function stored(...objects: Record<string, unknown>[]): Map<string, Stored> {
  return new Map(
    objects.map((o) => {
      const d = fromStored(o);
      return [
        `GlobalNetworkPolicy/${d.metadata.name}`,
        { doc: d, selector: '', kind: 'GlobalNetworkPolicy', name: d.metadata.name },
      ];
    }),
  );
}

function revision(name: string, hoursAgo: number, object: Record<string, unknown> | null): RevisionRow {
  return {
    kind: 'GlobalNetworkPolicy',
    namespace: '',
    name,
    object,
    created_at: new Date(NOW - hoursAgo * H),
  };
}

const selectors = (state: ReadonlyMap<string, Stored>) =>
  Object.fromEntries([...state].map(([k, s]) => [k, (s.doc.spec as { selector: string }).selector]));

describe('policyHistory', () => {
  it('is what is stored, in one segment, when nothing changed in the window', () => {
    const now = stored(doc('a', "app == 'a'"));
    const h = policyHistory(now, [], FROM, new Date(NOW));
    expect(h.boundaries).toEqual([]);
    expect(h.states).toHaveLength(1);
    expect(selectors(h.states[0]!)).toEqual({ 'GlobalNetworkPolicy/a': "app == 'a'" });
  });

  it('rolls changed resources back per segment: changed, created and deleted in the window', () => {
    const now = stored(doc('a', "app == 'a2'"), doc('new', 'all()'), doc('kept', 'all()'));
    const h = policyHistory(
      now,
      [
        // a: v1 before the window (its state at the start), v2 ten hours ago.
        revision('a', 30, doc('a', "app == 'a1'")),
        revision('a', 10, doc('a', "app == 'a2'")),
        // new: created five hours ago.
        revision('new', 5, doc('new', 'all()')),
        // gone: existed at the start, deleted two hours ago.
        revision('gone', 40, doc('gone', 'all()', "env == 'prod'")),
        revision('gone', 2, null),
        // A change after the window's end still rolls the window back.
      ],
      FROM,
      new Date(NOW - 1 * H),
    );
    expect(h.boundaries.map((b) => (NOW - b.getTime()) / H)).toEqual([10, 5, 2]);
    expect(h.states.map(selectors)).toEqual([
      {
        'GlobalNetworkPolicy/a': "app == 'a1'",
        'GlobalNetworkPolicy/kept': 'all()',
        'GlobalNetworkPolicy/gone': 'all()',
      },
      {
        'GlobalNetworkPolicy/a': "app == 'a2'",
        'GlobalNetworkPolicy/kept': 'all()',
        'GlobalNetworkPolicy/gone': 'all()',
      },
      {
        'GlobalNetworkPolicy/a': "app == 'a2'",
        'GlobalNetworkPolicy/kept': 'all()',
        'GlobalNetworkPolicy/gone': 'all()',
        'GlobalNetworkPolicy/new': 'all()',
      },
      {
        'GlobalNetworkPolicy/a': "app == 'a2'",
        'GlobalNetworkPolicy/kept': 'all()',
        'GlobalNetworkPolicy/new': 'all()',
      },
    ]);
    // A revision's cluster selector is its annotation.
    expect(h.states[0]!.get('GlobalNetworkPolicy/gone')?.selector).toBe("env == 'prod'");
  });

  it('puts a change after the window in no segment but still rolls the window back', () => {
    const now = stored(doc('a', "app == 'later'"));
    const h = policyHistory(
      now,
      [revision('a', 30, doc('a', "app == 'then'")), revision('a', 0.5, doc('a', "app == 'later'"))],
      FROM,
      new Date(NOW - 1 * H),
    );
    expect(h.boundaries).toEqual([]);
    expect(h.states.map(selectors)).toEqual([{ 'GlobalNetworkPolicy/a': "app == 'then'" }]);
  });
});
