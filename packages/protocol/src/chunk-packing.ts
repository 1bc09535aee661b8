// Packing items into chunk frames, shared by every chunked message (decisions 0013 and 0014): items
// keep their order and are never split, and a chunk takes items while they fit. Each item is
// charged its encoded size plus one byte for the comma that separates it from the next, which
// over-counts by at most one byte per array and so never lets a chunk exceed its budget.

import { encodeMessage } from './codec.js';
import type { TunnelMessage } from './messages.js';
import { utf8ByteLength } from './utf8.js';

export type Packing =
  /** `[start, end)` of the items in each chunk, in order; at least one chunk, none empty unless there are no items. */
  | { readonly ok: true; readonly chunks: readonly (readonly [number, number])[] }
  /** The item at `index` does not fit in a chunk on its own. */
  | { readonly ok: false; readonly index: number };

/**
 * `emptyChunk` is the chunk message at `position` with no items. Every chunk holds at least one
 * item, so no chunk number exceeds the item count: the envelope measured with it as a placeholder
 * is never smaller than a real one.
 */
export function packBySize(
  sizes: readonly number[],
  maxFrameBytes: number,
  emptyChunk: (position: { index: number; count: number }) => TunnelMessage,
): Packing {
  const placeholder = { index: sizes.length, count: sizes.length };
  const budget = maxFrameBytes - utf8ByteLength(encodeMessage(emptyChunk(placeholder)));
  const chunks: [number, number][] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < sizes.length; i++) {
    const size = (sizes[i] as number) + 1;
    if (size > budget) return { ok: false, index: i };
    if (used + size > budget) {
      chunks.push([start, i]);
      start = i;
      used = 0;
    }
    used += size;
  }
  chunks.push([start, sizes.length]);
  return { ok: true, chunks };
}
