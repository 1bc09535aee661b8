// GraphQL types of the impact preview: per flow key the verdicts before and after the edits with
// both traces, its class and why it is uncertain; totals per class, cluster and namespace.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../../../platform/graphql/connection.js';
import { FlowActionEnum, FlowEndpointTypeEnum, FlowReporterEnum } from '../../flows/models/flow-enums.js';
import type { PreviewRow } from '../policy-preview.service.js';

export enum PolicyChangeOpEnum {
  APPLY = 'APPLY',
  DELETE = 'DELETE',
}
registerEnumType(PolicyChangeOpEnum, {
  name: 'PolicyChangeOp',
  description: 'What a structured change does.',
  valuesMap: {
    APPLY: { description: 'Create the resource, or replace it when it exists.' },
    DELETE: { description: 'Delete the resource.' },
  },
});

export enum PreviewClassEnum {
  NEWLY_ALLOWED = 'NEWLY_ALLOWED',
  NEWLY_DENIED = 'NEWLY_DENIED',
  UNCERTAIN = 'UNCERTAIN',
  UNCHANGED = 'UNCHANGED',
}
registerEnumType(PreviewClassEnum, {
  name: 'PreviewClass',
  description: 'What the edits do to a flow key, replayed.',
  valuesMap: {
    NEWLY_ALLOWED: { description: 'Denied with the policies as stored, allowed with the edits.' },
    NEWLY_DENIED: { description: 'Allowed with the policies as stored, denied with the edits.' },
    UNCERTAIN: {
      description: 'An edited policy needs a fact the flow record does not carry; see uncertainties.',
    },
    UNCHANGED: { description: 'The same verdict before and after.' },
  },
});

export enum PreviewUncertaintyReasonEnum {
  AGGREGATED_LABELS = 'AGGREGATED_LABELS',
  AGGREGATED_NETWORK = 'AGGREGATED_NETWORK',
  AGGREGATED_PORT = 'AGGREGATED_PORT',
  SERVICE_ACCOUNT = 'SERVICE_ACCOUNT',
  UNKNOWN_ENDPOINT = 'UNKNOWN_ENDPOINT',
}
registerEnumType(PreviewUncertaintyReasonEnum, {
  name: 'PreviewUncertaintyReason',
  description: 'Which fact a flow record lacks.',
  valuesMap: {
    AGGREGATED_LABELS: {
      description:
        'A selector uses a label the aggregated endpoints do not share (or an unknown namespace label).',
    },
    AGGREGATED_NETWORK: { description: 'A rule names a CIDR; the record has only pub/pvt or no address.' },
    AGGREGATED_PORT: {
      description:
        'A rule names a port range, named port, source port or ICMP type the record does not pin down.',
    },
    SERVICE_ACCOUNT: { description: 'A selector uses the service account, which records do not carry.' },
    UNKNOWN_ENDPOINT: {
      description: 'A host endpoint or network set of the record is not among the resources.',
    },
  },
});

@ObjectType('PreviewVerdict', { description: "One direction's replayed verdict." })
export class PreviewVerdictModel {
  @Field(() => FlowActionEnum, { description: 'Allow or deny.' }) action!: FlowActionEnum;
  @Field(() => [String], { description: 'Policy hits `index|tier|kind:[ns/]name|action|rule`, in order.' })
  trace!: string[];
}

@ObjectType('PreviewUncertainty', { description: 'Why a flow key cannot be decided.' })
export class PreviewUncertaintyModel {
  @Field(() => PreviewUncertaintyReasonEnum, { description: 'The kind of fact missing.' })
  reason!: PreviewUncertaintyReasonEnum;
  @Field(() => String, { description: 'The edited resource that needs it, `Kind/[namespace/]name`.' })
  resource!: string;
  @Field(() => String, { description: 'What exactly is missing, in words.' }) detail!: string;
}

@ObjectType('PreviewedFlow', {
  description: "One flow key of the window (a flow's fields without time and counters), replayed.",
})
export class PreviewedFlowModel {
  @Field(() => ID, { description: 'Cluster and the hash of the key fields.' }) id!: string;
  @Field(() => String, { description: 'Name of the cluster that reported it.' }) cluster!: string;
  @Field(() => PreviewClassEnum, { description: 'What the edits do to it.' }) class!: PreviewClassEnum;
  @Field(() => PreviewVerdictModel, {
    nullable: true,
    description: "The reporter's verdict replayed with the resources as stored; null when not replayable.",
  })
  before!: PreviewVerdictModel | null;
  @Field(() => PreviewVerdictModel, {
    nullable: true,
    description: "The reporter's verdict replayed with the edits; null when not replayable.",
  })
  after!: PreviewVerdictModel | null;
  @Field(() => [PreviewUncertaintyModel], { description: 'Why it is UNCERTAIN; empty otherwise.' })
  uncertainties!: PreviewUncertaintyModel[];
  @Field(() => FlowActionEnum, { description: 'The verdict recorded in its latest bucket.' })
  recordedAction!: FlowActionEnum;
  @Field(() => [String], { description: 'The enforced trace recorded in its latest bucket.' })
  recordedTrace!: string[];
  @Field(() => Date, { description: 'Start of its first bucket in the window.' }) firstSeen!: Date;
  @Field(() => Date, { description: 'Start of its latest bucket in the window.' }) lastSeen!: Date;
  @Field(() => Float, { description: 'Connections summed over the window.' }) numFlows!: number;
  @Field(() => FlowEndpointTypeEnum, { description: 'Source endpoint type.' })
  sourceType!: FlowEndpointTypeEnum;
  @Field(() => String, { description: 'Source namespace (`-` if none).' }) sourceNamespace!: string;
  @Field(() => String, { description: 'Source aggregated name.' }) sourceName!: string;
  @Field(() => [String], { description: 'Labels all aggregated sources share, `key=value`.' })
  sourceLabels!: string[];
  @Field(() => FlowEndpointTypeEnum, { description: 'Destination endpoint type.' })
  destType!: FlowEndpointTypeEnum;
  @Field(() => String, { description: 'Destination namespace (`-` if none).' }) destNamespace!: string;
  @Field(() => String, { description: 'Destination aggregated name.' }) destName!: string;
  @Field(() => [String], { description: 'Labels all aggregated destinations share, `key=value`.' })
  destLabels!: string[];
  @Field(() => Int, { nullable: true, description: 'Destination port; null for protocols without ports.' })
  destPort!: number | null;
  @Field(() => String, { description: 'Service namespace (`-` if not via a Service).' })
  destServiceNamespace!: string;
  @Field(() => String, { description: 'Service name (`-` if not via a Service).' }) destServiceName!: string;
  @Field(() => String, { description: 'Service port name (`-` if not via a Service).' })
  destServicePortName!: string;
  @Field(() => Int, { nullable: true, description: 'Service port; null if not via a Service.' })
  destServicePort!: number | null;
  @Field(() => String, { description: 'Protocol, lower case.' }) proto!: string;
  @Field(() => FlowReporterEnum, { description: 'Which end logged it, so whose policy was replayed.' })
  reporter!: FlowReporterEnum;
}

export const PreviewedFlowConnection = Connection(PreviewedFlowModel, 'PreviewedFlow');

@ObjectType('PreviewClassCounts', { description: 'Flow keys per class.' })
export class PreviewClassCountsModel {
  @Field(() => Int, { description: 'Flow keys newly allowed.' }) newlyAllowed!: number;
  @Field(() => Int, { description: 'Flow keys newly denied.' }) newlyDenied!: number;
  @Field(() => Int, { description: 'Flow keys that cannot be decided.' }) uncertain!: number;
  @Field(() => Int, { description: 'Flow keys with the same verdict.' }) unchanged!: number;
}

@ObjectType('PreviewClusterTotals', { description: 'Flow keys per class in one cluster.' })
export class PreviewClusterTotalsModel {
  @Field(() => String, { description: 'Cluster name.' }) cluster!: string;
  @Field(() => PreviewClassCountsModel, { description: 'Its counts.' }) counts!: PreviewClassCountsModel;
}

@ObjectType('PreviewNamespaceTotals', {
  description: 'Flow keys per class whose reporter is in one namespace of one cluster (`-`: not namespaced).',
})
export class PreviewNamespaceTotalsModel {
  @Field(() => String, { description: 'Cluster name.' }) cluster!: string;
  @Field(() => String, { description: 'Namespace of the reporting endpoint.' }) namespace!: string;
  @Field(() => PreviewClassCountsModel, { description: 'Its counts.' }) counts!: PreviewClassCountsModel;
}

@ObjectType('PolicyChangePreview', {
  description: 'What unsaved edits would do to the flows of a window, replayed; nothing was changed.',
})
export class PolicyChangePreviewModel {
  @Field(() => Date, { description: 'Start of the replayed window (inclusive).' }) from!: Date;
  @Field(() => Date, { description: 'End of the replayed window (exclusive).' }) to!: Date;
  @Field(() => [String], {
    description: "Names of the clusters the edits target (by the resources' cluster selectors).",
  })
  clusters!: string[];
  @Field(() => PreviewClassCountsModel, { description: 'Flow keys per class over every cluster.' })
  totals!: PreviewClassCountsModel;
  @Field(() => [PreviewClusterTotalsModel], { description: 'Per cluster, in cluster name order.' })
  byCluster!: PreviewClusterTotalsModel[];
  @Field(() => [PreviewNamespaceTotalsModel], { description: 'Per cluster and namespace.' })
  byNamespace!: PreviewNamespaceTotalsModel[];
  /** Every previewed flow, in list order; read by the `flows` field, not exposed. */
  rows!: PreviewRow[];
  /** The organisation, for the access guard of `flows`; not exposed. */
  orgId!: string;
}
