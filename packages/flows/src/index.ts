// @palisade/flows — the flow record shared by the agent, the gateway, the API and the console: its
// fields and value sets, validation, policy traces (structured hits, the current and legacy string
// formats, canonical form and hash), aggregation (15 s buckets, key, merge), network classes and
// the Goldmane filter with its in-memory matcher. Isomorphic and dependency-free: no node:*, no I/O.
export * from './aggregation.js';
export * from './filter.js';
export * from './filter-match.js';
export * from './flow-record.js';
export * from './legacy-policy-hit.js';
export * from './limits.js';
export * from './network-class.js';
export {
  END_OF_TIER_RULE,
  GLOBAL_POLICY_KINDS,
  POLICY_ACTIONS,
  POLICY_HIT_KINDS,
  POLICY_KINDS,
  PROFILE_TIER,
  PolicyHitError,
  STAGED_POLICY_KINDS,
  UNKNOWN_RULE,
  hitPolicy,
  isGlobalKind,
  parsePolicyHit,
  policyHit,
  renderPolicyHit,
  type PolicyAction,
  type PolicyHit,
  type PolicyHitKind,
  type PolicyKind,
  type PolicyRef,
} from './policy-hit.js';
export * from './policy-trace.js';
export { stableHash } from './stable-hash.js';
export * from './validate-flow-record.js';
