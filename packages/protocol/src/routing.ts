// The Redis names and payloads that the API and the cluster gateways share (decisions 0006 and
// 0009): which gateway holds a cluster (the lease), the control channel to it, cluster events,
// request replies, desired-state notices and policy sync events. Both deployables import them from
// here (`@palisade/protocol/routing`) so a key or a field cannot drift. Types and string builders
// only: no Redis client, no runtime dependencies.

import type { ErrorCode, JsonValue, ProviderKind } from './messages.js';

export interface RedisKeys {
  readonly prefix: string;
  /** INCR on every accepted connection; the value is that connection's fence. No TTL. */
  clusterEpoch(clusterId: string): string;
  /** JSON `ClusterLease`, TTL 30 s, renewed by the owning gateway with a CAS on the epoch. */
  clusterLease(clusterId: string): string;
  /** Pub/sub: `ControlMessage`s for one gateway. */
  gatewayControl(gatewayId: string): string;
  /** Pub/sub: `ClusterEvent`s, published on every connect and disconnect. */
  readonly clusterEvents: string;
  /** Pub/sub: `{kind:'revoke', clusterId}`, heard by every gateway. */
  readonly clusterRevocations: string;
  /** Pub/sub: `RequestReply`s for one API instance; the `replyTo` of its requests. */
  apiReplies(instanceId: string): string;
  /** Pub/sub: `PolicySyncEvent`s (decision 0009), published by the API and the gateways. */
  readonly policySyncEvents: string;
  /** Pub/sub: `FlowsLandedEvent`s, published by a gateway after each committed flow batch. */
  readonly flowEvents: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    clusterEpoch: (clusterId) => `${prefix}:cluster:${clusterId}:epoch`,
    clusterLease: (clusterId) => `${prefix}:cluster:${clusterId}:lease`,
    gatewayControl: (gatewayId) => `${prefix}:gateway:${gatewayId}:control`,
    clusterEvents: `${prefix}:cluster-events`,
    clusterRevocations: `${prefix}:cluster-revocations`,
    apiReplies: (instanceId) => `${prefix}:api:${instanceId}:replies`,
    policySyncEvents: `${prefix}:policy-sync-events`,
    flowEvents: `${prefix}:flow-events`,
  };
}

/** The value of `clusterLease`: who holds the tunnel now. Times are Unix epoch milliseconds, as in the protocol. */
export interface ClusterLease {
  gatewayId: string;
  sessionId: string;
  epoch: number;
  connectedAt: number;
  lastSeenAt: number;
  agentVersion: string;
  kubernetesVersion: string;
  calicoVersion: string | null;
  provider: ProviderKind;
}

export interface TakeoverMessage {
  kind: 'takeover';
  clusterId: string;
  /** The winning connection's epoch: close any older one. */
  epoch: number;
}

export interface RevokeMessage {
  kind: 'revoke';
  clusterId: string;
}

export interface ForwardRequestMessage {
  kind: 'request';
  requestId: string;
  clusterId: string;
  method: string;
  params: JsonValue;
  /** A channel of the form `apiReplies(instanceId)`; replies go nowhere else. */
  replyTo: string;
  timeoutMs: number;
}

/**
 * Decision 0009: "cluster X should run generation N; push it unless its agent has it". A hint: the
 * gateway reads `cluster_desired_state` rather than trusting the number.
 */
export interface DesiredStateNotice {
  kind: 'desired';
  clusterId: string;
  generation: number;
}

export type ControlMessage = TakeoverMessage | RevokeMessage | ForwardRequestMessage | DesiredStateNotice;

/**
 * On `policySyncEvents`: something about a cluster's policy sync changed. The API publishes it for
 * a new generation (`api`), a gateway after writing an agent's apply result (`gateway`).
 * Subscribers re-read the status; the event only says where to look.
 */
export interface PolicySyncEvent {
  orgId: string;
  clusterId: string;
  generation: number | null;
  source: 'api' | 'gateway';
}

export type RequestReply =
  | { requestId: string; ok: true; result: JsonValue }
  | { requestId: string; ok: false; error: { code: ErrorCode; message: string } };

/** Upper case, as the API's GraphQL enum spells them. */
export type ClusterConnectionStatus = 'CONNECTED' | 'DISCONNECTED';

export interface ClusterEvent {
  orgId: string;
  clusterId: string;
  status: ClusterConnectionStatus;
  /** Unix epoch milliseconds. */
  lastSeenAt: number;
  gatewayId: string;
}

/**
 * On `flowEvents`: flows of these buckets of a cluster were committed (the API's `flowsLive`
 * subscription filters by organisation and re-reads them). A hint, like the other events: the
 * rows in Postgres are the truth, and a batch that changed nothing (a resend) publishes nothing.
 */
export interface FlowsLandedEvent {
  orgId: string;
  clusterId: string;
  /** `start_time` (Unix seconds) of every 15 s bucket the batch wrote into, ascending. */
  bucketStarts: number[];
  /** Records written (after merging records of the same flow within the batch). */
  records: number;
}
