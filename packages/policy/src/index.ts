// @palisade/policy — Calico-compatible policy model, validation, selector language, evaluation
// engine and YAML import/export. Isomorphic: no node:* imports, no DOM, no I/O (the CLI aside).
export * from './resources/types.js';
export * from './selector/index.js';
export * from './resources/index.js';
export * from './yaml/index.js';
export {
  buildWorld,
  withPolicies,
  WorldError,
  DEFAULT_ALLOW_PROFILE,
  type World,
  type Entity,
  type EntityKind,
  type Profile,
} from './engine/world.js';
export type {
  WorldInput,
  NamespaceInput,
  WorkloadInput,
  NamedPortInput,
  ServiceAccountInput,
  ServiceInput,
} from './engine/world-input.js';
export { PolicyEngine, type Direction, type TierPlan } from './engine/engine.js';
export { ReferenceEvaluator } from './engine/reference.js';
export {
  ConnectionError,
  type Connection,
  type Peer,
  type Verdict,
  type DirectionVerdict,
  type PendingVerdict,
  type ConnectionVerdict,
} from './engine/connection.js';
export {
  translateK8sPolicy,
  k8sPodSelector,
  k8sNamespaceSelector,
  simplifyPorts,
  type TranslatedK8sPolicy,
} from './engine/k8s-translate.js';
export {
  policyDefinition,
  type PolicyDefinition,
  type PolicyKindShort,
  type PolicyStage,
} from './engine/policy-definition.js';
export { orderedTiers, type TierInfo } from './engine/tiers.js';
export {
  PolicyIndex,
  SharedPeerClasses,
  type PolicyRef,
  type EndpointExposure,
  type PolicyIndexOptions,
} from './indexes/policy-index.js';
export { loadScenario } from './scenario/load-scenario.js';
export { parseScenario } from './scenario/parse-scenario.js';
export {
  runScenario,
  type ScenarioResult,
  type FlowResult,
  type ExpectationFailure,
} from './scenario/run-scenario.js';
export {
  ScenarioError,
  type Scenario,
  type ScenarioFlow,
  type FlowExpectation,
  type DirectionExpectation,
} from './scenario/scenario.js';
export {
  PREVIEW_CLASSES,
  UNCERTAINTY_REASONS,
  FLOW_KEY_FIELDS,
  type PreviewClass,
  type UncertaintyReason,
  type Uncertainty,
  type FlowKey,
  type PreviewFlowInput,
  type PreviewedFlow,
  type PreviewInventory,
  type PreviewInput,
} from './preview/preview-types.js';
export { previewFlows } from './preview/preview.js';
export { applyEdits, changedResources, type PolicyEdit, type AppliedEdits } from './preview/edits.js';
export { flowKeysOf, flowKeyId, flowKey, mergeFlowInputs } from './preview/flow-keys.js';
export {
  previewTotals,
  emptyCounts,
  reporterNamespace,
  type ClassCounts,
  type PreviewTotals,
} from './preview/preview-totals.js';
export {
  recommendPolicies,
  recommendationTier,
  isUncovered,
  RECOMMENDATION_TIER,
  RECOMMENDATION_TIER_ORDER,
  PRIVATE_NETWORKS,
  FLOWS_ANNOTATION,
  type Recommendation,
  type RecommendedRule,
  type RecommendationScope,
} from './preview/recommend.js';
