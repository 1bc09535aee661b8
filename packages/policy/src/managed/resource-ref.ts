// The identity of a managed resource and its one string key (decision 0020). A reference is
// (kind key, namespace, name) with `namespace` '' for cluster-scoped kinds — the database's
// spelling. Objects on the wire say `namespace: null` and validated documents leave it out; all
// three mean "cluster-scoped" and give the same key: `Kind/name`, or `Kind/namespace/name` for a
// namespaced resource (Kubernetes names hold no '/', so the two shapes cannot collide).
import { compareBytes } from '../selector/ast.js';
import { resourceKindKey, type PolicyResource } from '../resources/types.js';
import { isManagedKind, MANAGED_KINDS, type ManagedKind } from './kinds.js';

export interface ManagedRef {
  readonly kind: ManagedKind;
  /** '' for cluster-scoped kinds. */
  readonly namespace: string;
  readonly name: string;
}

/** Anything naming a resource: a ManagedRef, a wire reference, a stored row. */
export interface RefLike {
  readonly kind: string;
  readonly namespace?: string | null | undefined;
  readonly name: string;
}

/** The one key of a resource identity: `Kind/name` or `Kind/namespace/name`. */
export function refKey(ref: RefLike): string {
  const ns = ref.namespace ?? '';
  return ns === '' ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ns}/${ref.name}`;
}

/** A managed reference from a kind key, namespace (any spelling of "none") and name. */
export function managedRef(ref: RefLike): ManagedRef {
  if (!isManagedKind(ref.kind)) throw new Error(`kind ${ref.kind} is not managed by Palisade`);
  return { kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name };
}

/** The reference of a document; throws for a kind Palisade does not manage. */
export function refOf(resource: Pick<PolicyResource, 'apiVersion' | 'kind' | 'metadata'>): ManagedRef {
  return managedRef({
    kind: resourceKindKey(resource),
    namespace: resource.metadata.namespace,
    name: resource.metadata.name,
  });
}

/** How a cluster (and the tunnel) names an object: by apiVersion and kind, `null` for no namespace. */
export interface WireRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
}

export function wireRefOf(resource: Pick<PolicyResource, 'apiVersion' | 'kind' | 'metadata'>): WireRef {
  return {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    namespace: resource.metadata.namespace ?? null,
    name: resource.metadata.name,
  };
}

/**
 * The kind key of an object as a cluster names it (apiVersion + kind): `KubernetesNetworkPolicy`
 * for `networking.k8s.io/v1` NetworkPolicy, the kind itself otherwise.
 */
export function wireKindKey(ref: { readonly apiVersion: string; readonly kind: string }): string {
  return resourceKindKey(ref as Pick<PolicyResource, 'apiVersion' | 'kind'>);
}

/** The key of an object as a cluster names it; the same key as its document's. */
export function wireRefKey(ref: WireRef): string {
  return refKey({ kind: wireKindKey(ref), namespace: ref.namespace, name: ref.name });
}

/** Apply order: by kind (MANAGED_KINDS' order), then namespace, then name, bytewise. */
export function compareRefs(a: ManagedRef, b: ManagedRef): number {
  const k = MANAGED_KINDS.indexOf(a.kind) - MANAGED_KINDS.indexOf(b.kind);
  if (k !== 0) return k;
  return compareBytes(a.namespace, b.namespace) || compareBytes(a.name, b.name);
}
