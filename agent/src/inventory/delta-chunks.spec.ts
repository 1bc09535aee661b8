import { DEFAULT_LIMITS, decodeMessage, type WorkloadEndpoint } from '@palisade/protocol';
import { describe, expect, it } from 'vitest';
import { chunkDelta } from './delta-chunks.js';
import { emptyDeletes, emptyItems } from './inventory-delta.js';

const pod = (i: number): WorkloadEndpoint => ({
  namespace: 'large',
  name: `pod-${String(i)}`,
  labels: { app: 'x'.repeat(50), index: String(i) },
  ips: [`10.0.${String(i >> 8)}.${String(i & 255)}`],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  serviceAccount: 'default',
  node: 'node-1',
});

describe('chunkDelta', () => {
  it('keeps a small delta whole', () => {
    const delta = { upserts: { ...emptyItems(), endpoints: [pod(1)] }, deletes: emptyDeletes() };
    expect(chunkDelta(delta)).toEqual([delta]);
  });

  it('splits by the item budget and by bytes, deletes first, each piece a valid frame', () => {
    const limits = { ...DEFAULT_LIMITS, maxInventoryItemsPerFrame: 100, maxFrameBytes: 16 * 1024 };
    const delta = {
      upserts: { ...emptyItems(), endpoints: Array.from({ length: 700 }, (_, i) => pod(i)) },
      deletes: {
        ...emptyDeletes(),
        endpoints: Array.from({ length: 150 }, (_, i) => ({ namespace: 'large', name: `old-${String(i)}` })),
      },
    };
    const pieces = chunkDelta(delta, limits);
    expect(pieces.length).toBeGreaterThan(8);
    expect(pieces.flatMap((p) => p.deletes.endpoints)).toEqual(delta.deletes.endpoints);
    expect(pieces.flatMap((p) => p.upserts.endpoints)).toEqual(delta.upserts.endpoints);
    const firstUpsert = pieces.findIndex((p) => p.upserts.endpoints.length > 0);
    expect(pieces.slice(firstUpsert + 1).every((p) => p.deletes.endpoints.length === 0)).toBe(true);
    pieces.forEach((piece, i) => {
      const frame = JSON.stringify({
        type: 'inventory.delta',
        revision: 1_700_000_000_000,
        sequence: i + 1,
        ...piece,
      });
      expect(decodeMessage(frame, limits, 'agent').ok).toBe(true);
    });
  });
});
