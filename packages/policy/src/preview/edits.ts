// Unsaved edits to a cluster's stored resources, as a preview takes them: create or replace any
// stored kind (a tier change or a reorder is a replace with a new `tier` or `order`, a Tier's order
// a replace of the Tier), or delete one by identity. Applying them yields the "after" set; the
// changed identities tell the preview which policies to examine for uncertainty.

import { resourceKey } from '../resources/resource-key.js';
import type { PolicyResource } from '../resources/types.js';
import { canonicalJson } from '../yaml/canonical-json.js';

export type PolicyEdit =
  | { readonly op: 'apply'; readonly resource: PolicyResource }
  | {
      readonly op: 'delete';
      readonly ref: Pick<PolicyResource, 'apiVersion' | 'kind' | 'metadata'>;
    };

export interface AppliedEdits {
  readonly after: PolicyResource[];
  /** resourceKey of every resource whose content differs between before and after. */
  readonly changed: ReadonlySet<string>;
}

/** Applies edits in order; deleting a resource that does not exist is a no-op. */
export function applyEdits(before: readonly PolicyResource[], edits: readonly PolicyEdit[]): AppliedEdits {
  const byKey = new Map(before.map((r) => [resourceKey(r), r]));
  for (const edit of edits) {
    if (edit.op === 'apply') byKey.set(resourceKey(edit.resource), edit.resource);
    else byKey.delete(resourceKey(edit.ref));
  }
  const after = [...byKey.values()];
  return { after, changed: changedResources(before, after) };
}

/** resourceKey of every resource created, deleted or changed between the two sets. */
export function changedResources(
  before: readonly PolicyResource[],
  after: readonly PolicyResource[],
): Set<string> {
  const beforeByKey = new Map(before.map((r) => [resourceKey(r), canonicalJson(r)]));
  const afterByKey = new Map(after.map((r) => [resourceKey(r), canonicalJson(r)]));
  const changed = new Set<string>();
  for (const [key, json] of afterByKey) if (beforeByKey.get(key) !== json) changed.add(key);
  for (const key of beforeByKey.keys()) if (!afterByKey.has(key)) changed.add(key);
  return changed;
}
