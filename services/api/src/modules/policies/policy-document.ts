// Palisade's view of one stored policy resource (docs/decisions/0008): its identity, tier, cluster
// selector (the `palisade.io/cluster-selector` annotation) and the two forms it takes — the stored
// document (canonical, annotation included) and the object pushed to clusters (annotation stripped,
// managed-by label and effective drift mode added). Pure functions: no I/O, no Nest.
import {
  BUILTIN_TIERS,
  canonicalResource,
  canonicalSelector,
  compareBytes,
  parseSelector,
  resourceKindKey,
  stableStringify,
  type PolicyResource,
  type ResourceKindKey,
} from '@palisade/policy';

export const CLUSTER_SELECTOR_ANNOTATION = 'palisade.io/cluster-selector';
export const DRIFT_MODE_ANNOTATION = 'palisade.io/drift-mode';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'palisade';

/** Kinds Palisade stores, in the order a cluster should apply them (tiers and sets before policies). */
export const POLICY_KINDS = [
  'Tier',
  'GlobalNetworkSet',
  'NetworkSet',
  'GlobalNetworkPolicy',
  'NetworkPolicy',
  'KubernetesNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
] as const satisfies readonly ResourceKindKey[];
export type PolicyKind = (typeof POLICY_KINDS)[number];

export const TIERED_KINDS: readonly PolicyKind[] = [
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
];

export type DriftMode = 'report' | 'revert';

export function isPolicyKind(kind: string): kind is PolicyKind {
  return (POLICY_KINDS as readonly string[]).includes(kind);
}

export function isBuiltinTier(kind: string, name: string): boolean {
  return kind === 'Tier' && Object.hasOwn(BUILTIN_TIERS, name);
}

/** Identity of a stored resource; `namespace` is '' for cluster-scoped kinds. */
export interface ResourceRef {
  kind: PolicyKind;
  namespace: string;
  name: string;
}

export function refOf(resource: PolicyResource): ResourceRef {
  const kind = resourceKindKey(resource);
  if (!isPolicyKind(kind)) throw new Error(`kind ${kind} is not stored by Palisade`);
  return { kind, namespace: resource.metadata.namespace ?? '', name: resource.metadata.name };
}

export function refKey(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

export function compareRefs(a: ResourceRef, b: ResourceRef): number {
  const k = POLICY_KINDS.indexOf(a.kind) - POLICY_KINDS.indexOf(b.kind);
  if (k !== 0) return k;
  return compareBytes(a.namespace, b.namespace) || compareBytes(a.name, b.name);
}

export function tierOf(resource: PolicyResource): string | null {
  const kind = resourceKindKey(resource);
  if (!TIERED_KINDS.includes(kind as PolicyKind)) return null;
  return (resource.spec as { tier?: string }).tier ?? 'default';
}

/** The annotation's value, or undefined when the document does not carry it. */
export function annotatedClusterSelector(resource: PolicyResource): string | undefined {
  const annotations = resource.metadata.annotations;
  return annotations && Object.hasOwn(annotations, CLUSTER_SELECTOR_ANNOTATION)
    ? annotations[CLUSTER_SELECTOR_ANNOTATION]
    : undefined;
}

/**
 * The stored form of a cluster selector: '' for every cluster, otherwise Calico's canonical
 * printing (so `env == 'prod'` and `env=="prod"` compare equal). Throws SelectorSyntaxError.
 */
export function normaliseClusterSelector(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return canonicalSelector(parseSelector(trimmed));
}

/** The canonical stored document: `selector` in the annotation, or no annotation when ''. */
export function storedDocument(resource: PolicyResource, selector: string): PolicyResource {
  const { annotations = {}, ...meta } = resource.metadata;
  const rest = Object.fromEntries(
    Object.entries(annotations).filter(([k]) => k !== CLUSTER_SELECTOR_ANNOTATION),
  );
  const next = selector === '' ? rest : { ...rest, [CLUSTER_SELECTOR_ANNOTATION]: selector };
  const metadata = Object.keys(next).length > 0 ? { ...meta, annotations: next } : meta;
  return canonicalResource({ ...resource, metadata });
}

/** A document read back from jsonb (which does not keep key order), in canonical form again. */
export function fromStored(json: unknown): PolicyResource {
  return canonicalResource(json as PolicyResource);
}

export function sameDocument(a: PolicyResource, b: PolicyResource): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** What a cluster receives: no Palisade annotation, the managed-by label, the effective drift mode. */
export function pushedObject(doc: PolicyResource, driftMode: DriftMode): Record<string, unknown> {
  const { annotations = {}, labels = {}, ...meta } = doc.metadata;
  const kept = Object.fromEntries(
    Object.entries(annotations).filter(([k]) => k !== CLUSTER_SELECTOR_ANNOTATION),
  );
  const metadata = {
    ...meta,
    labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    annotations: { ...kept, [DRIFT_MODE_ANNOTATION]: driftMode },
  };
  return canonicalResource({ ...doc, metadata }) as unknown as Record<string, unknown>;
}
