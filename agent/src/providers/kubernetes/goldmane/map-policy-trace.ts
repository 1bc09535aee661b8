// Goldmane's PolicyTrace to Palisade's traces: each Goldmane PolicyHit becomes a structured
// `PolicyHit` of @palisade/flows and is rendered in the current string format
// `<policy_index>|<tier>|<kind>:[<ns>/]<name>|<action>|<rule_index>` (flow-logs spec §3). Kinds map
// one to one onto the short names; an EndOfTier hit carries the policy that selected the endpoint
// in `trigger`, which becomes the name part, with rule index −1; a profile's tier is `__PROFILE__`.
// Hits are put in policy-index order, so equal traces render equal and aggregate together.
//
// Every rendered hit is parsed back with @palisade/flows' strict parser, so a hit that the gateway
// would refuse (a name the format cannot carry, a namespace on a global kind or none on a namespaced
// one, an EndOfTier without its trigger) rejects the flow here, naming the Goldmane field: a trace
// naming the wrong policy would be worse than no flow.

import {
  END_OF_TIER_RULE,
  PROFILE_TIER,
  PolicyHitError,
  parsePolicyHit,
  policyHit,
  renderPolicyHit,
  type FlowPolicies,
  type PolicyAction,
  type PolicyKind,
  type PolicyRef,
} from '@palisade/flows';
import type { GoldmanePolicyHit, GoldmanePolicyTrace } from './goldmane-api.js';
import { FlowMappingError } from './flow-mapping-error.js';
import { enumValue, safeInteger } from './map-values.js';

/** Goldmane PolicyKind → short kind. EndOfTier is not a kind of policy: its trigger has one. */
const KINDS: Readonly<Record<string, PolicyKind>> = {
  CalicoNetworkPolicy: 'np',
  GlobalNetworkPolicy: 'gnp',
  StagedNetworkPolicy: 'snp',
  StagedGlobalNetworkPolicy: 'sgnp',
  StagedKubernetesNetworkPolicy: 'sknp',
  NetworkPolicy: 'knp',
  ClusterNetworkPolicy: 'kcnp',
  Profile: 'pro',
};

const ACTIONS: Readonly<Record<string, PolicyAction>> = { Allow: 'allow', Deny: 'deny', Pass: 'pass' };

export function mapPolicyTrace(trace: GoldmanePolicyTrace | null, field: string): FlowPolicies {
  return {
    enforced: mapHits(trace?.enforced_policies ?? [], `${field}.enforced_policies`),
    pending: mapHits(trace?.pending_policies ?? [], `${field}.pending_policies`),
  };
}

function mapHits(hits: readonly GoldmanePolicyHit[], field: string): string[] {
  return hits
    .map((hit, i) => mapHit(hit, `${field}[${i}]`))
    .sort((a, b) => a.policy_index - b.policy_index)
    .map((h) => h.text);
}

function mapHit(hit: GoldmanePolicyHit, field: string): { policy_index: number; text: string } {
  const policyIndex = safeInteger(hit.policy_index, `${field}.policy_index`);
  const action = enumValue(ACTIONS, hit.action, `${field}.action`);
  let structured;
  if (hit.kind === 'EndOfTier') {
    if (hit.trigger === null) {
      throw new FlowMappingError(`${field}.trigger`, 'an EndOfTier hit needs its trigger');
    }
    // Goldmane fills the tier of both; the hit's own wins, as Felix renders it.
    const tier = hit.tier || hit.trigger.tier;
    structured = policyHit(
      policyIndex,
      tier,
      policyOf(hit.trigger, `${field}.trigger`),
      action,
      END_OF_TIER_RULE,
    );
  } else {
    const ruleIndex = safeInteger(hit.rule_index, `${field}.rule_index`, -2);
    if (ruleIndex === END_OF_TIER_RULE) {
      throw new FlowMappingError(`${field}.rule_index`, 'is −1 (end of tier) on a hit that is not EndOfTier');
    }
    const policy = policyOf(hit, field);
    structured = policyHit(
      policyIndex,
      policy.kind === 'pro' ? PROFILE_TIER : hit.tier,
      policy,
      action,
      ruleIndex,
    );
  }
  const text = renderPolicyHit(structured);
  try {
    parsePolicyHit(text);
  } catch (error) {
    if (error instanceof PolicyHitError) throw new FlowMappingError(field, error.reason);
    throw error;
  }
  return { policy_index: policyIndex, text };
}

function policyOf(hit: GoldmanePolicyHit, field: string): PolicyRef {
  return { kind: enumValue(KINDS, hit.kind, `${field}.kind`), namespace: hit.namespace, name: hit.name };
}
