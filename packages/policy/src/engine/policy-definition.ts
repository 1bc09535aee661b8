// One uniform shape for every policy kind the engine evaluates (NP, GNP, K8s NP and the staged
// variants), so that compilation, the indexes and the reference evaluator see the same fields.
// K8s policies are translated here (§2.9); staged `Delete` objects never reach the dataplane (§2.5).

import {
  resourceKindKey,
  type GlobalNetworkPolicySpec,
  type KubernetesNetworkPolicy,
  type PolicyResource,
  type StagedKubernetesNetworkPolicy,
  type PolicyType,
  type Rule,
} from '../resources/types.js';
import { K8S_POLICY_ORDER, translateK8sPolicy } from './k8s-translate.js';

export type PolicyKindShort = 'np' | 'gnp' | 'knp' | 'snp' | 'sgnp' | 'sknp';

/** Where in the dataplane a policy acts; only `normal` policies take part in the tiered verdict. */
export type PolicyStage = 'normal' | 'preDNAT' | 'doNotTrack';

export interface PolicyDefinition {
  readonly kind: PolicyKindShort;
  /** The v3.32 kind name used in the ordering tie-break `<name>/<namespace>/<kind>`. */
  readonly kindName: string;
  readonly staged: boolean;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly tier: string;
  readonly order: number;
  readonly selector: string;
  readonly serviceAccountSelector: string;
  readonly namespaceSelector: string;
  readonly types: readonly PolicyType[];
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
  readonly stage: PolicyStage;
}

const DEFAULT_TIER = 'default';

function stageOf(spec: GlobalNetworkPolicySpec): PolicyStage {
  if (spec.doNotTrack) return 'doNotTrack';
  if (spec.preDNAT) return 'preDNAT';
  return 'normal';
}

type CalicoPolicyResource = Extract<
  PolicyResource,
  { kind: 'NetworkPolicy' | 'GlobalNetworkPolicy' | 'StagedNetworkPolicy' | 'StagedGlobalNetworkPolicy' }
>;

function calicoDefinition(resource: CalicoPolicyResource): PolicyDefinition | undefined {
  const spec = resource.spec as GlobalNetworkPolicySpec & { stagedAction?: string };
  if (spec.stagedAction === 'Delete') return undefined;
  const global = resource.kind === 'GlobalNetworkPolicy' || resource.kind === 'StagedGlobalNetworkPolicy';
  const staged = resource.kind.startsWith('Staged');
  return {
    kind: global ? (staged ? 'sgnp' : 'gnp') : staged ? 'snp' : 'np',
    kindName: resource.kind,
    staged,
    name: resource.metadata.name,
    namespace: global ? undefined : (resource.metadata.namespace ?? 'default'),
    tier: spec.tier || DEFAULT_TIER,
    order: spec.order ?? Number.POSITIVE_INFINITY,
    selector: spec.selector ?? '',
    serviceAccountSelector: spec.serviceAccountSelector ?? '',
    namespaceSelector: global ? (spec.namespaceSelector ?? '') : '',
    types: spec.types.length > 0 ? spec.types : ['Ingress', 'Egress'],
    ingress: spec.ingress ?? [],
    egress: spec.egress ?? [],
    stage: global ? stageOf(spec) : 'normal',
  };
}

function k8sDefinition(
  resource: KubernetesNetworkPolicy | StagedKubernetesNetworkPolicy,
): PolicyDefinition | undefined {
  const staged = resource.kind === 'StagedKubernetesNetworkPolicy';
  if (staged && resource.spec.stagedAction === 'Delete') return undefined;
  const translated = translateK8sPolicy(resource.spec);
  return {
    kind: staged ? 'sknp' : 'knp',
    kindName: staged ? 'StagedKubernetesNetworkPolicy' : 'KubernetesNetworkPolicy',
    staged,
    name: resource.metadata.name,
    namespace: resource.metadata.namespace ?? 'default',
    tier: DEFAULT_TIER,
    order: K8S_POLICY_ORDER,
    selector: translated.selector,
    serviceAccountSelector: '',
    namespaceSelector: '',
    types: translated.types,
    ingress: translated.ingress,
    egress: translated.egress,
    stage: 'normal',
  };
}

/** The policy definition of a resource, or undefined when it is not an evaluated policy. */
export function policyDefinition(resource: PolicyResource): PolicyDefinition | undefined {
  const key = resourceKindKey(resource);
  if (key === 'KubernetesNetworkPolicy') return k8sDefinition(resource as KubernetesNetworkPolicy);
  switch (resource.kind) {
    case 'StagedKubernetesNetworkPolicy':
      return k8sDefinition(resource);
    case 'NetworkPolicy':
    case 'GlobalNetworkPolicy':
    case 'StagedNetworkPolicy':
    case 'StagedGlobalNetworkPolicy':
      return calicoDefinition(resource);
    default:
      return undefined;
  }
}
