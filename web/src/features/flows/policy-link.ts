// Where a trace's policy is edited: the editor's URL takes the managed kind, which the trace names
// by Goldmane's kind. The kind is composed from the trace kind's parts and checked against the
// managed kinds' one home, so a kind Palisade does not manage (profiles, Kubernetes cluster network
// policies, end-of-tier hits) gets no link.
import { isPolicyKind } from '@palisade/policy/managed';
import type { FlowPolicyKind } from '../../generated/graphql';
import type { EditorSearch } from '../policies/search';

const BASE: Partial<Record<string, string>> = {
  CALICO_NETWORK_POLICY: 'NetworkPolicy',
  GLOBAL_NETWORK_POLICY: 'GlobalNetworkPolicy',
  KUBERNETES_NETWORK_POLICY: 'KubernetesNetworkPolicy',
};

/** The managed kind a trace kind stands for, or undefined when Palisade does not manage it. */
export function managedKindOf(kind: FlowPolicyKind): string | undefined {
  const staged = kind.startsWith('STAGED_');
  const rest = staged ? kind.slice('STAGED_'.length) : kind;
  // The staged Calico kind drops the CALICO_ prefix: STAGED_NETWORK_POLICY.
  const base = BASE[rest] ?? BASE[`CALICO_${rest}`];
  if (!base) return undefined;
  const managed = `${staged ? 'Staged' : ''}${base}`;
  return isPolicyKind(managed) ? managed : undefined;
}

/** The editor search that opens this policy, or undefined when it is not a managed policy. */
export function editorSearchOf(p: {
  kind: FlowPolicyKind;
  namespace?: string | null | undefined;
  name: string;
}): EditorSearch | undefined {
  const kind = managedKindOf(p.kind);
  if (!kind) return undefined;
  return { kind, name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}) };
}

const SHORT: Record<FlowPolicyKind, string> = {
  CALICO_NETWORK_POLICY: 'NetworkPolicy',
  GLOBAL_NETWORK_POLICY: 'GlobalNetworkPolicy',
  STAGED_NETWORK_POLICY: 'Staged NetworkPolicy',
  STAGED_GLOBAL_NETWORK_POLICY: 'Staged GlobalNetworkPolicy',
  STAGED_KUBERNETES_NETWORK_POLICY: 'Staged Kubernetes NetworkPolicy',
  KUBERNETES_NETWORK_POLICY: 'Kubernetes NetworkPolicy',
  KUBERNETES_CLUSTER_NETWORK_POLICY: 'ClusterNetworkPolicy',
  PROFILE: 'Profile',
  END_OF_TIER: 'End of tier',
};

/** A reader's label for a trace kind. */
export function kindLabel(kind: FlowPolicyKind): string {
  return SHORT[kind];
}
