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
  description:
    'Whether a cluster’s agent is connected: CONNECTED while a gateway holds its tunnel (the lease that routing uses too).',
  valuesMap: {
    CONNECTED: { description: 'An agent tunnel is open now.' },
    DISCONNECTED: {
      description: 'The agent connected before but no tunnel is open (a dead tunnel is noticed within 30 s).',
    },
    NEVER_CONNECTED: { description: 'Registered; no agent has connected yet.' },
  },
});

@ObjectType('Label', { description: 'A Kubernetes-style label.' })
export class LabelModel {
  @Field(() => String, { description: 'Label key, [prefix/]name.' }) key!: string;
  @Field(() => String, { description: 'Label value (may be empty).' }) value!: string;
}

@InputType('LabelInput', { description: 'A Kubernetes label, validated as Kubernetes does.' })
export class LabelInput {
  @Field(() => String, {
    description:
      'Key: [prefix/]name; name up to 63 letters, digits, -, _ or ., starting and ending alphanumeric; optional prefix a DNS subdomain of up to 253 characters. Unique within the list.',
  })
  key!: string;
  @Field(() => String, {
    description: 'Value: empty, or up to 63 letters, digits, -, _ or ., starting and ending alphanumeric.',
  })
  value!: string;
}

@ObjectType('Cluster', {
  description:
    'A Kubernetes cluster registered in the organisation, with its agent connection and inventory. Every role may read it.',
})
export class ClusterModel {
  @Field(() => ID, { description: 'Stable id of the cluster.' }) id!: string;
  @Field(() => String, {
    description: 'Its name, unique in the organisation (1 to 63 characters, DNS label).',
  })
  name!: string;
  @Field(() => [LabelModel], { description: 'Labels that policy clusterSelectors match on.' })
  labels!: LabelModel[];
  @Field(() => ClusterStatus, { description: 'Whether its agent is connected now.' }) status!: ClusterStatus;
  @Field(() => Date, {
    nullable: true,
    description: 'When the agent was last heard from (live while connected); null before it ever connected.',
  })
  lastSeenAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the current tunnel was established.' })
  connectedSince!: Date | null;
  @Field(() => String, { nullable: true, description: 'Version of the Palisade agent, as it last reported.' })
  agentVersion!: string | null;
  @Field(() => String, { nullable: true, description: 'Kubernetes version, as the agent last reported.' })
  kubernetesVersion!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Calico version, as the agent last reported; null when it found none.',
  })
  calicoVersion!: string | null;
  @Field(() => String, { nullable: true, description: "The agent's provider: kubernetes or simulated." })
  provider!: string | null;
  @Field(() => Date, { description: 'When it was first registered.' }) createdAt!: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'When the agent last sent its inventory (namespaces, endpoints); null before the first.',
  })
  inventoryUpdatedAt!: Date | null;
  /** Not in the schema: scopes this object's field resolvers. */
  orgId!: string;
}

@ObjectType('RegisterClusterPayload', { description: 'The registered cluster and how to connect its agent.' })
export class RegisterClusterPayload {
  @Field(() => ClusterModel, { description: 'The cluster, new or existing.' }) cluster!: ClusterModel;
  @Field(() => String, {
    description:
      'Enrollment token for one agent (pen_…; valid 24 hours; spent as soon as the agent has stored the credential it receives). Shown only here; a new registration replaces it.',
  })
  enrollmentToken!: string;
  @Field(() => Date, { description: 'When the enrollment token expires: 24 hours after registration.' })
  enrollmentExpiresAt!: Date;
  @Field(() => String, {
    description:
      'Run this in the cluster to install the agent: kubectl apply -f <api>/v1/install/pic_….yaml. Its URL holds an install code good for one download within an hour, not the token.',
  })
  installCommand!: string;
  @Field(() => String, {
    description:
      'The gateway tunnel URL the agent dials (what the install manifest sets as PALISADE_GATEWAY_URL), for running the agent by hand: npm run agent -- --simulate <cluster.yaml> --token <enrollmentToken> --gateway <gatewayUrl>.',
  })
  gatewayUrl!: string;
}

@ObjectType('ClusterNamespace', { description: 'A Kubernetes namespace, as the agent last reported it.' })
export class ClusterNamespaceModel {
  @Field(() => String, { description: 'Namespace name.' }) name!: string;
  @Field(() => [LabelModel], { description: 'Its labels (as namespaceSelector sees them).' })
  labels!: LabelModel[];
  @Field(() => Number, { description: 'Workload endpoints (pods) in it.' }) endpointCount!: number;
}

@ObjectType('EndpointPort', { description: 'A container port of a workload endpoint.' })
export class EndpointPortModel {
  @Field(() => String, { nullable: true, description: 'Port name, when the container names it.' })
  name!: string | null;
  @Field(() => Number, { description: 'Port number, 1 to 65535.' }) port!: number;
  @Field(() => String, { description: 'TCP, UDP or SCTP.' }) protocol!: string;
}

@ObjectType('WorkloadEndpoint', { description: 'A pod, as network policy sees it.' })
export class WorkloadEndpointModel {
  @Field(() => String, { description: 'Namespace of the pod.' }) namespace!: string;
  @Field(() => String, { description: 'Pod name.' }) name!: string;
  @Field(() => [LabelModel], { description: 'Pod labels, as policy selectors see them.' })
  labels!: LabelModel[];
  @Field(() => [String], { description: 'Pod IP addresses (IPv4, IPv6 or both).' }) ips!: string[];
  @Field(() => [EndpointPortModel], { description: 'Declared container ports.' }) ports!: EndpointPortModel[];
  @Field(() => String, { description: 'Service account the pod runs as.' }) serviceAccount!: string;
  @Field(() => String, { nullable: true, description: 'Node it runs on, when the agent reports it.' })
  node!: string | null;
}

@ObjectType('ClusterStatusEvent', { description: "A change of a cluster's connection status." })
export class ClusterStatusEventModel {
  @Field(() => ID, { description: 'Cluster.id of the cluster.' }) clusterId!: string;
  @Field(() => String, { description: 'Its name (its id when it was deleted meanwhile).' }) name!: string;
  @Field(() => ClusterStatus, { description: 'Its status now.' }) status!: ClusterStatus;
  @Field(() => Date, { nullable: true, description: 'When the agent was last heard from.' })
  lastSeenAt!: Date | null;
}

@ObjectType('AgentHealth', {
  description: 'What the agent reports about itself, fetched live through its tunnel.',
})
export class AgentHealthModel {
  @Field(() => JSONScalar, {
    description:
      "The agent's self-report: version, instanceId, uptimeMs, provider, kubernetesVersion, calicoVersion, inventory counts and problems. Fields may be added.",
  })
  report!: unknown;
  @Field(() => Date, { description: 'When the API received the answer.' }) receivedAt!: Date;
}

export const ClusterConnection = Connection(ClusterModel, 'Cluster');
export const ClusterNamespaceConnection = Connection(ClusterNamespaceModel, 'ClusterNamespace');
export const WorkloadEndpointConnection = Connection(WorkloadEndpointModel, 'WorkloadEndpoint');
