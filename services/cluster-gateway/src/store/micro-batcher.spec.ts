import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher.js';

describe('MicroBatcher', () => {
  it('sends the first item alone and what arrives meanwhile together, answering each in order', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (items) => {
      batches.push([...items]);
      await Promise.resolve();
      return items.map((n) => n * 2);
    }, 100);
    const results = await Promise.all([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('splits at the maximum batch size and rejects every item of a failed batch', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>((items) => {
      sizes.push(items.length);
      return items.includes(3) ? Promise.reject(new Error('boom')) : Promise.resolve([...items]);
    }, 2);
    const settled = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(sizes).toEqual([1, 2, 2]);
  });
});
