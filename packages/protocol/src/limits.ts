// Every bound and timeout of the tunnel, in one place. The decoder enforces the frame limits, so a
// peer can never make the other side allocate or store more than these; the timings are what the
// gateway and the agent schedule by. Changing a frame limit downwards is a protocol change: an agent
// that chunks by the old, larger value would be disconnected.

export interface ProtocolLimits {
  /** UTF-8 bytes of one frame, checked before anything is parsed. */
  readonly maxFrameBytes: number;
  /** Sum of all items (upserts and deletes of every kind) in one inventory frame. */
  readonly maxInventoryItemsPerFrame: number;
  readonly maxFlowsPerBatch: number;
  /**
   * Resources in one generation's desired set, whether it travels as one `desired.state` frame or
   * as `desired.state.chunk` frames, and results or drift reports in one apply result.
   */
  readonly maxResourcesPerGeneration: number;
  /**
   * Encoded bytes of one generation's desired set (its resources as JSON). A set larger than one
   * frame travels in at most `maxDesiredStateChunks` chunk frames.
   */
  readonly maxDesiredStateBytes: number;
  /**
   * Encoded bytes of one apply result's results and drift reports. A result larger than one frame
   * travels in at most `maxApplyResultChunks` chunk frames; the agent shortens one beyond this.
   */
  readonly maxApplyResultBytes: number;
  readonly maxLabelsPerObject: number;
  readonly maxIpsPerEndpoint: number;
  readonly maxPortsPerObject: number;
  readonly maxEndpointsPerService: number;
  /** Free text: error and status messages. */
  readonly maxTextLength: number;
  /** Nesting of opaque JSON (desired resources, request params and results). */
  readonly maxJsonDepth: number;
}

export const DEFAULT_LIMITS: ProtocolLimits = Object.freeze({
  maxFrameBytes: 1024 * 1024,
  maxInventoryItemsPerFrame: 5_000,
  maxFlowsPerBatch: 1_000,
  maxResourcesPerGeneration: 5_000,
  maxDesiredStateBytes: 64 * 1024 * 1024,
  // 5,000 results and 5,000 drift reports with the agent's longest (1,000-character) ASCII
  // messages and 253-character names encode to about 14.5 MiB (decision 0014).
  maxApplyResultBytes: 16 * 1024 * 1024,
  maxLabelsPerObject: 128,
  maxIpsPerEndpoint: 16,
  maxPortsPerObject: 256,
  maxEndpointsPerService: 5_000,
  maxTextLength: 4_096,
  maxJsonDepth: 64,
});

/** Each side sends an application heartbeat this often, besides WebSocket pings. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A peer silent for this long is dead: three missed heartbeats. */
export const DEAD_PEER_TIMEOUT_MS = 30_000;
/** The gateway closes a connection that has not sent a valid hello within this time. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
export const MAX_REQUEST_TIMEOUT_MS = 5 * 60_000;
/** Outstanding requests per connection and direction; more are refused, not queued. */
export const MAX_PENDING_REQUESTS = 1_024;
/** RFC 6455 §5.5: a control frame carries at most 125 bytes, two of them the close code. */
export const CLOSE_REASON_MAX_BYTES = 123;

/**
 * Chunk frames that carry up to `bytes` of items. An item is never split, so a chunk may be little
 * over half full when the next item does not fit; but any two neighbouring chunks hold more than
 * one frame's worth, so twice the full frames of `bytes`, plus one, carry anything within it (for
 * frames much larger than a chunk's envelope, as the default is). What a receiver stages is
 * bounded by this many frames.
 */
function chunksToCarry(bytes: number, limits: ProtocolLimits): number {
  return 2 * Math.floor(bytes / limits.maxFrameBytes) + 1;
}

/** Chunk frames one desired set may take (129 with the defaults). */
export function maxDesiredStateChunks(limits: ProtocolLimits): number {
  return chunksToCarry(limits.maxDesiredStateBytes, limits);
}

/** Chunk frames one apply result may take (33 with the defaults). */
export function maxApplyResultChunks(limits: ProtocolLimits): number {
  return chunksToCarry(limits.maxApplyResultBytes, limits);
}
