// Goldmane's PolicyTrace to Palisade's trace strings, `<policy_index>|<tier>|<kind>:[<ns>/]<name>|
// <action>|<rule_index>` (flow-logs spec §3). Kinds map one to one onto the short names; an EndOfTier
// hit has no policy of its own, so its name part is its trigger (the policy that selected the
// endpoint) and its rule index is −1; a profile's tier is `__PROFILE__`. Hits are put in
// policy-index order, so equal traces render equal and aggregate together.
//
// A hit Goldmane itself would refuse to render (unknown kind or action, a namespace on a global
// kind, none on a namespaced one, an EndOfTier without trigger) rejects the whole flow: a trace
// that names the wrong policy is worse than no flow.

import type { GoldmanePolicyHit, GoldmanePolicyTrace } from './goldmane-api.js';
import { FlowMappingError } from './flow-mapping-error.js';
import { enumValue, safeInteger } from './map-values.js';

/** Goldmane PolicyKind → short kind, and whether that kind is namespaced. */
const KINDS: Readonly<Record<string, { short: string; namespaced: boolean | null }>> = {
  CalicoNetworkPolicy: { short: 'np', namespaced: true },
  GlobalNetworkPolicy: { short: 'gnp', namespaced: false },
  StagedNetworkPolicy: { short: 'snp', namespaced: true },
  StagedGlobalNetworkPolicy: { short: 'sgnp', namespaced: false },
  StagedKubernetesNetworkPolicy: { short: 'sknp', namespaced: true },
  NetworkPolicy: { short: 'knp', namespaced: true },
  ClusterNetworkPolicy: { short: 'kcnp', namespaced: false },
  // A profile is named `kns.<namespace>` or `ksa.<namespace>.<account>`, without a namespace part.
  Profile: { short: 'pro', namespaced: null },
};

const ACTIONS: Readonly<Record<string, string>> = { Allow: 'allow', Deny: 'deny', Pass: 'pass' };

export const PROFILE_TIER = '__PROFILE__';
export const END_OF_TIER_RULE_INDEX = -1;

export interface MappedTrace {
  enforced: string[];
  pending: string[];
}

export function mapPolicyTrace(trace: GoldmanePolicyTrace | null, field: string): MappedTrace {
  return {
    enforced: mapHits(trace?.enforced_policies ?? [], `${field}.enforced_policies`),
    pending: mapHits(trace?.pending_policies ?? [], `${field}.pending_policies`),
  };
}

function mapHits(hits: readonly GoldmanePolicyHit[], field: string): string[] {
  return hits
    .map((hit, i) => ({
      index: safeInteger(hit.policy_index, `${field}[${i}].policy_index`),
      text: mapHit(hit, `${field}[${i}]`),
    }))
    .sort((a, b) => a.index - b.index)
    .map((h) => h.text);
}

function mapHit(hit: GoldmanePolicyHit, field: string): string {
  const policyIndex = safeInteger(hit.policy_index, `${field}.policy_index`);
  const action = enumValue(ACTIONS, hit.action, `${field}.action`);
  if (hit.kind === 'EndOfTier') {
    if (hit.trigger === null)
      throw new FlowMappingError(`${field}.trigger`, 'an EndOfTier hit needs its trigger');
    if (hit.trigger.kind === 'EndOfTier') {
      throw new FlowMappingError(`${field}.trigger.kind`, 'the trigger of an EndOfTier hit must be a policy');
    }
    const tier = hit.tier || hit.trigger.tier;
    return `${policyIndex}|${tierOf(tier, `${field}.tier`)}|${namePart(hit.trigger, `${field}.trigger`)}|${action}|${END_OF_TIER_RULE_INDEX}`;
  }
  const ruleIndex = safeInteger(hit.rule_index, `${field}.rule_index`, -2);
  const tier = hit.kind === 'Profile' ? PROFILE_TIER : tierOf(hit.tier, `${field}.tier`);
  return `${policyIndex}|${tier}|${namePart(hit, field)}|${action}|${ruleIndex}`;
}

function namePart(hit: GoldmanePolicyHit, field: string): string {
  const kind = enumValue(KINDS, hit.kind, `${field}.kind`);
  if (hit.name === '') throw new FlowMappingError(`${field}.name`, 'is empty');
  if (hit.name.includes('|') || hit.name.includes('/')) {
    throw new FlowMappingError(`${field}.name`, `${hit.name} cannot appear in a trace`);
  }
  if (kind.namespaced === true && hit.namespace === '') {
    throw new FlowMappingError(`${field}.namespace`, `a ${String(hit.kind)} needs its namespace`);
  }
  if (kind.namespaced !== true && hit.namespace !== '') {
    throw new FlowMappingError(`${field}.namespace`, `a ${String(hit.kind)} has no namespace`);
  }
  return hit.namespace === '' ? `${kind.short}:${hit.name}` : `${kind.short}:${hit.namespace}/${hit.name}`;
}

function tierOf(tier: string, field: string): string {
  if (tier === '' || tier.includes('|')) throw new FlowMappingError(field, `"${tier}" is not a tier name`);
  return tier;
}
