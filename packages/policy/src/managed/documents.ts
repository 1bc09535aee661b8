// The two forms a managed document takes (decisions 0008, 0009). The stored document is canonical
// (key order, defaults) and carries its cluster selector in the cluster-selector annotation, or no
// annotation when it targets every cluster. The pushed object is what a cluster receives: the
// cluster-selector annotation stripped, the managed-by label and the effective drift mode added.
// Pure functions over validated resources.
import { BUILTIN_TIERS } from '../resources/builtin-tiers.js';
import { APPLIES_AS_ANNOTATION, felixObjectName } from '../resources/felix-configuration.js';
import { isTieredKind } from '../resources/kinds.js';
import { resourceKindKey, type PolicyResource } from '../resources/types.js';
import { stableStringify } from '../yaml/canonical-json.js';
import { canonicalResource } from '../yaml/canonical-resource.js';
import type { DriftMode } from './drift-mode.js';
import type { ManagedRef } from './resource-ref.js';
import {
  CLUSTER_SELECTOR_ANNOTATION,
  DRIFT_MODE_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from './metadata.js';

/** A document as stored: canonical, with its cluster selector in the annotation (when not ''). */
export type StoredDocument = PolicyResource;

/** A document as pushed to a cluster: a JSON object (the tunnel's `desired.state` resources). */
export type PushedObject = Record<string, unknown>;

/** Built-in tiers exist in every Calico cluster: stored for the board, never pushed or changed. */
export function isBuiltinTier(kind: string, name: string): boolean {
  return kind === 'Tier' && Object.hasOwn(BUILTIN_TIERS, name);
}

/** The tier of a tiered policy (`default` when unset); null for every other kind. */
export function tierOf(resource: PolicyResource): string | null {
  if (!isTieredKind(resourceKindKey(resource))) return null;
  return (resource.spec as { tier?: string }).tier ?? 'default';
}

/** The canonical stored document: `selector` (stored form) in the annotation, none when ''. */
export function storedDocument(resource: PolicyResource, selector: string): StoredDocument {
  const { annotations = {}, ...meta } = resource.metadata;
  const rest = withoutKey(annotations, CLUSTER_SELECTOR_ANNOTATION);
  const next = selector === '' ? rest : { ...rest, [CLUSTER_SELECTOR_ANNOTATION]: selector };
  const metadata = Object.keys(next).length > 0 ? { ...meta, annotations: next } : meta;
  return canonicalResource({ ...resource, metadata });
}

/** A document read back from storage (jsonb keeps no key order), in canonical form again. */
export function fromStored(json: unknown): StoredDocument {
  return canonicalResource(json as PolicyResource);
}

export function sameDocument(a: PolicyResource, b: PolicyResource): boolean {
  return stableStringify(a) === stableStringify(b);
}

/**
 * What a cluster receives: no cluster-selector annotation, the managed-by label, the drift mode; a
 * FelixConfiguration takes the name it applies as (decision 0090), without that annotation.
 */
export function pushedObject(doc: StoredDocument, driftMode: DriftMode): PushedObject {
  const { annotations = {}, labels = {}, ...meta } = doc.metadata;
  const felix = doc.kind === 'FelixConfiguration';
  const metadata = {
    ...meta,
    ...(felix ? { name: felixObjectName(doc.metadata) } : {}),
    labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    annotations: {
      ...withoutKey(
        felix ? withoutKey(annotations, APPLIES_AS_ANNOTATION) : annotations,
        CLUSTER_SELECTOR_ANNOTATION,
      ),
      [DRIFT_MODE_ANNOTATION]: driftMode,
    },
  };
  return canonicalResource({ ...doc, metadata }) as unknown as PushedObject;
}

/**
 * The reference a stored resource has in a cluster (what apply results and drift reports name):
 * its own, except a FelixConfiguration's, which is the object it applies as.
 */
export function clusterRefOf(ref: ManagedRef, doc: StoredDocument | null): ManagedRef {
  if (ref.kind !== 'FelixConfiguration' || doc === null) return ref;
  return { ...ref, name: felixObjectName(doc.metadata) };
}

function withoutKey(record: Readonly<Record<string, string>>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}
