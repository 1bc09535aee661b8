import { describe, expect, it } from 'vitest';
import { INGESTION_RATE_GRACE_SECONDS, currentIngestionRate } from './ingestion-rate.js';

describe('currentIngestionRate', () => {
  it('is the stored rate while batches keep coming (within two buckets and the grace)', () => {
    expect(currentIngestionRate(120, 0)).toBe(120);
    expect(currentIngestionRate(120, 14)).toBe(120);
    expect(currentIngestionRate(120, INGESTION_RATE_GRACE_SECONDS)).toBe(120);
  });

  it('decays as an empty batch landing now would make it, then reads 0', () => {
    expect(currentIngestionRate(120, INGESTION_RATE_GRACE_SECONDS + 60)).toBeCloseTo(120 / Math.E, 6);
    const later = [120, 300, 600, 1800].map((s) =>
      currentIngestionRate(120, INGESTION_RATE_GRACE_SECONDS + s),
    );
    expect(later).toEqual([...later].sort((a, b) => b - a));
    expect(currentIngestionRate(120, 3600)).toBe(0);
  });

  it('is 0 for a cluster that never sent a batch', () => {
    expect(currentIngestionRate(0, null)).toBe(0);
  });
});
