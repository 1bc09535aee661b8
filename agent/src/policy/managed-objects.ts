// What makes an object Palisade's to manage in a cluster (decision 0009): the label
// `app.kubernetes.io/managed-by: palisade`. The agent prunes only objects carrying it and never
// touches any other. Each managed object also says what to do about drift
// (`palisade.io/drift-mode: report|revert`). Identities are the protocol's ResourceRef.
import type { PolicyResource } from '@palisade/policy';
import type { ResourceRef } from '@palisade/protocol';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'palisade';
export const DRIFT_MODE_ANNOTATION = 'palisade.io/drift-mode';

export type DriftMode = 'report' | 'revert';

export function isManaged(resource: PolicyResource): boolean {
  return resource.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** `report` unless the object asks for `revert`: reverting is what the organisation opts into. */
export function driftModeOf(resource: PolicyResource): DriftMode {
  return resource.metadata.annotations?.[DRIFT_MODE_ANNOTATION] === 'revert' ? 'revert' : 'report';
}

/** The object with the managed-by label set (pushed objects carry it; this makes sure). */
export function withManagedLabel(resource: PolicyResource): PolicyResource {
  if (isManaged(resource)) return resource;
  return {
    ...resource,
    metadata: {
      ...resource.metadata,
      labels: { ...resource.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    },
  };
}

export function refOf(resource: PolicyResource): ResourceRef {
  return {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    namespace: resource.metadata.namespace ?? null,
    name: resource.metadata.name,
  };
}

/** One string per identity: the kind key keeps Calico's and Kubernetes' NetworkPolicy apart. */
export function refKey(ref: ResourceRef): string {
  const kind = ref.apiVersion === 'networking.k8s.io/v1' ? 'KubernetesNetworkPolicy' : ref.kind;
  return `${kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export function keyOf(resource: PolicyResource): string {
  return refKey(refOf(resource));
}
