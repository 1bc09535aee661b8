// GraphQL types of compliance reports: definitions (Calico's GlobalReport plus Palisade's cluster
// selector), their revisions, and runs with their status.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../../../platform/graphql/connection.js';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';
import { AuditActorModel } from '../../audit/models/audit-event.model.js';

export enum ReportTypeEnum {
  INVENTORY = 'inventory',
  NETWORK_ACCESS = 'network-access',
  POLICY_AUDIT = 'policy-audit',
  ENCRYPTION = 'encryption',
}
registerEnumType(ReportTypeEnum, {
  name: 'ReportType',
  description:
    "What a report computes (Calico's GlobalReport spec.reportType; cis-benchmark is not offered).",
  valuesMap: {
    INVENTORY: {
      description: 'Endpoints, namespaces and services in scope, with their ingress/egress protection.',
    },
    NETWORK_ACCESS: {
      description:
        'Protection plus exposure (from the internet, from other namespaces) and the traffic seen in the interval.',
    },
    POLICY_AUDIT: {
      description: 'Policy creations, changes and deletions in the interval, with their diffs.',
    },
    ENCRYPTION: {
      description:
        "Palisade's fleet encryption summary: per cluster in scope its nodes, how many encrypt in transit (WireGuard enabled and the node's public key published), dataplanes and Calico versions, and every node.",
    },
  },
});

export enum ReportRunStatusEnum {
  FAILED = 'failed',
  QUEUED = 'queued',
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
}
registerEnumType(ReportRunStatusEnum, {
  name: 'ReportRunStatus',
  description: 'Where a run is.',
  valuesMap: {
    FAILED: { description: 'Gave up after its retries; error says why.' },
    QUEUED: { description: 'Waiting for a worker (or for a retry, with the last error in error).' },
    RUNNING: { description: 'Being computed; progress says how far.' },
    SUCCEEDED: { description: 'Done; its files can be downloaded.' },
  },
});

export enum ReportRunTriggerEnum {
  ON_DEMAND = 'on_demand',
  SCHEDULED = 'scheduled',
}
registerEnumType(ReportRunTriggerEnum, {
  name: 'ReportRunTrigger',
  description: 'Why a run exists.',
  valuesMap: {
    ON_DEMAND: { description: 'Requested with runReport for a past interval.' },
    SCHEDULED: { description: 'A tick of the definition’s schedule closed its interval.' },
  },
});

export enum ReportDefinitionChangeEnum {
  CONFIGURED = 'configured',
  CREATED = 'created',
  DELETED = 'deleted',
}
registerEnumType(ReportDefinitionChangeEnum, {
  name: 'ReportDefinitionChange',
  description: 'What a revision of a report definition recorded.',
  valuesMap: {
    CONFIGURED: { description: 'The definition was changed.' },
    CREATED: { description: 'The definition was created.' },
    DELETED: { description: 'The definition was deleted (its runs are kept).' },
  },
});

@ObjectType('ReportScope', {
  description:
    "Which endpoints a report covers: Calico's spec.endpoints (all given conditions must hold) and Palisade's cluster selector.",
})
export class ReportScopeModel {
  @Field(() => String, { description: "Label selector on endpoints; '' selects every endpoint." })
  endpointSelector!: string;
  @Field(() => [String], { description: 'Namespace names (any of them); empty for no name condition.' })
  namespaceNames!: string[];
  @Field(() => String, { description: "Label selector on namespaces; '' for no condition." })
  namespaceSelector!: string;
  @Field(() => [String], {
    description: 'Service account names (any of them); empty for no name condition.',
  })
  serviceAccountNames!: string[];
  @Field(() => String, { description: "Label selector on service accounts; '' for no condition." })
  serviceAccountSelector!: string;
  @Field(() => String, { description: "Selector over cluster labels; '' covers every cluster." })
  clusterSelector!: string;
}

@InputType('ReportScopeInput', {
  description: 'Which endpoints a report covers; every given condition must hold. Omitted fields select all.',
})
export class ReportScopeInput {
  @Field(() => String, { nullable: true, description: 'Label selector on endpoints (Calico syntax).' })
  endpointSelector?: string | null;
  @Field(() => [String], { nullable: true, description: 'Namespace names, at most 1000.' })
  namespaceNames?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Label selector on namespaces.' })
  namespaceSelector?: string | null;
  @Field(() => [String], { nullable: true, description: 'Service account names, at most 1000.' })
  serviceAccountNames?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Label selector on service accounts.' })
  serviceAccountSelector?: string | null;
  @Field(() => String, { nullable: true, description: 'Selector over cluster labels.' })
  clusterSelector?: string | null;
}

@ObjectType('ReportRun', {
  description:
    'One computation of a report definition over one interval [start, end); unique per definition and interval.',
})
export class ReportRunModel {
  @Field(() => ID, { description: 'Stable id of the run.' }) id!: string;
  @Field(() => String, { description: 'Name of its definition (kept when the definition is deleted).' })
  definitionName!: string;
  @Field(() => ReportTypeEnum, { description: 'What it computes.' }) type!: ReportTypeEnum;
  @Field(() => ReportScopeModel, {
    description: 'The scope it was asked with (later edits do not change it).',
  })
  scope!: ReportScopeModel;
  @Field(() => ReportRunTriggerEnum, { description: 'Scheduled tick or on-demand request.' })
  trigger!: ReportRunTriggerEnum;
  @Field(() => Date, { description: 'Start of the interval (inclusive).' }) intervalStart!: Date;
  @Field(() => Date, { description: 'End of the interval (exclusive).' }) intervalEnd!: Date;
  @Field(() => ReportRunStatusEnum, { description: 'Where it is.' }) status!: ReportRunStatusEnum;
  @Field(() => Int, { description: 'Percent done, 0 to 100.' }) progress!: number;
  @Field(() => Int, { description: 'Attempts started so far (retries included).' }) attempts!: number;
  @Field(() => String, {
    nullable: true,
    description: 'Why it failed (FAILED), or why the last attempt failed (QUEUED for a retry).',
  })
  error!: string | null;
  @Field(() => String, { description: 'Who asked: a user, token:<name>, or schedule.' }) requestedBy!: string;
  @Field(() => Date, { description: 'When it was requested.' }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When its latest attempt started.' })
  startedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it succeeded or finally failed.' })
  finishedAt!: Date | null;
  /** Not in the schema: scopes this object's field resolvers. */
  orgId!: string;
}

@ObjectType('ReportDefinitionRevision', { description: 'One immutable revision of a report definition.' })
export class ReportDefinitionRevisionModel {
  @Field(() => Int, { description: 'Revision number, from 1.' }) revision!: number;
  @Field(() => ReportDefinitionChangeEnum, { description: 'What this revision recorded.' })
  change!: ReportDefinitionChangeEnum;
  @Field(() => JSONScalar, {
    nullable: true,
    description: 'The definition as a GlobalReport at this revision; null for a deletion.',
  })
  globalReport!: unknown;
  @Field(() => AuditActorModel, { description: 'Who made it.' }) actor!: AuditActorModel;
  @Field(() => Date, { description: 'When it was written.' }) createdAt!: Date;
}

@ObjectType('ReportDefinition', {
  description:
    "A compliance report definition: Calico's GlobalReport (type, endpoint scope, cron schedule, suspend) plus Palisade's cluster selector.",
})
export class ReportDefinitionModel {
  @Field(() => ID, { description: 'Stable id of the definition.' }) id!: string;
  @Field(() => String, { description: 'Its name, unique in the organisation (a DNS subdomain).' })
  name!: string;
  @Field(() => ReportTypeEnum, { description: 'What it computes.' }) type!: ReportTypeEnum;
  @Field(() => ReportScopeModel, { description: 'Which endpoints it covers.' }) scope!: ReportScopeModel;
  @Field(() => String, {
    description: 'Five-field cron in UTC; each tick closes the interval that began at the previous tick.',
  })
  schedule!: string;
  @Field(() => Boolean, { description: 'True while scheduled runs are stopped (on-demand runs still work).' })
  suspend!: boolean;
  @Field(() => Int, { description: 'Current revision number.' }) revision!: number;
  @Field(() => JSONScalar, { description: 'The definition as a GlobalReport object (kubectl-style).' })
  globalReport!: unknown;
  @Field(() => String, {
    description: 'The definition as GlobalReport YAML (applyGlobalReports takes it back).',
  })
  yaml!: string;
  @Field(() => Date, { description: 'When it was created.' }) createdAt!: Date;
  @Field(() => Date, { description: 'When it was last changed.' }) updatedAt!: Date;
  @Field(() => [ReportRunModel], {
    description: 'The 2 newest successful runs, newest first (Calico’s status.lastSuccessfulReportJobs).',
  })
  lastSuccessfulRuns!: ReportRunModel[];
  @Field(() => [ReportRunModel], {
    description: 'The 3 newest failed runs, newest first (Calico’s status.lastFailedReportJobs).',
  })
  lastFailedRuns!: ReportRunModel[];
  @Field(() => [ReportRunModel], {
    description: 'Up to 5 queued or running runs, newest first (Calico’s status.activeReportJobs).',
  })
  activeRuns!: ReportRunModel[];
  /** Not in the schema: scopes this object's field resolvers. */
  orgId!: string;
  /** Not in the schema: the next tick, null while suspended. */
  nextRunAt!: Date | null;
}

export const ReportDefinitionConnection = Connection(ReportDefinitionModel, 'ReportDefinition');
export type ReportDefinitionConnection = InstanceType<typeof ReportDefinitionConnection>;
export const ReportRunConnection = Connection(ReportRunModel, 'ReportRun');
export type ReportRunConnection = InstanceType<typeof ReportRunConnection>;
export const ReportDefinitionRevisionConnection = Connection(
  ReportDefinitionRevisionModel,
  'ReportDefinitionRevision',
);
export type ReportDefinitionRevisionConnection = InstanceType<typeof ReportDefinitionRevisionConnection>;

@ObjectType('ApplyGlobalReportsItem', { description: 'What applyGlobalReports did with one document.' })
export class ApplyGlobalReportsItemModel {
  @Field(() => String, { description: 'The GlobalReport’s metadata.name.' }) name!: string;
  @Field(() => String, { description: 'What was done: created, configured or unchanged.' }) action!: string;
  @Field(() => ReportDefinitionModel, { description: 'The definition after the apply.' })
  definition!: ReportDefinitionModel;
}

@ObjectType('ReportScopeClusterCount', {
  description: 'Endpoints a report scope selects in one cluster right now.',
})
export class ReportScopeClusterCountModel {
  @Field(() => String, { description: 'Name of the cluster.' }) cluster!: string;
  @Field(() => Int, { description: 'Endpoints of its last inventory in scope.' }) endpoints!: number;
}

@ObjectType('ReportScopeCount', {
  description:
    "What a report scope selects right now, from each in-scope cluster's last inventory, by the rule a run applies.",
})
export class ReportScopeCountModel {
  @Field(() => Int, { description: 'Endpoints in scope, over every cluster.' }) endpoints!: number;
  @Field(() => Int, { description: 'Namespaces with an endpoint in scope, summed over clusters.' })
  namespaces!: number;
  @Field(() => Int, { description: 'Service accounts with an endpoint in scope, summed over clusters.' })
  serviceAccounts!: number;
  @Field(() => [ReportScopeClusterCountModel], {
    description: 'Per cluster the cluster selector takes, by name (clusters with none in scope included).',
  })
  clusters!: ReportScopeClusterCountModel[];
}
