import { describe, expect, it } from 'vitest';
import {
  MIN_SUPPORTED,
  PROTOCOL_VERSION,
  SUPPORTED_VERSIONS,
  INTRODUCED_IN,
  isInVersion,
  negotiateVersion,
  type VersionRange,
} from './index.js';

const r = (min: number, max: number): VersionRange => ({ min, max });

describe('negotiateVersion', () => {
  it.each<[string, VersionRange, VersionRange, number | 'unsupported']>([
    ['identical single versions', r(1, 1), r(1, 1), 1],
    ['agent newer, overlapping', r(1, 3), r(1, 2), 2],
    ['server newer, overlapping', r(2, 2), r(1, 4), 2],
    ['ranges touching at one end', r(3, 5), r(1, 3), 3],
    ['agent range inside server range', r(2, 3), r(1, 9), 3],
    ['agent too old', r(1, 1), r(2, 3), 'unsupported'],
    ['agent too new', r(4, 6), r(2, 3), 'unsupported'],
    ['inverted agent range', r(3, 1), r(1, 3), 'unsupported'],
    ['inverted server range', r(1, 3), r(3, 1), 'unsupported'],
    ['zero version', r(0, 1), r(1, 1), 'unsupported'],
    ['fractional version', r(1, 1.5), r(1, 2), 'unsupported'],
    ['NaN', r(Number.NaN, 1), r(1, 1), 'unsupported'],
    ['beyond the largest version number', r(1, 70_000), r(1, 1), 'unsupported'],
  ])('%s: %o with %o → %s', (_, agent, server, expected) => {
    const result = negotiateVersion(agent, server);
    if (expected === 'unsupported') {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason.name).toBe('unsupported_version');
        expect(result.reason.code).toBe(4003);
      }
    } else {
      expect(result).toEqual({ ok: true, version: expected });
    }
  });

  it('defaults to the versions this build speaks', () => {
    expect(SUPPORTED_VERSIONS).toEqual({ min: MIN_SUPPORTED, max: PROTOCOL_VERSION });
    expect(negotiateVersion(r(MIN_SUPPORTED, PROTOCOL_VERSION + 5))).toEqual({
      ok: true,
      version: PROTOCOL_VERSION,
    });
  });

  it('explains the mismatch', () => {
    const result = negotiateVersion(r(4, 6), r(2, 3));
    expect(!result.ok && result.detail).toBe('agent speaks [4, 6], server speaks [2, 3]');
  });
});

describe('isInVersion', () => {
  it('knows which version added each message', () => {
    expect(INTRODUCED_IN).toEqual({
      'desired.state.chunk': 2,
      'apply.result.chunk': 2,
      'credential.stored': 3,
      'inventory.nodes': 3,
    });
    expect(isInVersion('credential.stored', 2)).toBe(false);
    expect(isInVersion('credential.stored', 3)).toBe(true);
    expect(isInVersion('inventory.nodes', 2)).toBe(false);
    expect(isInVersion('inventory.nodes', 3)).toBe(true);
    expect(isInVersion('apply.result.chunk', 1)).toBe(false);
    expect(isInVersion('apply.result.chunk', 2)).toBe(true);
    expect(isInVersion('desired.state', 1)).toBe(true);
    expect(isInVersion('desired.state.chunk', 1)).toBe(false);
    expect(isInVersion('desired.state.chunk', 2)).toBe(true);
    expect(isInVersion('desired.state.chunk', PROTOCOL_VERSION)).toBe(true);
  });
});
