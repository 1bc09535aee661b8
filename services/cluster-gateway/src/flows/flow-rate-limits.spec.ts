import { describe, expect, it } from 'vitest';
import { FlowRateLimits } from './flow-rate-limits.js';

describe('FlowRateLimits', () => {
  it('gives each cluster its own budget of records', () => {
    const limits = new FlowRateLimits(10, 100);
    expect(limits.take('a', 100, 0)).toBe(true);
    expect(limits.take('a', 1, 0)).toBe(false);
    expect(limits.take('b', 100, 0)).toBe(true);
    expect(limits.take('a', 10, 1_000)).toBe(true);
  });

  it('forgets buckets that have refilled, and only those', () => {
    const limits = new FlowRateLimits(10, 100);
    limits.take('idle', 100, 0);
    limits.take('busy', 100, 60_000);
    expect(limits.size).toBe(2);
    // A minute on, 'idle' has refilled and is forgotten; 'busy' has 10 tokens and is kept.
    expect(limits.take('busy', 1, 61_000)).toBe(true);
    expect(limits.size).toBe(1);
    expect(limits.take('busy', 10, 61_000)).toBe(false);
    expect(limits.take('busy', 9, 61_000)).toBe(true);
  });
});
