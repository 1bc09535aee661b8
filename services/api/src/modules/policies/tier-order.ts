// The evaluation order of a tier's policies (reorderTierPolicies): the new order must name each of
// the tier's policies exactly once, and becomes `spec.order` 100, 200, … so a policy can later be
// placed between two others without renumbering. Pure: given the tier's stored rows, it returns
// each policy's new document (or none when its order already matches); it must never write.
import type { PolicyResource } from '@palisade/policy';
import { fromStored, managedRef, refKey, storedDocument, type ManagedRef } from '@palisade/policy/managed';
import { PolicyErrors, type PolicyFieldIssue } from './policies.errors.js';

/** Gap between consecutive `spec.order` values written by reorder, so one can insert between. */
export const REORDER_STEP = 100;

export interface ReorderStep<R> {
  row: R;
  /** The document with its new `spec.order`, or null when the stored one already has it. */
  reordered: PolicyResource | null;
}

/** Each policy of `order`, in that order, with its reordered document; VALIDATION_FAILED on a bad list. */
export function planReorder<
  R extends { kind: string; namespace: string; name: string; clusterSelector: string; object: unknown },
>(tier: string, rows: readonly R[], order: readonly ManagedRef[]): ReorderStep<R>[] {
  const byKey = new Map(rows.map((r) => [refKey(managedRef(r)), r]));
  const issues: PolicyFieldIssue[] = [];
  const seen = new Set<string>();
  order.forEach((ref, i) => {
    const key = refKey(ref);
    if (seen.has(key))
      issues.push({ path: ['input', 'order', i], field: '', message: `${key} is listed twice` });
    else if (!byKey.has(key))
      issues.push({
        path: ['input', 'order', i],
        field: '',
        message: `${key} is not a policy of tier "${tier}"`,
      });
    seen.add(key);
  });
  const missing = [...byKey.keys()].filter((k) => !seen.has(k));
  if (missing.length > 0)
    issues.push({
      path: ['input', 'order'],
      field: '',
      message: `must list every policy of the tier; missing ${missing.join(', ')}`,
    });
  if (issues.length > 0) throw PolicyErrors.invalid(issues);

  return order.map((ref, i) => {
    const row = byKey.get(refKey(ref))!;
    const doc = fromStored(row.object);
    const next = (i + 1) * REORDER_STEP;
    if ((doc.spec as { order?: number }).order === next) return { row, reordered: null };
    return {
      row,
      reordered: storedDocument(
        { ...doc, spec: { ...doc.spec, order: next } } as PolicyResource,
        row.clusterSelector,
      ),
    };
  });
}
