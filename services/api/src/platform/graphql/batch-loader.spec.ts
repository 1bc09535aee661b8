import { describe, expect, it } from 'vitest';
import type { GqlContext } from './context.js';
import { BatchLoader, requestLoader } from './batch-loader.js';

describe('BatchLoader', () => {
  it('loads every key asked for in one turn of the event loop with one call', async () => {
    const calls: string[][] = [];
    const loader = new BatchLoader<string, number>((keys) => {
      calls.push(keys);
      return Promise.resolve(new Map(keys.map((k) => [k, k.length])));
    });
    // Keys arrive after different numbers of microtasks, as guarded field resolvers do.
    const later = Promise.resolve()
      .then(() => undefined)
      .then(() => loader.load('ccc'));
    const values = await Promise.all([loader.load('a'), loader.load('bb'), loader.load('a'), later]);
    expect(values).toEqual([1, 2, 1, 3]);
    expect(calls).toEqual([['a', 'bb', 'ccc']]);
    expect(await loader.load('dddd')).toBe(4);
    expect(calls).toHaveLength(2);
  });

  it('answers undefined for a key the load did not return, and rejects the batch on failure', async () => {
    const loader = new BatchLoader<string, number>(() => Promise.resolve(new Map([['known', 1]])));
    expect(await loader.load('unknown')).toBeUndefined();
    const failing = new BatchLoader<string, number>(() => Promise.reject(new Error('down')));
    await expect(Promise.all([failing.load('a'), failing.load('b')])).rejects.toThrow('down');
  });

  it('keeps one loader per request and name', () => {
    const a = {} as GqlContext;
    const b = {} as GqlContext;
    const make = () => new BatchLoader<string, number>(() => Promise.resolve(new Map<string, number>()));
    expect(requestLoader(a, 'x', make)).toBe(requestLoader(a, 'x', make));
    expect(requestLoader(a, 'x', make)).not.toBe(requestLoader(a, 'y', make));
    expect(requestLoader(a, 'x', make)).not.toBe(requestLoader(b, 'x', make));
  });
});
