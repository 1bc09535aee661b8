// Where each policy kind Palisade manages lives in the Kubernetes API: Calico's kinds in the
// `projectcalico.org/v3` aggregated API (served by the Calico API server), Kubernetes
// NetworkPolicy in `networking.k8s.io/v1`. One table, so applying, pruning, listing and watching
// agree on the paths.
import type { ResourceRef } from '@palisade/protocol';

export interface PolicyKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export const POLICY_KINDS: readonly PolicyKind[] = [
  { apiVersion: 'projectcalico.org/v3', kind: 'Tier', plural: 'tiers', namespaced: false },
  {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkSet',
    plural: 'globalnetworksets',
    namespaced: false,
  },
  { apiVersion: 'projectcalico.org/v3', kind: 'NetworkSet', plural: 'networksets', namespaced: true },
  {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    plural: 'globalnetworkpolicies',
    namespaced: false,
  },
  { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true },
  {
    apiVersion: 'projectcalico.org/v3',
    kind: 'StagedGlobalNetworkPolicy',
    plural: 'stagedglobalnetworkpolicies',
    namespaced: false,
  },
  {
    apiVersion: 'projectcalico.org/v3',
    kind: 'StagedNetworkPolicy',
    plural: 'stagednetworkpolicies',
    namespaced: true,
  },
  {
    apiVersion: 'projectcalico.org/v3',
    kind: 'StagedKubernetesNetworkPolicy',
    plural: 'stagedkubernetesnetworkpolicies',
    namespaced: true,
  },
];

export function policyKind(apiVersion: string, kind: string): PolicyKind | undefined {
  return POLICY_KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
}

/** `/apis/<group>/<version>[/namespaces/<ns>]/<plural>`; without a namespace, the cluster-wide collection. */
export function collectionPath(kind: PolicyKind, namespace: string | null): string {
  const base = `/apis/${kind.apiVersion}`;
  return kind.namespaced && namespace !== null
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`
    : `${base}/${kind.plural}`;
}

export function objectPath(kind: PolicyKind, ref: ResourceRef): string {
  return `${collectionPath(kind, ref.namespace)}/${encodeURIComponent(ref.name)}`;
}
