import { describe, expect, it } from 'vitest';
import { benchPolicies, benchTiers } from './bench-fixture';
import { buildBoard, movePolicy, worstSync, type BoardPolicy } from './model';

const p = (name: string, tier: string, order: number | null): BoardPolicy => ({
  id: name,
  kind: 'NetworkPolicy',
  namespace: 'ns',
  name,
  tier,
  order,
  staged: false,
  clusterSelector: '',
});

describe('policy board model', () => {
  it('orders tiers by order then name, and policies by order with unset last', () => {
    const board = buildBoard(
      [
        { name: 'default', order: 1_000_000, defaultAction: 'Deny', builtIn: true },
        { name: 'security', order: 100, defaultAction: 'Pass', builtIn: false },
      ],
      [
        p('z', 'default', null),
        p('b', 'default', 10),
        p('a', 'default', 10),
        p('s', 'security', 5),
        p('x', 'ghost', 1),
      ],
    );
    expect(board.map((t) => t.name)).toEqual(['security', 'default', 'ghost']);
    expect(board[1]?.policies.map((q) => q.name)).toEqual(['a', 'b', 'z']);
  });

  it('moves a policy within its tier', () => {
    const list = [p('a', 't', 1), p('b', 't', 2), p('c', 't', 3)];
    expect(movePolicy(list, 2, 0).map((q) => q.name)).toEqual(['c', 'a', 'b']);
    expect(movePolicy(list, 0, 1).map((q) => q.name)).toEqual(['b', 'a', 'c']);
  });

  it('reports the worst sync state', () => {
    expect(worstSync([{ status: 'IN_SYNC' }, { status: 'PENDING' }])).toBe('PENDING');
    expect(worstSync([{ status: 'IN_SYNC' }, { status: 'FAILED' }, { status: 'DRIFTED' }])).toBe('FAILED');
    expect(worstSync([])).toBeNull();
  });

  it('spreads the bench fixture over every tier', () => {
    const board = buildBoard(benchTiers(), benchPolicies(1000));
    expect(board.reduce((n, t) => n + t.policies.length, 0)).toBe(1000);
    expect(board.every((t) => t.policies.length > 0)).toBe(true);
  });
});
