// Where each policy kind Palisade manages lives in the Kubernetes API: Calico's kinds in the
// `projectcalico.org/v3` aggregated API (served by the Calico API server), Kubernetes
// NetworkPolicy in `networking.k8s.io/v1`. The table is the managed-document contract's
// (KIND_PLACEMENTS in @palisade/policy/managed); this turns it into request paths, so applying,
// pruning, listing and watching agree on them.
import { KIND_PLACEMENTS, MANAGED_KINDS, type KindPlacement } from '@palisade/policy/managed';
import type { ResourceRef } from '@palisade/protocol';

/** Every managed kind's placement, in apply order. */
export const PLACEMENTS: readonly KindPlacement[] = MANAGED_KINDS.map((kind) => KIND_PLACEMENTS[kind]);

/** The placement of an object as the cluster names it (apiVersion + kind); undefined if unmanaged. */
export function placementOf(apiVersion: string, kind: string): KindPlacement | undefined {
  return PLACEMENTS.find((p) => p.apiVersion === apiVersion && p.apiKind === kind);
}

/** `/apis/<group>/<version>[/namespaces/<ns>]/<plural>`; without a namespace, the cluster-wide collection. */
export function collectionPath(kind: KindPlacement, namespace: string | null): string {
  const base = `/apis/${kind.apiVersion}`;
  return kind.namespaced && namespace !== null
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`
    : `${base}/${kind.plural}`;
}

export function objectPath(kind: KindPlacement, ref: ResourceRef): string {
  return `${collectionPath(kind, ref.namespace)}/${encodeURIComponent(ref.name)}`;
}
