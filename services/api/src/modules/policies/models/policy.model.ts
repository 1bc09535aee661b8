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
    'projectcalico.org/v3 kinds by their Calico names, exactly as in YAML kind: (docs/decisions/0030); KubernetesNetworkPolicy is networking.k8s.io/v1 NetworkPolicy.',
  valuesMap: {
    FelixConfiguration: {
      description:
        'A Calico FelixConfiguration (cluster-scoped): dataplane, WireGuard and flow-log settings; applied as the object named by palisade.io/applies-as (default or node.<name>), else by its own name.',
    },
    Tier: {
      description: 'A Calico Tier (cluster-scoped): an ordered group of policies with a default action.',
    },
    NetworkPolicy: { description: 'A Calico NetworkPolicy (namespaced), evaluated in its tier.' },
    GlobalNetworkPolicy: {
      description: 'A Calico GlobalNetworkPolicy (cluster-scoped), evaluated in its tier.',
    },
    StagedNetworkPolicy: {
      description: 'A staged Calico NetworkPolicy (namespaced): evaluated, not enforced.',
    },
    StagedGlobalNetworkPolicy: {
      description: 'A staged Calico GlobalNetworkPolicy (cluster-scoped): evaluated, not enforced.',
    },
    StagedKubernetesNetworkPolicy: {
      description: 'A staged Kubernetes NetworkPolicy (namespaced): evaluated, not enforced.',
    },
    NetworkSet: { description: 'A Calico NetworkSet (namespaced): labelled CIDRs and domains.' },
    GlobalNetworkSet: {
      description: 'A Calico GlobalNetworkSet (cluster-scoped): labelled CIDRs and domains.',
    },
    KubernetesNetworkPolicy: {
      description:
        'A Kubernetes networking.k8s.io/v1 NetworkPolicy (namespaced); kind: NetworkPolicy in YAML.',
    },
  },
});

export const DriftModeEnum = enumOf(DRIFT_MODES, (m) => m.toUpperCase() as Uppercase<DriftMode>) as {
  readonly [M in DriftMode as Uppercase<M>]: M;
};
export type DriftModeEnum = DriftMode;
registerEnumType(DriftModeEnum, {
  name: 'DriftMode',
  description:
    'What an agent does when a managed object is changed behind its back: report it, or also revert it.',
  valuesMap: {
    REPORT: { description: 'Report the drift (status DRIFTED, with the diff); leave the object as it is.' },
    REVERT: { description: 'Report the drift and re-apply what Palisade applied.' },
  },
});

export enum PolicyChangeEnum {
  CREATED = 'created',
  CONFIGURED = 'configured',
  DELETED = 'deleted',
  ROLLED_BACK = 'rolled_back',
  PROMOTED = 'promoted',
  REORDERED = 'reordered',
}
registerEnumType(PolicyChangeEnum, {
  name: 'PolicyChange',
  description: 'What made a revision.',
  valuesMap: {
    CREATED: { description: 'The resource was created.' },
    CONFIGURED: { description: 'It was updated (updatePolicyResource or applyResources).' },
    DELETED: { description: 'It was deleted; the revision has no object.' },
    ROLLED_BACK: { description: 'An earlier revision was made current again.' },
    PROMOTED: { description: 'A staged policy was enforced into it.' },
    REORDERED: { description: 'Its spec.order was set by reorderTierPolicies.' },
  },
});

export enum ApplyActionEnum {
  CREATED = 'created',
  CONFIGURED = 'configured',
  UNCHANGED = 'unchanged',
  ERROR = 'error',
}
registerEnumType(ApplyActionEnum, {
  name: 'ApplyAction',
  description: 'What applyResources did, or would do on a dry run, with one document.',
  valuesMap: {
    CREATED: { description: 'The resource is new.' },
    CONFIGURED: { description: 'The resource exists and changes.' },
    UNCHANGED: { description: 'The resource exists and is the same (nothing is written).' },
    ERROR: { description: 'The document is invalid (see errors); nothing of the batch is stored.' },
  },
});

export const PolicySyncStatusEnum = enumOf(SYNC_STATUSES, (s) => s) as { readonly [S in SyncStatus]: S };
export type PolicySyncStatusEnum = SyncStatus;
registerEnumType(PolicySyncStatusEnum, {
  name: 'PolicySyncStatus',
  description:
    'Whether a cluster runs the policy Palisade wants it to run (per cluster, or per resource in a cluster).',
  valuesMap: {
    IN_SYNC: { description: 'The agent applied the newest generation and reported no difference.' },
    PENDING: { description: 'The agent has not yet applied the newest generation.' },
    FAILED: { description: 'The agent could not apply it (see the error or message).' },
    DRIFTED: {
      description: 'A managed object in the cluster differs from what Palisade applied (see the diff).',
    },
    DISCONNECTED: { description: 'No gateway holds the cluster now; its last state is unknown.' },
  },
});

@ObjectType('PolicyResource', {
  description:
    'A stored Calico or Kubernetes policy resource (or tier), identified by kind, namespace and name. Every role may read it.',
})
export class PolicyResourceModel {
  @Field(() => ID, { description: 'Stable id; a deleted and re-created resource gets a new one.' })
  id!: string;
  @Field(() => PolicyResourceKind, { description: 'Its kind.' }) kind!: PolicyResourceKind;
  @Field(() => String, { nullable: true, description: 'Its namespace; null for cluster-scoped kinds.' })
  namespace!: string | null;
  @Field(() => String, { description: 'Its metadata.name, 1 to 253 characters.' }) name!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Tier of a Calico policy or staged policy; null for other kinds.',
  })
  tier!: string | null;
  @Field(() => String, {
    description:
      "Selector over cluster labels (annotation palisade.io/cluster-selector); '' = every cluster.",
  })
  clusterSelector!: string;
  @Field(() => DriftModeEnum, {
    nullable: true,
    description: "Its own drift mode; null: the organisation's default applies.",
  })
  driftMode!: DriftModeEnum | null;
  @Field(() => DriftModeEnum, {
    description: "The driftMode, or the organisation's default when that is null.",
  })
  effectiveDriftMode!: DriftModeEnum;
  @Field(() => Int, { description: 'Current revision number (1 when created).' }) revision!: number;
  @Field(() => Boolean, { description: 'A built-in tier: always exists, never changes, never pushed.' })
  builtIn!: boolean;
  @Field(() => JSONScalar, { description: 'The validated, defaulted resource in canonical form.' })
  object!: unknown;
  @Field(() => String, { description: 'The same, as canonical YAML.' }) yaml!: string;
  @Field(() => Date, { description: 'When it was created.' }) createdAt!: Date;
  @Field(() => Date, { description: 'When its current revision was written.' }) updatedAt!: Date;
  /** Not in the schema: scopes this object's field resolvers. */
  orgId!: string;
}

@ObjectType('PolicyRevision', { description: 'One immutable revision of a resource.' })
export class PolicyRevisionModel {
  @Field(() => Int, { description: 'Revision number: 1, 2, … per resource.' }) revision!: number;
  @Field(() => PolicyChangeEnum, { description: 'What made it.' }) change!: PolicyChangeEnum;
  @Field(() => JSONScalar, { nullable: true, description: 'The whole object; null for a deletion.' })
  object!: unknown;
  @Field(() => String, { nullable: true, description: 'The object as canonical YAML; null for a deletion.' })
  yaml!: string | null;
  @Field(() => AuditActorModel, { description: 'Who made it.' }) actor!: AuditActorModel;
  @Field(() => Date, { description: 'When it was written.' }) createdAt!: Date;
}

@ObjectType('PolicyFieldChange', { description: 'One field that differs between two revisions.' })
export class PolicyFieldChangeModel {
  @Field(() => String, { description: "Field path, e.g. spec.ingress[0].action; '' for the whole object." })
  path!: string;
  @Field(() => String, { description: 'What happened to the field: added, removed or changed.' }) op!: string;
  @Field(() => JSONScalar, { nullable: true, description: 'Value in the from revision; null when added.' })
  before!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'Value in the to revision; null when removed.' })
  after!: unknown;
}

@ObjectType('PolicyRevisionDiff', { description: 'What changed between two revisions of one resource.' })
export class PolicyRevisionDiffModel {
  @Field(() => PolicyRevisionModel, { description: 'The from revision.' }) from!: PolicyRevisionModel;
  @Field(() => PolicyRevisionModel, { description: 'The to revision.' }) to!: PolicyRevisionModel;
  @Field(() => [PolicyFieldChangeModel], { description: 'Changed fields, by path.' })
  changes!: PolicyFieldChangeModel[];
  @Field(() => String, { description: "Unified diff of the canonical YAML; '' when equal." })
  unified!: string;
}

@ObjectType('Tier', {
  description: 'A policy tier as the policy board shows it: a summary of its Tier resource.',
})
export class TierModel {
  @Field(() => String, { description: 'Tier name (metadata.name).' }) name!: string;
  @Field(() => Float, { description: 'Its spec.order: lower is evaluated first.' }) order!: number;
  @Field(() => String, { description: 'Deny or Pass, for traffic no policy of the tier decided.' })
  defaultAction!: string;
  @Field(() => Boolean, { description: 'A built-in tier: always exists and cannot be changed or deleted.' })
  builtIn!: boolean;
  @Field(() => Int, { description: 'Policies (enforced and staged) in the tier.' }) policyCount!: number;
  @Field(() => PolicyResourceModel, { description: 'The Tier resource itself.' })
  resource!: PolicyResourceModel;
}

@ObjectType('PolicyValidationIssue', { description: 'A problem with one document, naming the field.' })
export class PolicyValidationIssueModel {
  @Field(() => String, {
    description: "Field in the resource, e.g. spec.ingress[0].action; '' for the document.",
  })
  field!: string;
  @Field(() => String, { description: 'What is wrong, for a person.' }) message!: string;
  @Field(() => Int, { nullable: true, description: 'Line in the submitted YAML (1-based), when known.' })
  line!: number | null;
  @Field(() => Int, { nullable: true, description: 'Column in that line (1-based), when known.' })
  column!: number | null;
}

@ObjectType('ApplyResourceResult', { description: 'The outcome for one document of an applyResources call.' })
export class ApplyResourceResultModel {
  @Field(() => Int, { description: 'Position in the stream (List items count one each).' }) index!: number;
  @Field(() => Int, { description: 'Line where the document starts in the YAML (1-based).' }) line!: number;
  @Field(() => PolicyResourceKind, {
    nullable: true,
    description: 'Its kind; null when it could not be read.',
  })
  kind!: PolicyResourceKind | null;
  @Field(() => String, { nullable: true, description: 'Its namespace; null for cluster-scoped kinds.' })
  namespace!: string | null;
  @Field(() => String, { nullable: true, description: 'Its name; null when it could not be read.' })
  name!: string | null;
  @Field(() => ApplyActionEnum, { description: 'What was (or would be) done.' }) action!: ApplyActionEnum;
  @Field(() => [PolicyValidationIssueModel], {
    description: 'Why the document is invalid; empty unless ERROR.',
  })
  errors!: PolicyValidationIssueModel[];
  @Field(() => PolicyResourceModel, { nullable: true, description: 'Set when the batch was applied.' })
  resource!: PolicyResourceModel | null;
}

@ObjectType('ApplyResourcesPayload', { description: 'The outcome of applyResources.' })
export class ApplyResourcesPayload {
  @Field(() => Boolean, { description: 'Whether this was a dry run.' }) dryRun!: boolean;
  @Field(() => Boolean, {
    description: 'False when any document failed (then nothing was stored) or on a dry run.',
  })
  applied!: boolean;
  @Field(() => [ApplyResourceResultModel], { description: 'One result per document, in the order given.' })
  results!: ApplyResourceResultModel[];
}

@ObjectType('PromoteStagedPolicyPayload', { description: 'The outcome of promoteStagedPolicy.' })
export class PromoteStagedPolicyPayload {
  @Field(() => PolicyResourceModel, {
    nullable: true,
    description: 'The enforced policy; null when the staged action was Delete.',
  })
  enforced!: PolicyResourceModel | null;
  @Field(() => PolicyResourceKind, { description: 'The enforced kind the staged policy maps to.' })
  enforcedKind!: PolicyResourceKind;
}

@ObjectType('SetDriftModePayload', { description: 'Drift modes after setDriftMode.' })
export class SetDriftModePayload {
  @Field(() => DriftModeEnum, { description: "The organisation's default drift mode." })
  defaultDriftMode!: DriftModeEnum;
  @Field(() => PolicyResourceModel, { nullable: true, description: 'The resource, when one was given.' })
  resource!: PolicyResourceModel | null;
}

@ObjectType('ClusterPolicyResourceStatus', { description: 'The state of one resource in one cluster.' })
export class ClusterPolicyResourceStatusModel {
  @Field(() => PolicyResourceKind, { description: 'Kind of the resource.' }) kind!: PolicyResourceKind;
  @Field(() => String, { nullable: true, description: 'Its namespace; null for cluster-scoped kinds.' })
  namespace!: string | null;
  @Field(() => String, { description: 'Its name.' }) name!: string;
  @Field(() => PolicySyncStatusEnum, { description: 'Its state in the cluster.' })
  status!: PolicySyncStatusEnum;
  @Field(() => String, { nullable: true, description: "The agent's error, for FAILED." })
  message!: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'What differs, for DRIFTED.' }) diff!: unknown;
  @Field(() => Int, { nullable: true, description: 'Generation the agent last reported this for.' })
  generation!: number | null;
  @Field(() => Date, { nullable: true, description: 'When the agent last reported on it.' })
  reportedAt!: Date | null;
}

@ObjectType('ClusterPolicySync', {
  description:
    "A cluster's policy rollout: the generation Palisade wants, the one the agent applied, and per-resource results.",
})
export class ClusterPolicySyncModel {
  @Field(() => Int, { nullable: true, description: 'Desired generation (null before any was computed).' })
  generation!: number | null;
  @Field(() => Int, { nullable: true, description: 'Generation the agent last applied.' })
  appliedGeneration!: number | null;
  @Field(() => PolicySyncStatusEnum, { description: 'The state of the cluster as a whole.' })
  status!: PolicySyncStatusEnum;
  @Field(() => String, { nullable: true, description: 'Why the last apply failed, for FAILED.' })
  error!: string | null;
  @Field(() => Date, { nullable: true, description: 'When the agent last reported an apply.' })
  reportedAt!: Date | null;
  @Field(() => [ClusterPolicyResourceStatusModel], { description: 'Every resource the cluster should run.' })
  resources!: ClusterPolicyResourceStatusModel[];
}

@ObjectType('PolicyClusterStatus', { description: 'The state of one resource in one cluster it targets.' })
export class PolicyClusterStatusModel {
  @Field(() => ClusterModel, { description: 'The cluster.' }) cluster!: ClusterModel;
  @Field(() => PolicySyncStatusEnum, { description: "The resource's state there." })
  status!: PolicySyncStatusEnum;
  @Field(() => String, { nullable: true, description: "The agent's error, for FAILED." }) message!:
    string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'What differs, for DRIFTED.' }) diff!: unknown;
}

@ObjectType('PolicySyncEvent', { description: "A change of a cluster's policy rollout." })
export class PolicySyncEventModel {
  @Field(() => ID, { description: 'Cluster.id of the cluster.' }) clusterId!: string;
  @Field(() => String, { description: 'Its name.' }) clusterName!: string;
  @Field(() => ClusterPolicySyncModel, { description: 'Its rollout state now (not a delta).' })
  policySync!: ClusterPolicySyncModel;
}

export const PolicyResourceConnection = Connection(PolicyResourceModel, 'PolicyResource');
export const PolicyRevisionConnection = Connection(PolicyRevisionModel, 'PolicyRevision');
