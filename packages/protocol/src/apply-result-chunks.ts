// Turns one apply result into the frames that carry it (decision 0014): one `apply.result` when it
// fits in a frame, as before chunking existed, so most results look the same to every gateway
// version; otherwise `apply.result.chunk` frames on a session of version 2 or later. Unlike a
// desired set, a result is never refused: a result the gateway never hears leaves the cluster
// PENDING forever, which is worse than a shortened one. A result that no frames may carry (one frame
// for a version-1 gateway, `maxApplyResultBytes` otherwise) is shortened, and the plan says how, for
// the agent to log: first every message is cut to the longest length that lets it fit; if even
// empty messages do not fit, entries are left out, successful results first, then drift reports,
// failures last, since a failure is what a user must see. Pure: sizes are measured with the codec's
// encoding.

import { packBySize } from './chunk-packing.js';
import { encodeMessage } from './codec.js';
import { DEFAULT_LIMITS, maxApplyResultChunks, type ProtocolLimits } from './limits.js';
import type { ApplyResultChunkMessage, ApplyResultMessage, DriftReport, ResourceStatus } from './messages.js';
import { truncateUtf8, utf8ByteLength } from './utf8.js';
import { isInVersion } from './version.js';

export type ApplyResultFrame = ApplyResultMessage | ApplyResultChunkMessage;

export interface ApplyResultShortening {
  /** Every message was cut to at most this many UTF-8 bytes; null when none was cut. */
  readonly messageBytes: number | null;
  /** Entries left out of the report altogether. */
  readonly droppedResults: number;
  readonly droppedDrift: number;
}

export interface ApplyResultPlan {
  readonly messages: ApplyResultFrame[];
  /** null when the whole result is carried. */
  readonly shortened: ApplyResultShortening | null;
}

export interface ApplyResultPlanOptions {
  /** The version negotiated with the receiving gateway. */
  readonly protocolVersion: number;
  readonly limits?: ProtocolLimits;
}

/** Marks a cut message, so a reader knows there was more. */
const ELLIPSIS = '…';

export function planApplyResult(
  message: ApplyResultMessage,
  options: ApplyResultPlanOptions,
): ApplyResultPlan {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const chunked = isInVersion('apply.result.chunk', options.protocolVersion);
  const frames = (results: ResourceStatus[], drift: DriftReport[]): ApplyResultFrame[] | null =>
    framesFor(message.generation, results, drift, chunked, limits);

  const whole = frames(message.results, message.drift);
  if (whole !== null) return { messages: whole, shortened: null };

  const longest = Math.max(0, ...[...message.results, ...message.drift].map((e) => messageBytes(e)));
  const cut = (max: number) => ({
    results: message.results.map((r) => cutResult(r, max)),
    drift: message.drift.map((d) => cutDrift(d, max)),
  });
  // The longest cut that fits; fitting only grows as messages shrink, so a binary search finds it.
  const messageCut = largest(0, longest, (max) => {
    const { results, drift } = cut(max);
    return frames(results, drift) !== null;
  });
  if (messageCut !== null) {
    const { results, drift } = cut(messageCut);
    return {
      messages: frames(results, drift) ?? [],
      shortened: { messageBytes: messageCut, droppedResults: 0, droppedDrift: 0 },
    };
  }

  const { results, drift } = cut(0);
  const ranked: (ResourceStatus | DriftReport)[] = [
    ...results.filter((r) => r.status === 'failed'),
    ...drift,
    ...results.filter((r) => r.status === 'ok'),
  ];
  const keep = (n: number) => {
    const kept = new Set(ranked.slice(0, n));
    return {
      results: results.filter((r) => kept.has(r)),
      drift: drift.filter((d) => kept.has(d)),
    };
  };
  // An empty report always fits in one frame, so this finds a count.
  const kept = largest(0, ranked.length, (n) => {
    const some = keep(n);
    return frames(some.results, some.drift) !== null;
  });
  const some = keep(kept ?? 0);
  return {
    messages: frames(some.results, some.drift) ?? [],
    shortened: {
      messageBytes: 0,
      droppedResults: results.length - some.results.length,
      droppedDrift: drift.length - some.drift.length,
    },
  };
}

/** One `apply.result` when it fits; ordered chunks when allowed and within the limits; else null. */
function framesFor(
  generation: number,
  results: ResourceStatus[],
  drift: DriftReport[],
  chunked: boolean,
  limits: ProtocolLimits,
): ApplyResultFrame[] | null {
  const resultSizes = results.map((r) => utf8ByteLength(JSON.stringify(r)));
  const driftSizes = drift.map((d) => utf8ByteLength(JSON.stringify(d)));
  const sizes = [...resultSizes, ...driftSizes];
  const bytes = sizes.reduce((sum, size) => sum + size + 1, 0);
  const single = utf8ByteLength(encodeMessage({ type: 'apply.result', generation, results: [], drift: [] }));
  if (single + bytes <= limits.maxFrameBytes) return [{ type: 'apply.result', generation, results, drift }];
  if (!chunked || bytes > limits.maxApplyResultBytes) return null;
  const total = { results: results.length, drift: drift.length };
  const packing = packBySize(sizes, limits.maxFrameBytes, (chunk) => ({
    type: 'apply.result.chunk',
    generation,
    chunk,
    total,
    results: [],
    drift: [],
  }));
  if (!packing.ok || packing.chunks.length > maxApplyResultChunks(limits)) return null;
  const count = packing.chunks.length;
  const split = results.length;
  return packing.chunks.map(([start, end], index) => ({
    type: 'apply.result.chunk',
    generation,
    chunk: { index, count },
    total,
    results: results.slice(Math.min(start, split), Math.min(end, split)),
    drift: drift.slice(Math.max(start, split) - split, Math.max(end, split) - split),
  }));
}

/** The largest n in [low, high] for which `fits(n)` holds, given that it holds for every smaller n too. */
function largest(low: number, high: number, fits: (n: number) => boolean): number | null {
  if (!fits(low)) return null;
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function messageBytes(entry: ResourceStatus | DriftReport): number {
  return 'message' in entry && entry.message !== null ? utf8ByteLength(entry.message) : 0;
}

function cutText(text: string, max: number): string {
  if (utf8ByteLength(text) <= max) return text;
  const room = max - utf8ByteLength(ELLIPSIS);
  return room > 0 ? truncateUtf8(text, room) + ELLIPSIS : truncateUtf8(text, max);
}

function cutResult(result: ResourceStatus, max: number): ResourceStatus {
  return result.status === 'ok' ? result : { ...result, message: cutText(result.message, max) };
}

function cutDrift(drift: DriftReport, max: number): DriftReport {
  return drift.message === null ? drift : { ...drift, message: cutText(drift.message, max) };
}
