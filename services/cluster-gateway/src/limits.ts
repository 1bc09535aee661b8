// Every timeout, interval and bound of the gateway, in one place. The protocol's own limits
// (frame size, items per frame, request timeouts) come from @palisade/protocol and are re-exported
// here so that nothing else in the gateway reaches for a number of its own. `startGateway` accepts
// a partial override of `GatewayTuning` so tests can shrink the clocks; production uses these.

import {
  DEAD_PEER_TIMEOUT_MS,
  DEFAULT_LIMITS,
  HANDSHAKE_TIMEOUT_MS,
  HEARTBEAT_INTERVAL_MS,
  type ProtocolLimits,
} from '@palisade/protocol';

export interface GatewayTuning {
  /** A connection that has not sent a valid hello by then is closed with `handshake_timeout`. */
  readonly handshakeTimeoutMs: number;
  /** ws ping, application heartbeat and lease renewal, per tunnel. */
  readonly heartbeatIntervalMs: number;
  /** No frame and no pong for this long: `heartbeat_timeout` (decision 0006: 30 s). */
  readonly deadPeerTimeoutMs: number;
  /** One timer for every tunnel: how often deadlines, pings and renewals are checked. */
  readonly sweepIntervalMs: number;
  /** TTL of `P:cluster:{id}:lease`; renewed every heartbeat interval, so it must exceed that. */
  readonly leaseTtlMs: number;
  /** `clusters.last_seen_at` is written this often per tunnel (batched), besides connect and disconnect. */
  readonly statusWriteIntervalMs: number;
  /** A credential older than this is rotated in-band. */
  readonly credentialMaxAgeMs: number;
  /** An agent that has not confirmed a rotation by then keeps its old credential; retried later. */
  readonly rotationAckTimeoutMs: number;
  /** After sending a close frame, the socket is destroyed if the peer has not closed by then. */
  readonly closeGraceMs: number;
  /** Token bucket per connection: sustained messages per second and burst. */
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  /**
   * Connections still before their welcome. Beyond this a new one is closed at once with
   * `rate_limited`, so a connection flood cannot queue unbounded work on Postgres.
   */
  readonly maxPendingHandshakes: number;
  /** Inventory items held in memory for one half-received snapshot. */
  readonly maxStagedInventoryItems: number;
  /** Rows per INSERT statement when writing inventory. */
  readonly inventoryWriteBatch: number;
  /** ws refuses frames above this outright (close 1009); frames up to it get the protocol's reason. */
  readonly maxPayloadBytes: number;
  readonly protocolLimits: ProtocolLimits;
  readonly databasePoolSize: number;
  /**
   * Every local tunnel's desired generation is compared with what its agent applied this often
   * (one query for all of them), which repairs a lost `desired` notice (decision 0009).
   */
  readonly rolloutSweepIntervalMs: number;
  /** A pushed desired state the agent has not answered by then may be pushed again. */
  readonly desiredAckTimeoutMs: number;
  /**
   * When the stored status says a connecting agent is up to date, the gateway waits this long for
   * the agent's own report (sent right after the welcome) before pushing anyway: an agent that
   * reports nothing has nothing applied (lost state, a new install of a re-registered cluster).
   */
  readonly connectReportGraceMs: number;
  /**
   * Flow records per second a cluster may send, sustained, and at once (a token bucket per
   * cluster on this gateway; docs/decisions/0041). A cluster beyond it is closed with
   * `flow_rate_exceeded`; its unacknowledged batches come back after its backoff. The burst must
   * hold a full batch, or no batch could ever pass.
   */
  readonly flowRecordsPerSecond: number;
  readonly flowRecordBurst: number;
  /**
   * Rate limits on tunnel set-up, per fixed window, shared by every gateway through Redis
   * (decision 0058): upgrades per client IP (generous: many clusters can share one NAT address),
   * failed authentications per client IP (once over, the IP's upgrades are refused with 429 until
   * the window ends), and accepted connections per cluster (two agents fighting over one cluster,
   * or a crash loop, are slowed down).
   */
  readonly connectRateWindowMs: number;
  readonly connectsPerIp: number;
  readonly failedAuthsPerIp: number;
  readonly connectsPerCluster: number;
}

export const DEFAULT_TUNING: GatewayTuning = Object.freeze({
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
  deadPeerTimeoutMs: DEAD_PEER_TIMEOUT_MS,
  sweepIntervalMs: 1_000,
  leaseTtlMs: 30_000,
  statusWriteIntervalMs: 60_000,
  credentialMaxAgeMs: 30 * 24 * 3_600_000,
  rotationAckTimeoutMs: 30_000,
  closeGraceMs: 2_000,
  messagesPerSecond: 100,
  messageBurst: 500,
  // A whole fleet of 10,000 reconnecting after a restart is admitted; a flood beyond that is not.
  maxPendingHandshakes: 10_000,
  maxStagedInventoryItems: 250_000,
  inventoryWriteBatch: 2_000,
  maxPayloadBytes: 2 * DEFAULT_LIMITS.maxFrameBytes,
  protocolLimits: DEFAULT_LIMITS,
  databasePoolSize: 10,
  rolloutSweepIntervalMs: 30_000,
  desiredAckTimeoutMs: 60_000,
  connectReportGraceMs: 2_000,
  // A 2,000-pod cluster reports some tens of thousands of records per 15 s bucket (both reporters);
  // the burst lets an agent that was cut off for a minute or two send its backlog without being
  // closed. Memory does not grow with it: see MAX_QUEUED_FLOW_BATCHES.
  flowRecordsPerSecond: 5_000,
  flowRecordBurst: 150_000,
  connectRateWindowMs: 60_000,
  connectsPerIp: 600,
  failedAuthsPerIp: 30,
  connectsPerCluster: 30,
});

/** Frames that arrive while a hello is being checked are held (the socket is paused meanwhile), up to this many. */
export const MAX_EARLY_FRAMES = 32;
/** Secrets longer than this are refused before hashing; ours are 48 characters. */
export const MAX_SECRET_LENGTH = 256;
/** The `retryAfterMs` advised with `rate_limited`. */
export const RATE_LIMITED_RETRY_AFTER_MS = 1_000;
/** The `retryAfterMs` advised when accepting failed inside the gateway (database or Redis trouble). */
export const INTERNAL_ERROR_RETRY_AFTER_MS = 5_000;
/** Each `/readyz` dependency check gives up after this long. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;
/** Rows per batched status statement. */
export const STATUS_WRITE_BATCH = 1_000;
/** An idle Postgres connection of the pool is closed after this long. */
export const DATABASE_IDLE_TIMEOUT_MS = 30_000;
/**
 * work_mem of each gateway connection (store/database.ts): a flow write's input, up to
 * MAX_FLOW_BATCHES_PER_WRITE batches of 1,000 records at ~0.7–1 kB each, stays in memory; the
 * default 4 MB is at its edge.
 */
export const DATABASE_WORK_MEM_MB = 16;
/** How long a graceful `close()` waits for tunnels to finish closing before destroying them. */
export const SHUTDOWN_DRAIN_MS = 5_000;
/** Control-channel messages larger than this are dropped unread. */
export const MAX_CONTROL_MESSAGE_BYTES = 2 * DEFAULT_LIMITS.maxFrameBytes;
/** Clusters per desired-state read (connects and notices are batched into one query). */
export const DESIRED_READ_BATCH = 500;
/**
 * A flow record that started longer ago than this is rejected (`start_time`). Agents buffer for
 * outages of minutes to hours; a day is generous, and it keeps every record inside a partition the
 * retention job cannot have dropped (it keeps at least one whole day, decision 0042).
 */
export const FLOW_MAX_AGE_SECONDS = 24 * 3_600;
/** Distinct days whose flow partitions this gateway knows exist; older entries are forgotten first. */
export const FLOW_PARTITION_DAYS_CACHED = 64;
/**
 * Flow batches of one tunnel received and not yet stored. The agent keeps 4 in flight (and resends
 * them after 30 s without an ack), so this is only reached when Postgres falls far behind; the
 * tunnel is then closed with `rate_limited` rather than holding more frames (up to 1 MiB each).
 */
export const MAX_QUEUED_FLOW_BATCHES = 16;

/**
 * Flow batches of one tunnel written in one transaction at most (decision 0160): those that queued
 * while the previous write ran; the agent's whole window (FLOW_MAX_BATCHES_IN_FLIGHT, 4). A window
 * of 16 written 8 at a time measured no faster, and cost more memory per tunnel (decision 0190).
 */
export const MAX_FLOW_BATCHES_PER_WRITE = 4;
