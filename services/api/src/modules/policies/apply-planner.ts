// The plan of a `kubectl apply` (applyResources): for every document of the stream, what applying
// it would do — created, configured, unchanged, or error with the field, path and YAML line — given
// the stored resources it names and the tiers that exist. Pure: the service reads the inputs and
// writes the outcome; this must never touch the database. Rules: a document without the cluster-
// selector annotation keeps the stored resource's selector (an omitted annotation never widens a
// policy's reach to every cluster); a policy needs its tier, stored or created by the same apply;
// a built-in tier cannot be changed; one error anywhere means nothing is applied.
import type { ParsedDocument, PolicyResource } from '@palisade/policy';
import {
  annotatedClusterSelector,
  CLUSTER_SELECTOR_ANNOTATION,
  fromStored,
  isBuiltinTier,
  normaliseClusterSelector,
  refKey,
  refOf,
  sameDocument,
  storedDocument,
  tierOf,
  type ManagedRef,
} from '@palisade/policy/managed';
import {
  PolicyErrors,
  selectorField,
  selectorIssue,
  toFieldIssue,
  type PolicyFieldIssue,
} from './policies.errors.js';
import type { PolicyView } from './policy-views.js';

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'error';

/** One document's result, as the caller sees it. */
export interface ApplyItem {
  index: number;
  line: number;
  ref: ManagedRef | null;
  action: ApplyAction;
  errors: PolicyFieldIssue[];
  resource: PolicyView | null;
}

export interface ApplyOutcome {
  dryRun: boolean;
  applied: boolean;
  items: ApplyItem[];
}

/** What the planner needs of a stored resource. */
export interface StoredResource {
  clusterSelector: string;
  object: unknown;
}

/** One document's plan: `doc` is the document as it would be stored, `current` the stored row. */
export interface PlannedDocument<R extends StoredResource> {
  index: number;
  line: number;
  ref: ManagedRef | null;
  action: ApplyAction;
  errors: PolicyFieldIssue[];
  doc: PolicyResource | null;
  current: R | null;
}

/** Where the stream is in the mutation's input, for error paths. */
export const APPLY_INPUT_PATH: readonly (string | number)[] = ['input', 'yaml'];

/** The resources the stream names validly: the stored rows the plan needs, to read first. */
export function namedRefs(documents: readonly ParsedDocument[]): ManagedRef[] {
  return documents.flatMap((d) => (d.resource && d.errors.length === 0 ? [refOf(d.resource)] : []));
}

/**
 * Plans every document. `stored` holds the stored rows of `namedRefs(documents)` by reference key;
 * `tiers` the names of the organisation's stored tiers.
 */
export function planApply<R extends StoredResource>(
  documents: readonly ParsedDocument[],
  stored: ReadonlyMap<string, R>,
  tiers: ReadonlySet<string>,
): PlannedDocument<R>[] {
  const base = [...APPLY_INPUT_PATH];
  const known = new Set(tiers);
  for (const d of documents) {
    if (d.resource && d.errors.length === 0 && refOf(d.resource).kind === 'Tier')
      known.add(d.resource.metadata.name);
  }
  const plan = documents.map((d): PlannedDocument<R> => {
    const item: PlannedDocument<R> = {
      index: d.index,
      line: d.line,
      ref: d.resource ? refOf(d.resource) : null,
      action: 'unchanged',
      errors: d.errors.map((e) => toFieldIssue(e, base)),
      doc: d.resource ?? null,
      current: null,
    };
    if (item.errors.length > 0 || !item.doc || !item.ref) return item;
    const current = stored.get(refKey(item.ref)) ?? null;
    item.current = current;
    const annotated = annotatedClusterSelector(item.doc);
    let selector = current?.clusterSelector ?? '';
    if (annotated !== undefined) {
      try {
        selector = normaliseClusterSelector(annotated);
      } catch (err) {
        item.errors.push(
          selectorIssue(
            err,
            [...base, 'metadata', 'annotations', CLUSTER_SELECTOR_ANNOTATION],
            selectorField,
            item.line,
          ),
        );
        return item;
      }
    }
    const doc = storedDocument(item.doc, selector);
    item.doc = doc;
    const tier = tierOf(doc);
    if (tier !== null && !known.has(tier)) {
      item.errors.push({
        path: [...base, 'spec', 'tier'],
        field: 'spec.tier',
        message: `spec.tier: ${PolicyErrors.missingTierMessage(tier)} (line ${item.line})`,
        line: item.line,
      });
      return item;
    }
    const same = current !== null && sameDocument(doc, fromStored(current.object));
    if (current && !same && isBuiltinTier(item.ref.kind, item.ref.name)) {
      item.errors.push({
        path: base,
        field: '',
        message: `the built-in tier "${item.ref.name}" cannot be changed (line ${item.line})`,
        line: item.line,
      });
      return item;
    }
    item.action = current === null ? 'created' : same ? 'unchanged' : 'configured';
    return item;
  });
  for (const item of plan) if (item.errors.length > 0) item.action = 'error';
  return plan;
}

/** The caller's view of a planned document, with the resource as stored after the apply (if any). */
export function applyItem<R extends StoredResource>(
  p: PlannedDocument<R>,
  resource: PolicyView | null,
): ApplyItem {
  return { index: p.index, line: p.line, ref: p.ref, action: p.action, errors: p.errors, resource };
}
