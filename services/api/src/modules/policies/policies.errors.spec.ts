import { describe, expect, it } from 'vitest';
import { parsePrintedPath } from './policies.errors.js';

describe('policy errors', () => {
  it('parses printed field paths back into segments', () => {
    expect(parsePrintedPath('spec.ingress[0].destination.ports[12]')).toEqual([
      'spec',
      'ingress',
      0,
      'destination',
      'ports',
      12,
    ]);
    expect(parsePrintedPath('metadata.annotations["palisade.io/cluster-selector"]')).toEqual([
      'metadata',
      'annotations',
      'palisade.io/cluster-selector',
    ]);
    expect(parsePrintedPath('')).toEqual([]);
  });
});
