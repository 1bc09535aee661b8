import { describe, expect, it } from 'vitest';
import { Backoff, backoffStep } from './backoff.js';

describe('backoff', () => {
  it('doubles from 1 s and caps at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10, 100, 10_000].map((n) => backoffStep(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('draws each delay from the upper half of its step, never above the cap', () => {
    const low = new Backoff({ random: () => 0.999_999 });
    const high = new Backoff({ random: () => 0 });
    const lows = Array.from({ length: 8 }, () => low.next());
    const highs = Array.from({ length: 8 }, () => high.next());
    expect(highs).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(lows).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  it('stays within the bounds for any random draw', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const backoff = new Backoff({ random });
    for (let attempt = 0; attempt < 200; attempt++) {
      const step = backoffStep(attempt);
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(step / 2);
      expect(delay).toBeLessThanOrEqual(Math.min(step, 30_000));
    }
  });

  it('jitters: agents cut off together do not retry together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => new Backoff().next()));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('starts over after a reset', () => {
    const backoff = new Backoff({ random: () => 0 });
    for (let i = 0; i < 6; i++) backoff.next();
    expect(backoff.attempt).toBe(6);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(1_000);
  });

  it('has a longest delay for stepping back, jittered below the cap', () => {
    expect(new Backoff({ random: () => 0 }).longest()).toBe(30_000);
    expect(new Backoff({ random: () => 0.5 }).longest()).toBe(22_500);
  });
});
