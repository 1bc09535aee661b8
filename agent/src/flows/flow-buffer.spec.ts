import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { flowRecord } from '../../test/support/flow-records.js';
import { FlowBuffer } from './flow-buffer.js';

const FRAME = 1024 * 1024;
const records = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => flowRecord({ dest_port: from + i }));
const ports = (rs: readonly { dest_port: number }[]) => rs.map((r) => r.dest_port);

/** A full garbage collection, without starting Node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('FlowBuffer', () => {
  it('holds no record once it is cut and acknowledged, however few records came before', async () => {
    const buffer = new FlowBuffer(10_000);
    // In a function of its own, so that no frame of the test still points at the last records.
    const shipRounds = (): WeakRef<object>[] =>
      Array.from({ length: 20 }, (_, round) => {
        const batch = records(round * 2, round * 2 + 2);
        buffer.add(batch);
        buffer.acknowledge(buffer.cut(100, FRAME)!.sequence);
        return batch.map((r) => new WeakRef(r));
      }).flat();
    const sent = shipRounds();
    // A WeakRef's target stays alive until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(sent.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    expect(buffer.size).toBe(0);
  });

  it('cuts batches in arrival order with growing sequences and keeps them until acknowledged', () => {
    const buffer = new FlowBuffer(100);
    buffer.add(records(1, 8));
    const first = buffer.cut(3, FRAME)!;
    const second = buffer.cut(3, FRAME)!;
    expect([first.sequence, second.sequence]).toEqual([1, 2]);
    expect(ports(first.records)).toEqual([1, 2, 3]);
    expect(ports(second.records)).toEqual([4, 5, 6]);
    expect(buffer.size).toBe(7);
    expect(buffer.acknowledge(1)).toBe(3);
    expect(buffer.unacked()).toEqual([second]);
    expect(buffer.acknowledge(5)).toBe(3);
    expect(buffer.size).toBe(1);
    expect(ports(buffer.cut(3, FRAME)!.records)).toEqual([7]);
    expect(buffer.cut(3, FRAME)).toBeNull();
  });

  it('cuts within the frame size', () => {
    const buffer = new FlowBuffer(100);
    buffer.add(records(1, 11));
    const one = JSON.stringify(flowRecord({ dest_port: 1 })).length;
    const batch = buffer.cut(100, 128 + 3 * one + 2)!;
    expect(batch.records).toHaveLength(3);
  });

  it('drops a record that can never fit a frame, counting it', () => {
    const buffer = new FlowBuffer(100);
    buffer.add([flowRecord({ source_labels: ['k='.padEnd(3_000, 'v')] }), flowRecord()]);
    const batch = buffer.cut(100, 2_000)!;
    expect(batch.records).toEqual([flowRecord()]);
    expect(buffer.dropped).toBe(1);
  });

  it('drops the oldest waiting records when full, and counts them', () => {
    const buffer = new FlowBuffer(5);
    buffer.add(records(1, 4));
    buffer.add(records(4, 8));
    expect(buffer.dropped).toBe(2);
    expect(buffer.size).toBe(5);
    expect(ports(buffer.cut(10, FRAME)!.records)).toEqual([3, 4, 5, 6, 7]);
  });

  it('drops whole unacknowledged batches first: a sequence always names the same records', () => {
    const buffer = new FlowBuffer(6);
    buffer.add(records(1, 7));
    const oldest = buffer.cut(3, FRAME)!;
    const next = buffer.cut(3, FRAME)!;
    buffer.add(records(7, 9));
    expect(buffer.dropped).toBe(3);
    expect(buffer.unacked()).toEqual([next]);
    expect(ports(next.records)).toEqual([4, 5, 6]);
    expect(buffer.acknowledge(oldest.sequence)).toBe(0);
    expect(ports(buffer.cut(10, FRAME)!.records)).toEqual([7, 8]);
  });
});
