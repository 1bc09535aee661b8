// GraphQL object types of flow history: flows with their traces, filter hints, policy statistics,
// the service graph, live batches, a cluster's ingestion status and the retention setting.
// Counters are Float: they are 64-bit in the store and exact in a double up to 2^53.
import { Field, ID, Int, Float, ObjectType } from '@nestjs/graphql';
import { Connection, PageInfo } from '../../../platform/graphql/connection.js';
import { FLOW_COUNT_LIMIT } from '../flows.service.js';
import { ClusterModel } from '../../clusters/models/cluster.model.js';
import {
  FlowActionEnum,
  FlowEndpointTypeEnum,
  FlowPolicyKindEnum,
  FlowReporterEnum,
  PolicyActionEnum,
  ServiceGraphNodeTypeEnum,
} from './flow-enums.js';

@ObjectType('PolicyTrigger', { description: 'The policy whose selector made an EndOfTier hit apply.' })
export class PolicyTriggerModel {
  @Field(() => FlowPolicyKindEnum, { description: 'Kind of the selecting policy.' })
  kind!: FlowPolicyKindEnum;
  @Field(() => String, { nullable: true, description: 'Namespace, null for global kinds.' })
  namespace!: string | null;
  @Field(() => String, { description: 'Name of the selecting policy.' }) name!: string;
}

@ObjectType('PolicyHit', { description: 'One step of a policy trace: a policy (or tier end) that acted.' })
export class PolicyHitModel {
  @Field(() => Int, { description: 'Position of the policy in the evaluation order of the trace.' })
  policyIndex!: number;
  @Field(() => String, { description: 'Tier of the policy (`__PROFILE__` for profiles).' }) tier!: string;
  @Field(() => FlowPolicyKindEnum, { description: 'Kind of the policy.' }) kind!: FlowPolicyKindEnum;
  @Field(() => String, { nullable: true, description: 'Namespace, null for global kinds.' })
  namespace!: string | null;
  @Field(() => String, { description: 'Policy name (for EndOfTier, the selecting policy).' }) name!: string;
  @Field(() => PolicyActionEnum, { description: 'What this hit decided.' }) action!: PolicyActionEnum;
  @Field(() => Int, {
    description: 'Index of the matching rule; -1 = no rule matched (tier default), -2 = unknown.',
  })
  ruleIndex!: number;
  @Field(() => PolicyTriggerModel, { nullable: true, description: 'Set on EndOfTier hits only.' })
  trigger!: PolicyTriggerModel | null;
  @Field(() => String, {
    description:
      'The hit in Calico’s current trace format: `<index>|<tier>|<kind>:[<ns>/]<name>|<action>|<rule>`.',
  })
  trace!: string;
}

@ObjectType('Flow', { description: 'Aggregated traffic of one 15-second bucket between two endpoints.' })
export class FlowModel {
  @Field(() => ID, { description: 'Stable id of this stored bucket.' }) id!: string;
  @Field(() => ClusterModel, { description: 'The cluster that reported the flow.' }) cluster!: ClusterModel;
  @Field(() => Date, { description: 'Start of the bucket (a multiple of 15 s).' }) startTime!: Date;
  @Field(() => Date, { description: 'End of the bucket.' }) endTime!: Date;
  @Field(() => FlowEndpointTypeEnum, { description: 'Source endpoint type.' })
  sourceType!: FlowEndpointTypeEnum;
  @Field(() => String, { description: 'Source namespace; `-` when not namespaced.' })
  sourceNamespace!: string;
  @Field(() => String, { description: 'Source name (pod prefix, set, host, `pub` or `pvt`).' })
  sourceName!: string;
  @Field(() => [String], { description: 'Source labels common to every aggregated endpoint, `key=value`.' })
  sourceLabels!: string[];
  @Field(() => FlowEndpointTypeEnum, { description: 'Destination endpoint type.' })
  destType!: FlowEndpointTypeEnum;
  @Field(() => String, { description: 'Destination namespace; `-` when not namespaced.' })
  destNamespace!: string;
  @Field(() => String, { description: 'Destination name (pod prefix, set, host, `pub` or `pvt`).' })
  destName!: string;
  @Field(() => [String], { description: 'Destination labels common to every aggregated endpoint.' })
  destLabels!: string[];
  @Field(() => Int, { nullable: true, description: 'Destination port; null for protocols without ports.' })
  destPort!: number | null;
  @Field(() => String, { description: 'Namespace of the Service addressed; `-` if none.' })
  destServiceNamespace!: string;
  @Field(() => String, { description: 'Name of the Service addressed; `-` if none.' })
  destServiceName!: string;
  @Field(() => String, { description: 'Port name of the Service; `-` if none, `*` if several.' })
  destServicePortName!: string;
  @Field(() => Int, { nullable: true, description: 'Port number of the Service, if any.' })
  destServicePort!: number | null;
  @Field(() => String, { description: 'Protocol, lower case (tcp, udp, icmp, …).' }) proto!: string;
  @Field(() => FlowReporterEnum, { description: 'Which end logged this flow.' }) reporter!: FlowReporterEnum;
  @Field(() => FlowActionEnum, { description: 'The enforced verdict.' }) action!: FlowActionEnum;
  @Field(() => PolicyActionEnum, {
    nullable: true,
    description: 'The verdict if every staged policy were enforced: the action of the last pending hit.',
  })
  pendingAction!: PolicyActionEnum | null;
  @Field(() => [PolicyHitModel], { description: 'What the dataplane did, hit by hit.' })
  enforcedPolicies!: PolicyHitModel[];
  @Field(() => [PolicyHitModel], { description: 'The re-evaluation with staged policies enforced.' })
  pendingPolicies!: PolicyHitModel[];
  @Field(() => [String], { description: 'The enforced trace in Calico’s current string format.' })
  enforcedTrace!: string[];
  @Field(() => [String], { description: 'The pending trace in Calico’s current string format.' })
  pendingTrace!: string[];
  @Field(() => Float, { description: 'Packets into the reporting endpoint.' }) packetsIn!: number;
  @Field(() => Float, { description: 'Packets out of the reporting endpoint.' }) packetsOut!: number;
  @Field(() => Float, { description: 'Bytes into the reporting endpoint.' }) bytesIn!: number;
  @Field(() => Float, { description: 'Bytes out of the reporting endpoint.' }) bytesOut!: number;
  @Field(() => Float, { description: 'Distinct connections seen in the bucket.' }) numFlows!: number;
  @Field(() => Float, { description: 'Connections started in the bucket.' }) numFlowsStarted!: number;
  @Field(() => Float, { description: 'Connections completed in the bucket.' }) numFlowsCompleted!: number;
}

@ObjectType('FlowFilterHint', { description: 'A value that occurs in the matching flows.' })
export class FlowFilterHintModel {
  @Field(() => String, { description: 'The value, as stored (`-` = not namespaced).' }) value!: string;
}

@ObjectType('TrafficCounters', { description: 'Summed flow counters.' })
export class TrafficCountersModel {
  @Field(() => Float, { description: 'Packets in, as the reporting endpoint counted them.' })
  packetsIn!: number;
  @Field(() => Float, { description: 'Packets out, as the reporting endpoint counted them.' })
  packetsOut!: number;
  @Field(() => Float, { description: 'Bytes in.' }) bytesIn!: number;
  @Field(() => Float, { description: 'Bytes out.' }) bytesOut!: number;
  @Field(() => Float, { description: 'Connections started.' }) connectionsStarted!: number;
  @Field(() => Float, { description: 'Connections completed.' }) connectionsCompleted!: number;
}

@ObjectType('PolicyStatistics', {
  description:
    'Traffic one policy (or one of its rules) acted on: the policy board’s hit counters. Enforced hits count for every kind; staged kinds count their pending hits.',
})
export class PolicyStatisticsModel {
  @Field(() => FlowPolicyKindEnum, { description: 'Kind of the policy.' }) kind!: FlowPolicyKindEnum;
  @Field(() => String, { description: 'Tier of the policy.' }) tier!: string;
  @Field(() => String, { nullable: true, description: 'Namespace, null for global kinds.' })
  namespace!: string | null;
  @Field(() => String, { description: 'Policy name.' }) name!: string;
  @Field(() => Int, { nullable: true, description: 'The rule, when grouped by RULE; null per policy.' })
  ruleIndex!: number | null;
  @Field(() => TrafficCountersModel, { description: 'Traffic the hits allowed.' })
  allowed!: TrafficCountersModel;
  @Field(() => TrafficCountersModel, { description: 'Traffic the hits denied.' })
  denied!: TrafficCountersModel;
  @Field(() => TrafficCountersModel, { description: 'Traffic the hits passed to the next tier.' })
  passed!: TrafficCountersModel;
}

@ObjectType('ServiceGraphNode', { description: 'A node of the service graph.' })
export class ServiceGraphNodeModel {
  @Field(() => ID, { description: 'Unique in this graph; stable across queries.' }) id!: string;
  @Field(() => ServiceGraphNodeTypeEnum, { description: 'What the node stands for.' })
  type!: ServiceGraphNodeTypeEnum;
  @Field(() => String, { description: 'Display name (the namespace, workload prefix, service, set, …).' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'Namespace of a namespaced node.' })
  namespace!: string | null;
  @Field(() => String, { description: 'Name of the cluster the node is in.' }) cluster!: string;
  @Field(() => ID, { nullable: true, description: 'The namespace node containing this node.' })
  parentId!: string | null;
}

@ObjectType('ServiceGraphEdge', { description: 'Traffic from one node to another (directed).' })
export class ServiceGraphEdgeModel {
  @Field(() => ID, { description: 'Source node id.' }) sourceId!: string;
  @Field(() => ID, { description: 'Destination node id.' }) destId!: string;
  @Field(() => TrafficCountersModel, {
    description:
      'Allowed traffic, from the destination’s report when the destination reported, else the source’s: a flow both ends logged counts once.',
  })
  allowed!: TrafficCountersModel;
  @Field(() => TrafficCountersModel, { description: 'Traffic the source’s egress policy denied.' })
  deniedAtSource!: TrafficCountersModel;
  @Field(() => TrafficCountersModel, { description: 'Traffic the destination’s ingress policy denied.' })
  deniedAtDest!: TrafficCountersModel;
}

@ObjectType('ServiceGraph', { description: 'Who talks to whom, with L3 statistics.' })
export class ServiceGraphModel {
  @Field(() => [ServiceGraphNodeModel], { description: 'At most 1,000 nodes.' })
  nodes!: ServiceGraphNodeModel[];
  @Field(() => [ServiceGraphEdgeModel], {
    description: 'The busiest edges: from at most 500 endpoint pairs, two hops each when through a Service.',
  })
  edges!: ServiceGraphEdgeModel[];
  @Field(() => Boolean, { description: 'True when edges were left out to stay within the bounds.' })
  truncated!: boolean;
  @Field(() => Date, { description: 'Start of the window the graph covers (inclusive).' }) from!: Date;
  @Field(() => Date, { description: 'End of the window (exclusive).' }) to!: Date;
}

@ObjectType('FlowRejection', { description: 'Records the gateway refused, by reason.' })
export class FlowRejectionModel {
  @Field(() => String, { description: 'Why (e.g. a field-named validation failure).' }) reason!: string;
  @Field(() => Float, { description: 'Records refused for this reason.' })
  count!: number;
}

@ObjectType('FlowIngestionStatus', { description: 'How a cluster’s flow records are arriving.' })
export class FlowIngestionStatusModel {
  @Field(() => Date, { nullable: true, description: 'When the last batch was stored; null: never.' })
  lastBatchAt!: Date | null;
  @Field(() => Float, {
    description:
      'Records stored per second, smoothed over about a minute; decays to 0 while the cluster sends nothing.',
  })
  recordsPerSecond!: number;
  @Field(() => Float, { description: 'Records stored since the cluster first sent flows.' })
  recordsAccepted!: number;
  @Field(() => Float, { description: 'Records the gateway refused, all reasons.' }) recordsRejected!: number;
  @Field(() => Float, { description: 'Records the agent dropped because its buffer was full.' })
  droppedTotal!: number;
  @Field(() => [FlowRejectionModel], { description: 'Refused records by reason, most first.' })
  rejected!: FlowRejectionModel[];
}

@ObjectType('FlowLiveBatch', {
  description: 'Flows of buckets a cluster just stored, that match the filter.',
})
export class FlowLiveBatchModel {
  @Field(() => ClusterModel, { description: 'The cluster the batch came from.' }) cluster!: ClusterModel;
  @Field(() => [FlowModel], { description: 'Matching flows of the new buckets, newest first.' })
  flows!: FlowModel[];
  @Field(() => Boolean, { description: 'True when more flows matched than one event carries.' })
  truncated!: boolean;
}

@ObjectType('FlowRetention', { description: 'How long the organisation keeps flow history.' })
export class FlowRetentionModel {
  @Field(() => Int, { description: 'Days of flow history kept, 1 to 400.' }) days!: number;
  @Field(() => Date, { description: 'Flows that started before this are never listed.' })
  oldestVisible!: Date;
}

@ObjectType('FlowEdge', { description: 'A flow and its cursor.' })
export class FlowEdgeModel {
  @Field(() => String, { description: 'Pass as `after` for the flows following this one.' })
  cursor!: string;
  @Field(() => FlowModel, { description: 'The flow.' }) node!: FlowModel;
}

@ObjectType('FlowConnection', { description: 'A page of flows.' })
export class FlowConnection {
  @Field(() => [FlowEdgeModel], { description: 'The flows of this page.' }) edges!: FlowEdgeModel[];
  @Field(() => PageInfo, { description: 'Where this page is in the list.' }) pageInfo!: PageInfo;
  @Field(() => Int, {
    description: `Flows that match, counted up to ${FLOW_COUNT_LIMIT.toLocaleString('en')}: see totalCountExact.`,
  })
  totalCount!: number;
  @Field(() => Boolean, {
    description: `False when more than ${FLOW_COUNT_LIMIT.toLocaleString('en')} flows match: totalCount is then a lower bound.`,
  })
  totalCountExact!: boolean;
}
export const FlowFilterHintConnection = Connection(FlowFilterHintModel, 'FlowFilterHint');
export const PolicyStatisticsConnection = Connection(PolicyStatisticsModel, 'PolicyStatistics');
