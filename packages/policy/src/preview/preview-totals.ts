// Totals of a preview: flow keys per class, and per namespace per class. A flow key counts under
// the namespace of its reporter (the endpoint whose policy the replay evaluates), `-` when that
// endpoint is not namespaced, so a namespace's row says what the edit does to that namespace's
// own verdicts.

import { NOT_APPLICABLE } from '@palisade/flows';
import { PREVIEW_CLASSES, type PreviewClass, type PreviewedFlow } from './preview-types.js';

export type ClassCounts = Record<PreviewClass, number>;

export function emptyCounts(): ClassCounts {
  return Object.fromEntries(PREVIEW_CLASSES.map((c) => [c, 0])) as ClassCounts;
}

export function reporterNamespace(f: PreviewedFlow): string {
  return f.flow.reporter === 'src' ? f.flow.source_namespace : f.flow.dest_namespace;
}

export interface PreviewTotals {
  readonly total: ClassCounts;
  /** Sorted by namespace; `-` for non-namespaced reporters. */
  readonly byNamespace: readonly { namespace: string; counts: ClassCounts }[];
}

export function previewTotals(flows: Iterable<PreviewedFlow>): PreviewTotals {
  const total = emptyCounts();
  const byNamespace = new Map<string, ClassCounts>();
  for (const f of flows) {
    total[f.class]++;
    const ns = reporterNamespace(f) || NOT_APPLICABLE;
    const counts = byNamespace.get(ns) ?? emptyCounts();
    counts[f.class]++;
    byNamespace.set(ns, counts);
  }
  return {
    total,
    byNamespace: [...byNamespace.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([namespace, counts]) => ({ namespace, counts })),
  };
}
