import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  DRIFT_MODES,
  MANAGED_KINDS,
  SYNC_STATUSES,
  type DriftMode,
  type ManagedKind,
  type SyncStatus,
} from '@palisade/policy/managed';
import { Connection } from '../../../platform/graphql/connection.js';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';
import { AuditActorModel } from '../../audit/models/audit-event.model.js';
import { ClusterModel } from '../../clusters/models/cluster.model.js';

// The GraphQL enums of the managed-document contract are built from its lists in
// @palisade/policy/managed, so the schema (and the console's generated types) cannot drift from them.
function enumOf<V extends string, K extends string>(values: readonly V[], key: (v: V) => K): Record<K, V> {
  return Object.fromEntries(values.map((v) => [key(v), v])) as Record<K, V>;
}

/** Kinds as Calico spells them; Kubernetes NetworkPolicy is `KubernetesNetworkPolicy`. */
export const PolicyResourceKind = enumOf(MANAGED_KINDS, (k) => k) as { readonly [K in ManagedKind]: K };
export type PolicyResourceKind = ManagedKind;
registerEnumType(PolicyResourceKind, {
  name: 'PolicyResourceKind',
  description:
    'projectcalico.org/v3 kinds by their Calico names; KubernetesNetworkPolicy is networking.k8s.io/v1 NetworkPolicy.',
});

export const DriftModeEnum = enumOf(DRIFT_MODES, (m) => m.toUpperCase() as Uppercase<DriftMode>) as {
  readonly [M in DriftMode as Uppercase<M>]: M;
};
export type DriftModeEnum = DriftMode;
registerEnumType(DriftModeEnum, {
  name: 'DriftMode',
  description:
    'What an agent does when a managed object is changed behind its back: report it, or also revert it.',
});

export enum PolicyChangeEnum {
  CREATED = 'created',
  CONFIGURED = 'configured',
  DELETED = 'deleted',
  ROLLED_BACK = 'rolled_back',
  PROMOTED = 'promoted',
  REORDERED = 'reordered',
}
registerEnumType(PolicyChangeEnum, { name: 'PolicyChange' });

export enum ApplyActionEnum {
  CREATED = 'created',
  CONFIGURED = 'configured',
  UNCHANGED = 'unchanged',
  ERROR = 'error',
}
registerEnumType(ApplyActionEnum, { name: 'ApplyAction' });

export const PolicySyncStatusEnum = enumOf(SYNC_STATUSES, (s) => s) as { readonly [S in SyncStatus]: S };
export type PolicySyncStatusEnum = SyncStatus;
registerEnumType(PolicySyncStatusEnum, {
  name: 'PolicySyncStatus',
  description:
    'DISCONNECTED: no gateway holds the cluster now. PENDING: the agent has not applied the newest generation. FAILED: it could not (see the error). DRIFTED: a managed object differs from what Palisade applied.',
});

@ObjectType('PolicyResource', { description: 'A stored Calico or Kubernetes policy resource.' })
export class PolicyResourceModel {
  @Field(() => ID) id!: string;
  @Field(() => PolicyResourceKind) kind!: PolicyResourceKind;
  @Field(() => String, { nullable: true, description: 'Null for cluster-scoped kinds.' }) namespace!:
    string | null;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true, description: 'Set on Calico policies and their staged kinds.' })
  tier!: string | null;
  @Field(() => String, {
    description:
      "Selector over cluster labels (annotation palisade.io/cluster-selector); '' = every cluster.",
  })
  clusterSelector!: string;
  @Field(() => DriftModeEnum, { nullable: true, description: "Null: the organisation's default applies." })
  driftMode!: DriftModeEnum | null;
  @Field(() => DriftModeEnum) effectiveDriftMode!: DriftModeEnum;
  @Field(() => Int, { description: 'Current revision number (1 when created).' }) revision!: number;
  @Field(() => Boolean, { description: 'A built-in tier: always exists, never changes, never pushed.' })
  builtIn!: boolean;
  @Field(() => JSONScalar, { description: 'The validated, defaulted resource in canonical form.' })
  object!: unknown;
  @Field(() => String, { description: 'The same, as canonical YAML.' }) yaml!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  /** Not in the schema: scopes this object's field resolvers. */
  orgId!: string;
}

@ObjectType('PolicyRevision')
export class PolicyRevisionModel {
  @Field(() => Int) revision!: number;
  @Field(() => PolicyChangeEnum) change!: PolicyChangeEnum;
  @Field(() => JSONScalar, { nullable: true, description: 'The whole object; null for a deletion.' })
  object!: unknown;
  @Field(() => String, { nullable: true }) yaml!: string | null;
  @Field(() => AuditActorModel) actor!: AuditActorModel;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('PolicyFieldChange')
export class PolicyFieldChangeModel {
  @Field(() => String, { description: "Field path, e.g. spec.ingress[0].action; '' for the whole object." })
  path!: string;
  @Field(() => String, { description: 'added, removed or changed.' }) op!: string;
  @Field(() => JSONScalar, { nullable: true }) before!: unknown;
  @Field(() => JSONScalar, { nullable: true }) after!: unknown;
}

@ObjectType('PolicyRevisionDiff')
export class PolicyRevisionDiffModel {
  @Field(() => PolicyRevisionModel) from!: PolicyRevisionModel;
  @Field(() => PolicyRevisionModel) to!: PolicyRevisionModel;
  @Field(() => [PolicyFieldChangeModel]) changes!: PolicyFieldChangeModel[];
  @Field(() => String, { description: "Unified diff of the canonical YAML; '' when equal." })
  unified!: string;
}

@ObjectType('Tier')
export class TierModel {
  @Field(() => String) name!: string;
  @Field(() => Float) order!: number;
  @Field(() => String, { description: 'Deny or Pass, for traffic no policy of the tier decided.' })
  defaultAction!: string;
  @Field(() => Boolean) builtIn!: boolean;
  @Field(() => Int) policyCount!: number;
  @Field(() => PolicyResourceModel) resource!: PolicyResourceModel;
}

@ObjectType('PolicyValidationIssue')
export class PolicyValidationIssueModel {
  @Field(() => String, {
    description: "Field in the resource, e.g. spec.ingress[0].action; '' for the document.",
  })
  field!: string;
  @Field(() => String) message!: string;
  @Field(() => Int, { nullable: true }) line!: number | null;
  @Field(() => Int, { nullable: true }) column!: number | null;
}

@ObjectType('ApplyResourceResult')
export class ApplyResourceResultModel {
  @Field(() => Int, { description: 'Position in the stream (List items count one each).' }) index!: number;
  @Field(() => Int) line!: number;
  @Field(() => PolicyResourceKind, { nullable: true }) kind!: PolicyResourceKind | null;
  @Field(() => String, { nullable: true }) namespace!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => ApplyActionEnum) action!: ApplyActionEnum;
  @Field(() => [PolicyValidationIssueModel]) errors!: PolicyValidationIssueModel[];
  @Field(() => PolicyResourceModel, { nullable: true, description: 'Set when the batch was applied.' })
  resource!: PolicyResourceModel | null;
}

@ObjectType('ApplyResourcesPayload')
export class ApplyResourcesPayload {
  @Field(() => Boolean) dryRun!: boolean;
  @Field(() => Boolean, {
    description: 'False when any document failed (then nothing was stored) or on a dry run.',
  })
  applied!: boolean;
  @Field(() => [ApplyResourceResultModel]) results!: ApplyResourceResultModel[];
}

@ObjectType('PromoteStagedPolicyPayload')
export class PromoteStagedPolicyPayload {
  @Field(() => PolicyResourceModel, {
    nullable: true,
    description: 'The enforced policy; null when the staged action was Delete.',
  })
  enforced!: PolicyResourceModel | null;
  @Field(() => PolicyResourceKind) enforcedKind!: PolicyResourceKind;
}

@ObjectType('SetDriftModePayload')
export class SetDriftModePayload {
  @Field(() => DriftModeEnum) defaultDriftMode!: DriftModeEnum;
  @Field(() => PolicyResourceModel, { nullable: true }) resource!: PolicyResourceModel | null;
}

@ObjectType('ClusterPolicyResourceStatus')
export class ClusterPolicyResourceStatusModel {
  @Field(() => PolicyResourceKind) kind!: PolicyResourceKind;
  @Field(() => String, { nullable: true }) namespace!: string | null;
  @Field(() => String) name!: string;
  @Field(() => PolicySyncStatusEnum) status!: PolicySyncStatusEnum;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'What differs, for DRIFTED.' }) diff!: unknown;
  @Field(() => Int, { nullable: true, description: 'Generation the agent last reported this for.' })
  generation!: number | null;
  @Field(() => Date, { nullable: true }) reportedAt!: Date | null;
}

@ObjectType('ClusterPolicySync')
export class ClusterPolicySyncModel {
  @Field(() => Int, { nullable: true, description: 'Desired generation (null before any was computed).' })
  generation!: number | null;
  @Field(() => Int, { nullable: true, description: 'Generation the agent last applied.' })
  appliedGeneration!: number | null;
  @Field(() => PolicySyncStatusEnum) status!: PolicySyncStatusEnum;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Date, { nullable: true }) reportedAt!: Date | null;
  @Field(() => [ClusterPolicyResourceStatusModel]) resources!: ClusterPolicyResourceStatusModel[];
}

@ObjectType('PolicyClusterStatus')
export class PolicyClusterStatusModel {
  @Field(() => ClusterModel) cluster!: ClusterModel;
  @Field(() => PolicySyncStatusEnum) status!: PolicySyncStatusEnum;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => JSONScalar, { nullable: true }) diff!: unknown;
}

@ObjectType('PolicySyncEvent')
export class PolicySyncEventModel {
  @Field(() => ID) clusterId!: string;
  @Field(() => String) clusterName!: string;
  @Field(() => ClusterPolicySyncModel) policySync!: ClusterPolicySyncModel;
}

export const PolicyResourceConnection = Connection(PolicyResourceModel, 'PolicyResource');
export const PolicyRevisionConnection = Connection(PolicyRevisionModel, 'PolicyRevision');
