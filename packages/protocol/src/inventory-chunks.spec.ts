import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleEndpoint } from '../test/sample-messages.js';
import {
  DEFAULT_LIMITS,
  chunkSnapshot,
  decodeMessage,
  encodeMessage,
  utf8ByteLength,
  type InventoryItems,
  type ProtocolLimits,
  type WorkloadEndpoint,
} from './index.js';

function endpoints(n: number): WorkloadEndpoint[] {
  return Array.from({ length: n }, (_, i) => ({ ...sampleEndpoint, name: `pod-${String(i)}` }));
}

function inventory(pods: number): InventoryItems {
  return {
    namespaces: [{ name: 'shop', labels: {} }],
    endpoints: endpoints(pods),
    serviceAccounts: [{ namespace: 'shop', name: 'frontend', labels: {} }],
    services: [],
  };
}

function concat(chunks: ReturnType<typeof chunkSnapshot>): InventoryItems {
  const all: InventoryItems = { namespaces: [], endpoints: [], serviceAccounts: [], services: [] };
  for (const { items } of chunks) {
    all.namespaces.push(...items.namespaces);
    all.endpoints.push(...items.endpoints);
    all.serviceAccounts.push(...items.serviceAccounts);
    all.services.push(...items.services);
  }
  return all;
}

describe('chunkSnapshot', () => {
  it('sends a small inventory, or an empty one, as a single chunk', () => {
    expect(chunkSnapshot(4, inventory(3))).toEqual([
      { type: 'inventory.snapshot', revision: 4, chunk: { index: 0, count: 1 }, items: inventory(3) },
    ]);
    const empty = { namespaces: [], endpoints: [], serviceAccounts: [], services: [] };
    expect(chunkSnapshot(1, empty)).toEqual([
      { type: 'inventory.snapshot', revision: 1, chunk: { index: 0, count: 1 }, items: empty },
    ]);
  });

  it('splits by the item budget', () => {
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxInventoryItemsPerFrame: 10 };
    const chunks = chunkSnapshot(2, inventory(25), limits);
    expect(chunks.map((c) => c.chunk)).toEqual([
      { index: 0, count: 3 },
      { index: 1, count: 3 },
      { index: 2, count: 3 },
    ]);
    expect(concat(chunks)).toEqual(inventory(25));
  });

  it('splits by bytes so that every chunk decodes under the same limits', () => {
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxFrameBytes: 4_096 };
    const chunks = chunkSnapshot(9, inventory(100), limits);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      const frame = encodeMessage(chunk);
      expect(utf8ByteLength(frame)).toBeLessThanOrEqual(4_096);
      expect(decodeMessage(frame, limits, 'agent')).toEqual({ ok: true, message: chunk });
    }
    expect(concat(chunks)).toEqual(inventory(100));
  });

  it('refuses an item that no frame can hold', () => {
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxFrameBytes: 300 };
    expect(() => chunkSnapshot(1, inventory(1), limits)).toThrow(RangeError);
  });

  it('keeps every chunk within both limits for any sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1_200, max: 20_000 }),
        (pods, maxItems, maxBytes) => {
          const limits: ProtocolLimits = {
            ...DEFAULT_LIMITS,
            maxInventoryItemsPerFrame: maxItems,
            maxFrameBytes: maxBytes,
          };
          const items = inventory(pods);
          const chunks = chunkSnapshot(1, items, limits);
          chunks.forEach((chunk, index) => {
            expect(chunk.chunk).toEqual({ index, count: chunks.length });
            expect(decodeMessage(encodeMessage(chunk), limits).ok).toBe(true);
          });
          expect(concat(chunks)).toEqual(items);
        },
      ),
      { numRuns: 60 },
    );
  });
});
