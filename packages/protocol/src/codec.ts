// Turns frames into typed messages and back. `decodeMessage` is the tunnel's only entry point for
// untrusted bytes, and it never throws: every way a frame can be wrong maps to a close reason and
// a detail naming the offending field, so one bad peer costs its own connection and nothing more.
// The order of checks is the order of cost: size before decoding, decoding before parsing,
// the message type before the schema.

import { CLOSE_REASONS, type CloseReason } from './close-reasons.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import {
  AGENT_MESSAGE_TYPES,
  GATEWAY_MESSAGE_TYPES,
  type MessageFrom,
  type Peer,
  type TunnelMessage,
} from './messages.js';
import { MESSAGE_SCHEMAS } from './schemas.js';
import { exceedsUtf8Bytes } from './utf8.js';
import { ValidationError, typeOf, type Validator } from './validate.js';
import { isVersionRange, negotiateVersion } from './version.js';

export type DecodeResult<M extends TunnelMessage = TunnelMessage> =
  | { readonly ok: true; readonly message: M }
  | { readonly ok: false; readonly reason: CloseReason; readonly detail: string };

const SCHEMAS = new Map<string, Validator<TunnelMessage>>(Object.entries(MESSAGE_SCHEMAS));
const SENT_BY: Readonly<Record<Peer, ReadonlySet<string>>> = {
  agent: new Set(AGENT_MESSAGE_TYPES),
  gateway: new Set(GATEWAY_MESSAGE_TYPES),
};
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The message as one JSON text frame. Senders should check the byte length against the peer's limit. */
export function encodeMessage(message: TunnelMessage): string {
  return JSON.stringify(message);
}

/**
 * Decodes one frame. With `from`, only messages that peer may send are accepted, and the result is
 * typed accordingly: a gateway decodes with `from: 'agent'`, an agent with `from: 'gateway'`.
 */
export function decodeMessage(data: string | Uint8Array, limits?: ProtocolLimits): DecodeResult;
export function decodeMessage<P extends Peer>(
  data: string | Uint8Array,
  limits: ProtocolLimits | undefined,
  from: P,
): DecodeResult<MessageFrom<P>>;
export function decodeMessage(
  data: string | Uint8Array,
  limits: ProtocolLimits = DEFAULT_LIMITS,
  from?: Peer,
): DecodeResult {
  try {
    const text = frameText(data, limits.maxFrameBytes);
    if (typeof text !== 'string') return text;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return failure(CLOSE_REASONS.MALFORMED_FRAME, `not valid JSON${jsonErrorPosition(error)}`);
    }
    return validateMessage(value, limits, from);
  } catch (error) {
    return failure(CLOSE_REASONS.INTERNAL_ERROR, `decoder failed: ${describe(error)}`);
  }
}

/** The schema check of `decodeMessage`, for values that are already parsed (or about to be sent). */
export function validateMessage(
  value: unknown,
  limits: ProtocolLimits = DEFAULT_LIMITS,
  from?: Peer,
): DecodeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure(CLOSE_REASONS.MALFORMED_FRAME, `expected a JSON object, got ${typeOf(value)}`);
  }
  const type: unknown = (value as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return failure(CLOSE_REASONS.MALFORMED_FRAME, `type: expected a string, got ${typeOf(type)}`);
  }
  const schema = SCHEMAS.get(type);
  if (schema === undefined) {
    return failure(
      CLOSE_REASONS.UNKNOWN_MESSAGE_TYPE,
      `unknown message type ${JSON.stringify(type.slice(0, 64))}`,
    );
  }
  if (from !== undefined && !SENT_BY[from].has(type)) {
    return failure(CLOSE_REASONS.UNEXPECTED_MESSAGE, `${type} is not sent by the ${from}`);
  }
  if (type === 'hello') {
    const refused = refuseUnspeakableVersion(value);
    if (refused !== undefined) return refused;
  }
  try {
    return { ok: true, message: schema(value, limits) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const reason = error.kind === 'limit' ? CLOSE_REASONS.LIMIT_EXCEEDED : CLOSE_REASONS.INVALID_MESSAGE;
    return failure(reason, `${type} ${error.detail}`);
  }
}

function frameText(data: string | Uint8Array, maxBytes: number): string | DecodeResult {
  if (typeof data === 'string') {
    return exceedsUtf8Bytes(data, maxBytes) ? tooLarge(maxBytes) : data;
  }
  if (!(data instanceof Uint8Array)) {
    return failure(CLOSE_REASONS.MALFORMED_FRAME, `expected a string or bytes, got ${typeOf(data)}`);
  }
  if (data.byteLength > maxBytes) return tooLarge(maxBytes);
  try {
    return utf8.decode(data);
  } catch {
    return failure(CLOSE_REASONS.MALFORMED_FRAME, 'not valid UTF-8');
  }
}

/**
 * A hello's shape is frozen across versions, but an agent from the far future may still send a
 * range this build cannot speak; it deserves `unsupported_version`, not a schema complaint.
 */
function refuseUnspeakableVersion(hello: object): DecodeResult | undefined {
  const range: unknown = (hello as { protocol?: unknown }).protocol;
  if (typeof range !== 'object' || range === null) return undefined;
  const { min, max } = range as { min?: unknown; max?: unknown };
  if (typeof min !== 'number' || typeof max !== 'number') return undefined;
  if (!isVersionRange({ min, max })) return undefined;
  const negotiated = negotiateVersion({ min, max });
  return negotiated.ok ? undefined : failure(negotiated.reason, negotiated.detail);
}

function tooLarge(maxBytes: number): DecodeResult {
  return failure(CLOSE_REASONS.FRAME_TOO_LARGE, `the frame exceeds the limit of ${String(maxBytes)} bytes`);
}

function failure(reason: CloseReason, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

// V8's SyntaxError quotes the input around the error, which may be a credential; keep the position only.
function jsonErrorPosition(error: unknown): string {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match ? ` at position ${match[1] ?? '?'}` : '';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : typeOf(error);
}
