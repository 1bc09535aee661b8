// Splits one inventory delta into pieces that each fit in a frame: within the gateway's byte limit
// and its per-frame item budget (upserts and deletes together). Deletes go first, so a piece never
// upserts something an earlier piece of the same delta deletes. The protocol's `chunkSnapshot` does
// the same for snapshots; deltas need their own because their sequence numbers are assigned by the
// sender per piece.

import {
  DEFAULT_LIMITS,
  encodeMessage,
  utf8ByteLength,
  type InventoryDeletes,
  type InventoryItems,
  type ProtocolLimits,
} from '@palisade/protocol';
import { emptyDeletes, emptyItems, type InventoryDelta } from './inventory-delta.js';

/** Room for the largest revision and sequence numbers, so the envelope never outgrows its estimate. */
const PLACEHOLDER_NUMBER = Number.MAX_SAFE_INTEGER;
const KINDS = ['namespaces', 'serviceAccounts', 'services', 'endpoints'] as const;
type Piece = { upserts: InventoryItems; deletes: InventoryDeletes };

export function chunkDelta(delta: InventoryDelta, limits: ProtocolLimits = DEFAULT_LIMITS): InventoryDelta[] {
  const envelope = utf8ByteLength(
    encodeMessage({
      type: 'inventory.delta',
      revision: PLACEHOLDER_NUMBER,
      sequence: PLACEHOLDER_NUMBER,
      upserts: emptyItems(),
      deletes: emptyDeletes(),
    }),
  );
  const budget = limits.maxFrameBytes - envelope;
  const pieces: Piece[] = [];
  let current: Piece = { upserts: emptyItems(), deletes: emptyDeletes() };
  let bytes = 0;
  let count = 0;
  const add = (item: unknown, push: (piece: Piece) => void, what: string): void => {
    const size = utf8ByteLength(JSON.stringify(item)) + 1;
    if (size > budget)
      throw new RangeError(`one of ${what} encodes to ${String(size)} bytes, more than a frame holds`);
    if (count === limits.maxInventoryItemsPerFrame || bytes + size > budget) {
      pieces.push(current);
      current = { upserts: emptyItems(), deletes: emptyDeletes() };
      bytes = 0;
      count = 0;
    }
    push(current);
    bytes += size;
    count++;
  };
  for (const kind of KINDS) {
    for (const ref of delta.deletes[kind])
      add(ref, (p) => (p.deletes[kind] as unknown[]).push(ref), `deleted ${kind}`);
  }
  for (const kind of KINDS) {
    for (const item of delta.upserts[kind]) add(item, (p) => (p.upserts[kind] as unknown[]).push(item), kind);
  }
  if (count > 0 || pieces.length === 0) pieces.push(current);
  return pieces;
}
