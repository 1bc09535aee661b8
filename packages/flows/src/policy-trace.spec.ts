import { describe, expect, it } from 'vitest';
import { canonicalPolicies, parsePolicies, pendingAction, traceHash } from './policy-trace.js';
import { stableHash } from './stable-hash.js';

const enforced = ['1|__PROFILE__|pro:kns.app|allow|0', '0|security|gnp:hand-off|pass|0'];
const pending = ['0|security|gnp:hand-off|pass|0', '1|default|snp:data/tighten|deny|0'];

describe('canonical traces', () => {
  it('sorts each trace by policy index, numerically', () => {
    const hits = ['10|t|gnp:c|allow|0', '2|t|gnp:b|pass|0', '0|t|gnp:a|pass|0'];
    expect(canonicalPolicies({ enforced: hits, pending: [] }).enforced).toEqual([
      '0|t|gnp:a|pass|0',
      '2|t|gnp:b|pass|0',
      '10|t|gnp:c|allow|0',
    ]);
  });

  it('hashes equal traces equally whatever the order of their hits', () => {
    expect(traceHash({ enforced, pending })).toBe(traceHash({ enforced: [...enforced].reverse(), pending }));
    expect(traceHash({ enforced, pending })).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps enforced and pending apart', () => {
    expect(traceHash({ enforced, pending: [] })).not.toBe(traceHash({ enforced: [], pending: enforced }));
    expect(traceHash({ enforced, pending })).not.toBe(traceHash({ enforced: pending, pending: enforced }));
  });

  it('is stable across releases (stored hashes depend on it)', () => {
    expect(stableHash('a')).not.toBe(stableHash('b'));
    // Pinned: a change here orphans every stored trace hash.
    expect(stableHash('[[],[]]')).toBe('0da82cb39aabaaa8c330c08408fe2a7b');
    // Pinned from the four-pass implementation the one-pass one replaced (same output).
    expect(stableHash('')).toBe('3af9e9cf68a0ec133314d66f6a5b3e30');
    expect(stableHash('a')).toBe('f5e78ba313f66b51ab07cc42d993a743');
    expect(
      stableHash('[["0|default|np:shop/allow-frontend|allow|0"],["0|security|sgnp:quarantine-shop|deny|0"]]'),
    ).toBe('9a1c261435ce57f9f545015aed541678');
    expect(stableHash('naïve ☃ 𝄞')).toBe('63dee544d2032701eb216d0f66cc54e9');
    expect(stableHash('x'.repeat(1000))).toBe('ad83102626cb3093374e29fde703059a');
  });
});

describe('pending verdict', () => {
  it('is the action of the last pending hit', () => {
    expect(pendingAction({ enforced, pending })).toBe('deny');
    expect(pendingAction({ enforced, pending: [...pending].reverse() })).toBe('deny');
    expect(pendingAction({ enforced, pending: [] })).toBeNull();
  });

  it('structures both traces in index order', () => {
    const parsed = parsePolicies({ enforced, pending });
    expect(parsed.enforced.map((h) => h.name)).toEqual(['hand-off', 'kns.app']);
    expect(parsed.pending[1]).toMatchObject({ kind: 'snp', namespace: 'data', name: 'tighten' });
  });
});
