// Staged kinds and their promotion to the enforced kind they preview (calico-semantics §2.5).

import {
  K8S_NETWORKING_API_VERSION,
  type GlobalNetworkPolicy,
  type KubernetesNetworkPolicy,
  type NetworkPolicy,
  type PolicyResource,
  type StagedGlobalNetworkPolicy,
  type StagedKubernetesNetworkPolicy,
  type StagedNetworkPolicy,
} from './types.js';
import { isStagedKind } from './kinds.js';

export type StagedPolicy = StagedNetworkPolicy | StagedGlobalNetworkPolicy | StagedKubernetesNetworkPolicy;
export type EnforcedPolicy = NetworkPolicy | GlobalNetworkPolicy | KubernetesNetworkPolicy;

export function isStagedPolicy(r: PolicyResource): r is StagedPolicy {
  return r.apiVersion !== K8S_NETWORKING_API_VERSION && isStagedKind(r.kind);
}

function copyMetadata(r: StagedPolicy): StagedPolicy['metadata'] {
  const { labels, annotations, ...rest } = r.metadata;
  return {
    ...rest,
    ...(labels ? { labels: { ...labels } } : {}),
    ...(annotations ? { annotations: { ...annotations } } : {}),
  };
}

/**
 * The enforced policy a staged one would become: metadata and spec copied, `stagedAction` dropped.
 * Returns undefined for `stagedAction: Delete`, whose promotion is the removal of the enforced policy.
 */
export function stagedToEnforced(r: StagedPolicy): EnforcedPolicy | undefined {
  const { stagedAction, ...spec } = r.spec;
  if (stagedAction === 'Delete') return undefined;
  const metadata = copyMetadata(r);
  const copy: unknown = JSON.parse(JSON.stringify(spec));
  switch (r.kind) {
    case 'StagedNetworkPolicy':
      return {
        apiVersion: r.apiVersion,
        kind: 'NetworkPolicy',
        metadata,
        spec: copy as NetworkPolicy['spec'],
      };
    case 'StagedGlobalNetworkPolicy':
      return {
        apiVersion: r.apiVersion,
        kind: 'GlobalNetworkPolicy',
        metadata,
        spec: copy as GlobalNetworkPolicy['spec'],
      };
    case 'StagedKubernetesNetworkPolicy':
      return {
        apiVersion: K8S_NETWORKING_API_VERSION,
        kind: 'NetworkPolicy',
        metadata,
        spec: copy as KubernetesNetworkPolicy['spec'],
      };
  }
}
