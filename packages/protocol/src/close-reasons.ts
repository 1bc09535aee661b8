// The closed set of reasons either side may close a tunnel with: a WebSocket close code in the
// private 4000–4999 range, a stable snake_case name (what the `close` message and logs carry) and
// a human message. Codes and names are wire contract: never renumber or rename one, only append.
// `reconnect` tells the agent what a reconnect can achieve: `never` means the same agent with the
// same credential and version will be refused again, so it must stop and surface the error.

import { CLOSE_REASON_MAX_BYTES } from './limits.js';
import { truncateUtf8 } from './utf8.js';

export type ReconnectAdvice = 'immediate' | 'backoff' | 'never';

export interface CloseReason<Name extends string = CloseReasonName> {
  readonly code: number;
  readonly name: Name;
  readonly message: string;
  readonly reconnect: ReconnectAdvice;
}

function reason<Name extends string>(
  code: number,
  name: Name,
  message: string,
  reconnect: ReconnectAdvice,
): CloseReason<Name> {
  return Object.freeze({ code, name, message, reconnect });
}

export const CLOSE_REASONS = {
  MALFORMED_FRAME: reason(4000, 'malformed_frame', 'The frame is not a JSON message object.', 'backoff'),
  UNKNOWN_MESSAGE_TYPE: reason(4001, 'unknown_message_type', 'The message type is not known.', 'backoff'),
  FRAME_TOO_LARGE: reason(4002, 'frame_too_large', 'The frame exceeds the size limit.', 'backoff'),
  UNSUPPORTED_VERSION: reason(
    4003,
    'unsupported_version',
    'No protocol version is supported by both sides; upgrade the agent.',
    'never',
  ),
  UNAUTHENTICATED: reason(
    4004,
    'unauthenticated',
    'The cluster credential or enrollment token is not valid.',
    'never',
  ),
  TOKEN_EXPIRED: reason(
    4005,
    'token_expired',
    'The enrollment token has expired or was already used.',
    'never',
  ),
  CREDENTIAL_REVOKED: reason(4006, 'credential_revoked', 'The cluster credential was revoked.', 'never'),
  SUPERSEDED: reason(4007, 'superseded', 'A newer connection of the same cluster took over.', 'backoff'),
  RATE_LIMITED: reason(4008, 'rate_limited', 'Too many messages or connections; slow down.', 'backoff'),
  HEARTBEAT_TIMEOUT: reason(
    4009,
    'heartbeat_timeout',
    'The peer sent nothing within the dead-peer timeout.',
    'immediate',
  ),
  SERVER_SHUTTING_DOWN: reason(4010, 'server_shutting_down', 'The gateway is shutting down.', 'immediate'),
  INVALID_MESSAGE: reason(
    4011,
    'invalid_message',
    'A field of the message is missing or invalid.',
    'backoff',
  ),
  LIMIT_EXCEEDED: reason(4012, 'limit_exceeded', 'The message exceeds a protocol limit.', 'backoff'),
  UNEXPECTED_MESSAGE: reason(
    4013,
    'unexpected_message',
    'The message is not allowed from this peer or at this point of the session.',
    'backoff',
  ),
  HANDSHAKE_TIMEOUT: reason(4014, 'handshake_timeout', 'No valid hello arrived in time.', 'backoff'),
  INTERNAL_ERROR: reason(4015, 'internal_error', 'The peer failed internally.', 'backoff'),
  AGENT_SHUTTING_DOWN: reason(4016, 'agent_shutting_down', 'The agent is shutting down.', 'never'),
  REBALANCE: reason(4017, 'rebalance', 'The gateway sheds this connection to rebalance load.', 'immediate'),
  FLOW_RATE_EXCEEDED: reason(
    4018,
    'flow_rate_exceeded',
    'The cluster sends more flow records than its rate limit allows; unacknowledged batches are resent later.',
    'backoff',
  ),
} as const;

export type CloseReasonName = (typeof CLOSE_REASONS)[keyof typeof CLOSE_REASONS]['name'];

const ALL: readonly CloseReason[] = Object.values(CLOSE_REASONS);
const BY_CODE = new Map<number, CloseReason>(ALL.map((r) => [r.code, r]));
const BY_NAME = new Map<string, CloseReason>(ALL.map((r) => [r.name, r]));

export const CLOSE_REASON_NAMES: readonly CloseReasonName[] = ALL.map((r) => r.name);

export function closeReasonByCode(code: number): CloseReason | undefined {
  return BY_CODE.get(code);
}

export function closeReasonByName(name: string): CloseReason | undefined {
  return BY_NAME.get(name);
}

/**
 * Arguments for `WebSocket#close(code, reason)`. The reason text is cut to the 123 bytes a close
 * frame can carry (`ws` throws beyond that); the full detail belongs in a `close` message sent first.
 */
export function closeFrame(closeReason: CloseReason, detail?: string): { code: number; reason: string } {
  const text = detail === undefined || detail === '' ? closeReason.name : `${closeReason.name}: ${detail}`;
  return { code: closeReason.code, reason: truncateUtf8(text, CLOSE_REASON_MAX_BYTES) };
}
