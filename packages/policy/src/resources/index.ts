// Public surface of resource validation, defaulting and identity. The shapes live in types.ts,
// which src/index.ts exports directly.

export { formatPath, type PathSegment, type ValidationError, type ValidationIssue } from './issues.js';
export {
  validateResource,
  validateResourceIssues,
  type ValidateOptions,
  type ValidationResult,
} from './validate.js';
export { BUILTIN_TIERS, builtinTier, DEFAULT_TIER, DEFAULT_TIER_ORDER } from './builtin-tiers.js';
export {
  ENFORCED_KIND_OF_STAGED,
  isStagedKind,
  isTieredKind,
  STAGED_KINDS,
  TIERED_KINDS,
  type StagedKind,
  type TieredKind,
} from './kinds.js';
export { isStagedPolicy, stagedToEnforced, type EnforcedPolicy, type StagedPolicy } from './staged.js';
export { resourceKey } from './resource-key.js';
export { defaultPolicyTypes, MAX_RULES, STAGED_ACTIONS } from './calico-policy.js';
export { NAMESPACE_LABEL, TIER_LABEL } from './metadata.js';
export { MAX_NETS, MAX_PORTS } from './entity-rule.js';
export { MAX_HTTP_MATCHES } from './http-match.js';
export { MAX_POLICY_SELECTOR_LENGTH } from './selector-fields.js';
export {
  APPLIES_AS_ANNOTATION,
  BPF_EXTERNAL_SERVICE_MODES,
  checkFelixObjectName,
  FELIX_VALIDATED_FIELDS,
  felixObjectName,
  FLOW_LOG_AGGREGATION_KINDS,
  NFTABLES_MODES,
  unvalidatedFelixFields,
  WIREGUARD_MTU,
  type NftablesMode,
} from './felix-configuration.js';
