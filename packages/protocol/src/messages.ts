// The tunnel's messages: one JSON object per WebSocket text frame, discriminated by `type`. These
// types are the wire contract between the agent and the gateway. No field is optional: an absent
// value is `null`, so every message has one encoding and a round trip is an identity. Times are
// Unix epoch milliseconds; durations are milliseconds.

import type { CloseReasonName } from './close-reasons.js';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export type Labels = Readonly<Record<string, string>>;

export const PROVIDER_KINDS = ['kubernetes', 'simulated'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const L4_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type L4Protocol = (typeof L4_PROTOCOLS)[number];

/** Closed set shared by `response.error.code` and the `error` message. */
export const ERROR_CODES = [
  'bad_request',
  'method_not_found',
  'not_found',
  'forbidden',
  'conflict',
  'timeout',
  'unavailable',
  'rate_limited',
  'cancelled',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

// ── Session ──────────────────────────────────────────────────────────────────────────────────────

/** An enrolled agent presents its cluster credential; a new one its cluster's enrollment token. */
export type AgentAuth = { kind: 'credential'; credential: string } | { kind: 'enrollment'; token: string };

export interface ClusterFacts {
  provider: ProviderKind;
  kubernetesVersion: string;
  /** `null` when Calico is not installed. */
  calicoVersion: string | null;
}

/** Agent → gateway, first frame of every connection. */
export interface HelloMessage {
  type: 'hello';
  /** The protocol versions the agent speaks, inclusive. */
  protocol: { min: number; max: number };
  agentVersion: string;
  /** Random per agent process: tells a reconnect of the same process from a second replica. */
  instanceId: string;
  auth: AgentAuth;
  cluster: ClusterFacts;
}

/** The limits the agent must stay within, so it can chunk inventory and batch flows to fit. */
export interface AdvertisedLimits {
  maxFrameBytes: number;
  maxInventoryItemsPerFrame: number;
  maxFlowsPerBatch: number;
}

/** Gateway → agent, answer to a hello it accepts. */
export interface WelcomeMessage {
  type: 'welcome';
  protocolVersion: number;
  clusterId: string;
  sessionId: string;
  heartbeatIntervalMs: number;
  deadPeerTimeoutMs: number;
  limits: AdvertisedLimits;
  /** Issued once, in exchange for an enrollment token; the agent must persist it before anything else. */
  credential: string | null;
}

/**
 * Gateway → agent. The old credential stays valid until the agent answers `persisted: true`, so a
 * crash between the two never locks the cluster out.
 */
export interface CredentialRotateMessage {
  type: 'credential.rotate';
  rotationId: string;
  credential: string;
}

/** Agent → gateway. */
export interface CredentialRotatedMessage {
  type: 'credential.rotated';
  rotationId: string;
  persisted: boolean;
  /** Why persisting failed; `null` on success. */
  message: string | null;
}

/**
 * Agent → gateway (protocol 3), once, after the agent durably stored the credential its `welcome`
 * issued. The gateway then spends the enrollment token at once (decision 0059), instead of waiting
 * for the credential's first use. An agent that could not store it does not send this.
 */
export interface CredentialStoredMessage {
  type: 'credential.stored';
}

/** Either way, every heartbeat interval; any frame counts as a sign of life. */
export interface HeartbeatMessage {
  type: 'heartbeat';
  sentAtMs: number;
}

// ── Inventory ────────────────────────────────────────────────────────────────────────────────────

export interface NamespaceInfo {
  name: string;
  labels: Labels;
}

export interface EndpointPort {
  name: string | null;
  port: number;
  protocol: L4Protocol;
}

/** A pod, as network policy sees it. */
export interface WorkloadEndpoint {
  namespace: string;
  name: string;
  labels: Labels;
  ips: string[];
  ports: EndpointPort[];
  serviceAccount: string;
  /** `null` until the pod is scheduled. */
  node: string | null;
}

export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  labels: Labels;
}

export interface ServicePort {
  name: string | null;
  port: number;
  /** A port number or the name of a container port. */
  targetPort: number | string;
  protocol: L4Protocol;
}

export interface ServiceEndpoint {
  ip: string;
  /** The backing pod in the service's namespace, when there is one. */
  pod: string | null;
  ready: boolean;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  labels: Labels;
  /** `null` for a service without a selector (endpoints managed by hand). */
  selector: Labels | null;
  ports: ServicePort[];
  /** Empty for a headless service. */
  clusterIps: string[];
  endpoints: ServiceEndpoint[];
}

export interface InventoryItems {
  namespaces: NamespaceInfo[];
  endpoints: WorkloadEndpoint[];
  serviceAccounts: ServiceAccountInfo[];
  services: ServiceInfo[];
}

export interface ObjectRef {
  namespace: string;
  name: string;
}

export interface InventoryDeletes {
  /** Deleting a namespace deletes everything in it. */
  namespaces: string[];
  endpoints: ObjectRef[];
  serviceAccounts: ObjectRef[];
  services: ObjectRef[];
}

/**
 * Agent → gateway: the whole inventory, as `revision` (each new snapshot takes a new one, e.g. a
 * counter of the agent process). A snapshot larger than a frame is split into chunks sent in order
 * (see `chunkSnapshot`); it replaces what the gateway holds only once chunk `count - 1` has arrived.
 * The agent sends one on connect and whenever the gateway asks for a resync; deltas follow its last
 * chunk. `InventorySequencer` applies these rules on the receiving side.
 */
export interface InventorySnapshotMessage {
  type: 'inventory.snapshot';
  revision: number;
  chunk: { index: number; count: number };
  items: InventoryItems;
}

/**
 * Agent → gateway: changes since the snapshot `revision`, numbered 1, 2, 3… A gateway that sees a
 * revision it does not hold or a sequence that is not the next one asks for a resync.
 */
export interface InventoryDeltaMessage {
  type: 'inventory.delta';
  revision: number;
  sequence: number;
  upserts: InventoryItems;
  deletes: InventoryDeletes;
}

export const INVENTORY_RESYNC_REASONS = ['sequence_gap', 'unknown_revision', 'requested'] as const;
export type InventoryResyncReason = (typeof INVENTORY_RESYNC_REASONS)[number];

/** Gateway → agent: send a new snapshot; deltas are ignored until it has arrived. */
export interface InventoryResyncMessage {
  type: 'inventory.resync';
  reason: InventoryResyncReason;
}

/** The dataplanes Felix runs (FelixConfiguration bpfEnabled / nftablesMode). */
export const DATAPLANES = ['iptables', 'nftables', 'bpf'] as const;
export type Dataplane = (typeof DATAPLANES)[number];

/**
 * A node as fleet configuration sees it (decision 0091): its dataplane, whether Felix has WireGuard
 * on for it, whether the node published its WireGuard public key (Calico's node annotation
 * `projectcalico.org/WireguardPublicKey`: without it no peer encrypts to the node), the WireGuard
 * interface MTU and the Calico version. A node encrypts when both `wireguardEnabled` and
 * `wireguardPublicKey` hold.
 */
export interface NodeInfo {
  name: string;
  dataplane: Dataplane;
  wireguardEnabled: boolean;
  wireguardPublicKey: boolean;
  /** The WireGuard interface MTU; null when WireGuard is off or the MTU is detected by Felix. */
  mtu: number | null;
  calicoVersion: string | null;
}

/**
 * Agent → gateway, protocol version 3 and later: every node of the cluster, sorted by name,
 * replacing what the gateway holds. Sent after every welcome and whenever a node changes. One frame:
 * at most `maxInventoryItemsPerFrame` nodes.
 */
export interface InventoryNodesMessage {
  type: 'inventory.nodes';
  nodes: NodeInfo[];
}

// ── Desired state ────────────────────────────────────────────────────────────────────────────────

/** Gateway → agent: the complete set of resources the cluster should have at `generation`. */
export interface DesiredStateMessage {
  type: 'desired.state';
  generation: number;
  /** Kubernetes-shaped objects, opaque to the protocol; validated by `@palisade/policy` on apply. */
  resources: JsonObject[];
}

/**
 * Gateway → agent, protocol version 2 and later: one piece of the desired set of `generation`, for a
 * set larger than one `desired.state` frame (see `planDesiredState`). Chunks are sent in order,
 * `chunk.index` 0 to `count - 1`, each with at least one resource; concatenated, their resources are
 * the set, which has `total` resources. The agent applies the set only once the last chunk has
 * arrived (it prunes what is not in the set, so a partial one must never be applied). A chunk 0 or
 * a `desired.state` starts a new set and drops any half-received one; `DesiredStateAssembler`
 * holds these rules.
 */
export interface DesiredStateChunkMessage {
  type: 'desired.state.chunk';
  generation: number;
  chunk: { index: number; count: number };
  total: number;
  resources: JsonObject[];
}

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  /** `null` for cluster-scoped kinds. */
  namespace: string | null;
  name: string;
}

export type ResourceStatus =
  { resource: ResourceRef; status: 'ok' } | { resource: ResourceRef; status: 'failed'; message: string };

export const DRIFT_KINDS = ['modified', 'missing', 'unexpected'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface DriftReport {
  resource: ResourceRef;
  drift: DriftKind;
  message: string | null;
}

/** Agent → gateway: what applying `generation` did, and what has drifted from it since. */
export interface ApplyResultMessage {
  type: 'apply.result';
  generation: number;
  results: ResourceStatus[];
  drift: DriftReport[];
}

/**
 * Agent → gateway, protocol version 2 and later: one piece of an apply result larger than one
 * `apply.result` frame (see `planApplyResult`, decision 0014). Chunks are sent in order,
 * `chunk.index` 0 to `count - 1`, each with at least one result or drift report; concatenated, their
 * `results` and `drift` are the result's, which has `total.results` and `total.drift` of them. The
 * gateway acts only on a complete result; a chunk 0 or an `apply.result` starts a new one and drops
 * any half-received one. `ApplyResultAssembler` holds these rules.
 */
export interface ApplyResultChunkMessage {
  type: 'apply.result.chunk';
  generation: number;
  chunk: { index: number; count: number };
  total: { results: number; drift: number };
  results: ResourceStatus[];
  drift: DriftReport[];
}

// ── Flows ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Agent → gateway. `sequence` grows by one per batch for the life of the agent process (`instanceId`);
 * unacknowledged batches are resent with their original sequence after a reconnect.
 */
export interface FlowBatchMessage {
  type: 'flow.batch';
  sequence: number;
  /** Flows the agent ever had to drop because its buffer was full; never decreases. */
  droppedTotal: number;
  /**
   * Flow records of `@palisade/flows` (`FlowRecord`). The protocol checks only that each is a JSON
   * object and that the batch fits its limits; the gateway validates each record on its own with
   * `validateFlowRecord`, so one bad record is rejected alone and never closes the tunnel.
   */
  records: JsonObject[];
}

/** Gateway → agent: every batch up to and including `sequence` is durably stored. */
export interface FlowAckMessage {
  type: 'flow.ack';
  sequence: number;
}

// ── Requests, errors, close ──────────────────────────────────────────────────────────────────────

/** Either way: an on-demand command, answered by a `response` with the same `id`. */
export interface RequestMessage {
  type: 'request';
  id: string;
  method: string;
  params: JsonValue;
  /** The caller gives up after this long; the callee may abandon the work. */
  timeoutMs: number;
}

export interface RemoteError {
  code: ErrorCode;
  message: string;
}

export type ResponseMessage =
  | { type: 'response'; id: string; ok: true; result: JsonValue }
  | { type: 'response'; id: string; ok: false; error: RemoteError };

/** Either way: a problem that does not end the session. */
export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
}

/** Either way, just before closing the socket: the full reason, which a close frame may truncate. */
export interface CloseMessage {
  type: 'close';
  reason: CloseReasonName;
  message: string;
  retryAfterMs: number | null;
}

export type TunnelMessage =
  | HelloMessage
  | WelcomeMessage
  | CredentialRotateMessage
  | CredentialRotatedMessage
  | CredentialStoredMessage
  | HeartbeatMessage
  | InventorySnapshotMessage
  | InventoryDeltaMessage
  | InventoryResyncMessage
  | InventoryNodesMessage
  | DesiredStateMessage
  | DesiredStateChunkMessage
  | ApplyResultMessage
  | ApplyResultChunkMessage
  | FlowBatchMessage
  | FlowAckMessage
  | RequestMessage
  | ResponseMessage
  | ErrorMessage
  | CloseMessage;

export type MessageType = TunnelMessage['type'];
export type MessageOf<T extends MessageType> = Extract<TunnelMessage, { type: T }>;

export type Peer = 'agent' | 'gateway';

export const AGENT_MESSAGE_TYPES = [
  'hello',
  'credential.rotated',
  'credential.stored',
  'heartbeat',
  'inventory.snapshot',
  'inventory.delta',
  'inventory.nodes',
  'apply.result',
  'apply.result.chunk',
  'flow.batch',
  'request',
  'response',
  'error',
  'close',
] as const satisfies readonly MessageType[];

export const GATEWAY_MESSAGE_TYPES = [
  'welcome',
  'credential.rotate',
  'heartbeat',
  'inventory.resync',
  'desired.state',
  'desired.state.chunk',
  'flow.ack',
  'request',
  'response',
  'error',
  'close',
] as const satisfies readonly MessageType[];

export type AgentMessage = MessageOf<(typeof AGENT_MESSAGE_TYPES)[number]>;
export type GatewayMessage = MessageOf<(typeof GATEWAY_MESSAGE_TYPES)[number]>;
export type MessageFrom<P extends Peer> = P extends 'agent' ? AgentMessage : GatewayMessage;
