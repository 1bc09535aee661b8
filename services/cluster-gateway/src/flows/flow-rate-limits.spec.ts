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
    limits.take('idle', 100, 1_000);
    limits.take('busy', 100, 59_000);
    expect(limits.size).toBe(2);
    // At the next look, 'idle' has refilled and is forgotten; 'busy' holds 20 tokens and is kept.
    expect(limits.take('busy', 1, 61_000)).toBe(true);
    expect(limits.size).toBe(1);
    expect(limits.take('busy', 20, 61_000)).toBe(false);
    expect(limits.take('busy', 19, 61_000)).toBe(true);
  });
});
