// @palisade/policy/managed — the managed-document contract: what Palisade stores per organisation
// and pushes to clusters, and the facts the API, the gateway, the agent and the console must agree
// on about it (decision 0020). Isomorphic like the rest of the package: no node:*, no DOM, no I/O.
export {
  KIND_PLACEMENTS,
  MANAGED_KINDS,
  POLICY_KINDS,
  isManagedKind,
  isPolicyKind,
  isSharedObjectKind,
  SHARED_OBJECT_KINDS,
  type KindPlacement,
  type ManagedKind,
  type ManagedPolicyKind,
} from './kinds.js';
export {
  ENFORCED_KIND_OF_STAGED,
  STAGED_KINDS,
  TIERED_KINDS,
  isStagedKind,
  isTieredKind,
  type StagedKind,
  type TieredKind,
} from '../resources/kinds.js';
export {
  compareRefs,
  managedRef,
  refKey,
  refOf,
  wireKindKey,
  wireRefKey,
  wireRefOf,
  type ManagedRef,
  type RefLike,
  type WireRef,
} from './resource-ref.js';
export { APPLIES_AS_ANNOTATION } from '../resources/felix-configuration.js';
export {
  CLUSTER_SELECTOR_ANNOTATION,
  DRIFT_MODE_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_SELECTOR,
  MANAGED_BY_VALUE,
  isManaged,
  withManagedLabel,
} from './metadata.js';
export {
  DEFAULT_DRIFT_MODE,
  DRIFT_MODES,
  driftModeOf,
  effectiveDriftMode,
  orgDriftMode,
  parseDriftMode,
  type DriftMode,
} from './drift-mode.js';
export {
  annotatedClusterSelector,
  clusterLabelMatcher,
  clusterMatcher,
  clusterSelectorWithin,
  confineClusterSelector,
  normaliseClusterSelector,
  selectsCluster,
  type ClusterLabels,
  type ClusterMatcher,
  type LabelMapMatcher,
} from './cluster-selector.js';
export { isLabelKey, isLabelValue } from './cluster-labels.js';
export {
  fromStored,
  isBuiltinTier,
  pushedObject,
  clusterRefOf,
  sameDocument,
  storedDocument,
  tierOf,
  type PushedObject,
  type StoredDocument,
} from './documents.js';
export {
  MAX_EDIT_LENGTH,
  documentText,
  documentUnifiedDiff,
  fieldChanges,
  foldContext,
  lineDiff,
  unifiedDiff,
  type DiffLine,
  type FieldChange,
  type FieldChangeOptions,
} from './document-diff.js';
export {
  STORED_SYNC_STATUSES,
  SYNC_STATUSES,
  SYNC_STATUSES_WORST_FIRST,
  storedSyncStatus,
  type ReportedSyncStatus,
  type StoredSyncStatus,
  type SyncStatus,
} from './sync-status.js';
