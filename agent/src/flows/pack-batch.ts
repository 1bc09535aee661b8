// How many flow records fit one `flow.batch` frame: at most the gateway's `maxFlowsPerBatch` and,
// encoded, within its frame limit with room for the envelope. Records are measured as the codec
// will encode them (JSON, UTF-8), so a cut batch never fails to send.

import type { FlowRecord } from '@palisade/flows';
import { utf8ByteLength } from '@palisade/protocol';

/** `{"type":"flow.batch","sequence":…,"droppedTotal":…,"records":[]}` with 16-digit numbers, rounded up. */
export const BATCH_ENVELOPE_BYTES = 128;

export interface Packed {
  /** Records from `start` that fit, at least 1 unless `oversized`. */
  readonly count: number;
  /** The record at `start` alone exceeds the frame. */
  readonly oversized: boolean;
}

export function packBatch(
  records: readonly FlowRecord[],
  start: number,
  maxRecords: number,
  maxFrameBytes: number,
): Packed {
  const budget = maxFrameBytes - BATCH_ENVELOPE_BYTES;
  let used = 0;
  let count = 0;
  for (let i = start; i < records.length && count < maxRecords; i++) {
    // One comma between records.
    const size = utf8ByteLength(JSON.stringify(records[i])) + (count === 0 ? 0 : 1);
    if (used + size > budget) break;
    used += size;
    count++;
  }
  return { count, oversized: count === 0 && start < records.length };
}
