import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../../../platform/graphql/connection.js';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';

export enum ClusterStatus {
  CONNECTED = 'CONNECTED',
  DISCONNECTED = 'DISCONNECTED',
  NEVER_CONNECTED = 'NEVER_CONNECTED',
}
registerEnumType(ClusterStatus, {
  name: 'ClusterStatus',
  description: 'CONNECTED while a gateway holds the agent’s tunnel (its lease is live).',
});

@ObjectType('Label')
export class LabelModel {
  @Field(() => String) key!: string;
  @Field(() => String) value!: string;
}

@InputType('LabelInput')
export class LabelInput {
  @Field(() => String) key!: string;
  @Field(() => String) value!: string;
}

@ObjectType('Cluster')
export class ClusterModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [LabelModel]) labels!: LabelModel[];
  @Field(() => ClusterStatus) status!: ClusterStatus;
  @Field(() => Date, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the current tunnel was established.' })
  connectedSince!: Date | null;
  @Field(() => String, { nullable: true }) agentVersion!: string | null;
  @Field(() => String, { nullable: true }) kubernetesVersion!: string | null;
  @Field(() => String, { nullable: true }) calicoVersion!: string | null;
  @Field(() => String, { nullable: true, description: 'kubernetes or simulated.' }) provider!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) inventoryUpdatedAt!: Date | null;
  /** Not in the schema: scopes this object's field resolvers. */
  orgId!: string;
}

@ObjectType('RegisterClusterPayload')
export class RegisterClusterPayload {
  @Field(() => ClusterModel) cluster!: ClusterModel;
  @Field(() => String, {
    description:
      'Enrollment token for one agent (valid 24 hours; spent as soon as the agent has stored the credential it receives). Shown only here.',
  })
  enrollmentToken!: string;
  @Field(() => Date) enrollmentExpiresAt!: Date;
  @Field(() => String, {
    description:
      'Run this in the cluster to install the agent. Its URL holds an install code good for one download within an hour, not the token.',
  })
  installCommand!: string;
}

@ObjectType('ClusterNamespace')
export class ClusterNamespaceModel {
  @Field(() => String) name!: string;
  @Field(() => [LabelModel]) labels!: LabelModel[];
  @Field(() => Number, { description: 'Workload endpoints (pods) in it.' }) endpointCount!: number;
}

@ObjectType('EndpointPort')
export class EndpointPortModel {
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => Number) port!: number;
  @Field(() => String) protocol!: string;
}

@ObjectType('WorkloadEndpoint', { description: 'A pod, as network policy sees it.' })
export class WorkloadEndpointModel {
  @Field(() => String) namespace!: string;
  @Field(() => String) name!: string;
  @Field(() => [LabelModel]) labels!: LabelModel[];
  @Field(() => [String]) ips!: string[];
  @Field(() => [EndpointPortModel]) ports!: EndpointPortModel[];
  @Field(() => String) serviceAccount!: string;
  @Field(() => String, { nullable: true }) node!: string | null;
}

@ObjectType('ClusterStatusEvent')
export class ClusterStatusEventModel {
  @Field(() => ID) clusterId!: string;
  @Field(() => String) name!: string;
  @Field(() => ClusterStatus) status!: ClusterStatus;
  @Field(() => Date, { nullable: true }) lastSeenAt!: Date | null;
}

@ObjectType('AgentHealth', {
  description: 'What the agent reports about itself, fetched live through its tunnel.',
})
export class AgentHealthModel {
  @Field(() => JSONScalar) report!: unknown;
  @Field(() => Date) receivedAt!: Date;
}

export const ClusterConnection = Connection(ClusterModel, 'Cluster');
export const ClusterNamespaceConnection = Connection(ClusterNamespaceModel, 'ClusterNamespace');
export const WorkloadEndpointConnection = Connection(WorkloadEndpointModel, 'WorkloadEndpoint');
