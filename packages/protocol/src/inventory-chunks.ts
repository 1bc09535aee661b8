// Splits an inventory snapshot into frames the gateway will accept: each chunk stays within both
// the frame byte limit and the per-frame item budget, and chunks keep the order of every list, so
// concatenating them gives back the inventory. Pure: measuring is done with the codec's own encoding.

import { encodeMessage } from './codec.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import type { InventoryItems, InventorySnapshotMessage } from './messages.js';
import { utf8ByteLength } from './utf8.js';

type Kind = keyof InventoryItems;
const KINDS: readonly Kind[] = ['namespaces', 'serviceAccounts', 'services', 'endpoints'];
/** Room for the largest chunk numbers this can produce, so the envelope never grows past its estimate. */
const PLACEHOLDER_NUMBER = 999_999_999_999;

function emptyItems(): InventoryItems {
  return { namespaces: [], endpoints: [], serviceAccounts: [], services: [] };
}

/**
 * Throws a RangeError when one item alone cannot fit in a frame (which the limits make unlikely:
 * it takes a service with thousands of endpoints and a frame limit far below the default).
 */
export function chunkSnapshot(
  revision: number,
  items: InventoryItems,
  limits: ProtocolLimits = DEFAULT_LIMITS,
): InventorySnapshotMessage[] {
  const envelope = utf8ByteLength(
    encodeMessage({
      type: 'inventory.snapshot',
      revision,
      chunk: { index: PLACEHOLDER_NUMBER, count: PLACEHOLDER_NUMBER },
      items: emptyItems(),
    }),
  );
  const budget = limits.maxFrameBytes - envelope;
  const groups: InventoryItems[] = [];
  let current = emptyItems();
  let bytes = 0;
  let count = 0;
  for (const kind of KINDS) {
    for (const item of items[kind]) {
      const size = utf8ByteLength(JSON.stringify(item)) + 1;
      if (size > budget) {
        throw new RangeError(`one of ${kind} encodes to ${String(size)} bytes, more than a frame holds`);
      }
      if (count === limits.maxInventoryItemsPerFrame || bytes + size > budget) {
        groups.push(current);
        current = emptyItems();
        bytes = 0;
        count = 0;
      }
      (current[kind] as unknown[]).push(item);
      bytes += size;
      count++;
    }
  }
  groups.push(current);
  return groups.map((group, index) => ({
    type: 'inventory.snapshot',
    revision,
    chunk: { index, count: groups.length },
    items: group,
  }));
}
