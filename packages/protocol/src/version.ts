// Protocol version negotiation. The agent's hello states the range it speaks; the gateway picks the
// highest version both ranges contain. Versions are whole numbers that only grow; a change that an
// older peer would misread (a new required field, a narrowed limit) needs a new version.

import { CLOSE_REASONS, type CloseReason } from './close-reasons.js';
import type { MessageType } from './messages.js';

/**
 * The version this build speaks by preference.
 * - 1: the original message set.
 * - 2: adds `desired.state.chunk` (decision 0013), a desired set larger than one frame, and
 *   `apply.result.chunk` (decision 0014), an apply result larger than one frame. Version 2 was not
 *   yet released when the second was added, so no peer speaks a version 2 without it.
 * - 3: adds `credential.stored` (decision 0059): the agent confirms it stored its credential, and
 *   the gateway spends the enrollment token then; and `inventory.nodes` (decision 0091), each
 *   node's dataplane and WireGuard state. Both landed before version 3 was released.
 */
export const PROTOCOL_VERSION = 3;
/** The oldest version this build still speaks. */
export const MIN_SUPPORTED = 1;
export const MAX_VERSION_NUMBER = 65_535;

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const SUPPORTED_VERSIONS: VersionRange = Object.freeze({ min: MIN_SUPPORTED, max: PROTOCOL_VERSION });

/**
 * Messages added after version 1, with the version that added them. A peer sends one only on a
 * session whose negotiated version is at least that, since an older peer would close the tunnel
 * with `unknown_message_type`; a receiver may refuse one that arrives on an older session.
 */
export const INTRODUCED_IN: Readonly<Partial<Record<MessageType, number>>> = Object.freeze({
  'desired.state.chunk': 2,
  'apply.result.chunk': 2,
  'credential.stored': 3,
  'inventory.nodes': 3,
});

/** Whether `type` is part of protocol `version`. */
export function isInVersion(type: MessageType, version: number): boolean {
  return version >= (INTRODUCED_IN[type] ?? 1);
}

export type NegotiationResult =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly reason: CloseReason<'unsupported_version'>; readonly detail: string };

export function isVersionRange(range: VersionRange): boolean {
  return isVersion(range.min) && isVersion(range.max) && range.min <= range.max;
}

export function negotiateVersion(
  agent: VersionRange,
  server: VersionRange = SUPPORTED_VERSIONS,
): NegotiationResult {
  if (!isVersionRange(agent)) return unsupported(`agent range ${show(agent)} is not a valid range`);
  if (!isVersionRange(server)) return unsupported(`server range ${show(server)} is not a valid range`);
  const version = Math.min(agent.max, server.max);
  if (version < Math.max(agent.min, server.min)) {
    return unsupported(`agent speaks ${show(agent)}, server speaks ${show(server)}`);
  }
  return { ok: true, version };
}

function isVersion(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_VERSION_NUMBER;
}

function unsupported(detail: string): NegotiationResult {
  return { ok: false, reason: CLOSE_REASONS.UNSUPPORTED_VERSION, detail };
}

function show(range: VersionRange): string {
  return `[${String(range.min)}, ${String(range.max)}]`;
}
