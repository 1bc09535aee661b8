// The kinds Palisade stores per organisation and pushes to clusters, in the order a cluster applies
// them (Felix's configuration first, tiers and sets before the policies that name them), and where each lives in the Kubernetes
// API. The one home of these lists: the API, the gateway, the agent and the console import them.
import { CALICO_API_VERSION, K8S_NETWORKING_API_VERSION, type ResourceKindKey } from '../resources/types.js';

export const MANAGED_KINDS = [
  'FelixConfiguration',
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
export type ManagedKind = (typeof MANAGED_KINDS)[number];

/** The managed kinds that are policies (enforced or staged): what the policy board lays out in tiers. */
export const POLICY_KINDS = [
  'GlobalNetworkPolicy',
  'NetworkPolicy',
  'KubernetesNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
] as const satisfies readonly ManagedKind[];
export type ManagedPolicyKind = (typeof POLICY_KINDS)[number];

export function isManagedKind(kind: string): kind is ManagedKind {
  return (MANAGED_KINDS as readonly string[]).includes(kind);
}

export function isPolicyKind(kind: string): kind is ManagedPolicyKind {
  return (POLICY_KINDS as readonly string[]).includes(kind);
}

/** Where a managed kind is served: `/apis/<apiVersion>[/namespaces/<ns>]/<plural>`. */
export interface KindPlacement {
  readonly kind: ManagedKind;
  readonly apiVersion: string;
  /** The kind as the Kubernetes API names it (`NetworkPolicy` for KubernetesNetworkPolicy). */
  readonly apiKind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

function calico(kind: ManagedKind, plural: string, namespaced: boolean): KindPlacement {
  return { kind, apiVersion: CALICO_API_VERSION, apiKind: kind, plural, namespaced };
}

export const KIND_PLACEMENTS: Readonly<Record<ManagedKind, KindPlacement>> = {
  FelixConfiguration: calico('FelixConfiguration', 'felixconfigurations', false),
  Tier: calico('Tier', 'tiers', false),
  GlobalNetworkSet: calico('GlobalNetworkSet', 'globalnetworksets', false),
  NetworkSet: calico('NetworkSet', 'networksets', true),
  GlobalNetworkPolicy: calico('GlobalNetworkPolicy', 'globalnetworkpolicies', false),
  NetworkPolicy: calico('NetworkPolicy', 'networkpolicies', true),
  KubernetesNetworkPolicy: {
    kind: 'KubernetesNetworkPolicy',
    apiVersion: K8S_NETWORKING_API_VERSION,
    apiKind: 'NetworkPolicy',
    plural: 'networkpolicies',
    namespaced: true,
  },
  StagedGlobalNetworkPolicy: calico('StagedGlobalNetworkPolicy', 'stagedglobalnetworkpolicies', false),
  StagedNetworkPolicy: calico('StagedNetworkPolicy', 'stagednetworkpolicies', true),
  StagedKubernetesNetworkPolicy: calico(
    'StagedKubernetesNetworkPolicy',
    'stagedkubernetesnetworkpolicies',
    true,
  ),
};

/**
 * Kinds whose cluster objects Palisade shares rather than owns (decision 0090): Calico creates the
 * `default` FelixConfiguration at install and operators set fields in it, so Palisade applies its
 * fields over an existing object without the managed-by label, and pruning releases its fields
 * instead of deleting the object.
 */
export const SHARED_OBJECT_KINDS = ['FelixConfiguration'] as const satisfies readonly ManagedKind[];

export function isSharedObjectKind(kind: string): boolean {
  return (SHARED_OBJECT_KINDS as readonly string[]).includes(kind);
}
