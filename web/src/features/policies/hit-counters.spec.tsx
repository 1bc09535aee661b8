import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PolicyCard } from './components/policy-card';
import { withHits } from './hit-counters';
import type { BoardPolicy, BoardTier } from './model';
import { refKey } from '@palisade/policy/managed';

const policy = (name: string, namespace: string | null, kind: string): BoardPolicy => ({
  id: name,
  kind,
  namespace,
  name,
  tier: 'default',
  order: 100,
  staged: false,
  clusterSelector: '',
});

const tier: BoardTier = {
  name: 'default',
  order: 1_000_000,
  defaultAction: 'Deny',
  builtIn: true,
  policies: [policy('deny-db', 'db', 'NetworkPolicy'), policy('dns', null, 'GlobalNetworkPolicy')],
};

describe('policy hit counters', () => {
  it('joins statistics to the board by reference, zero for a policy without hits', () => {
    const hits = new Map([
      [
        refKey({ kind: 'NetworkPolicy', namespace: 'db', name: 'deny-db' }),
        { allowed: 0, denied: 1234, passed: 0 },
      ],
    ]);
    const [t] = withHits([tier], hits);
    expect(t!.policies.map((p) => p.hits)).toEqual([
      { allowed: 0, denied: 1234, passed: 0 },
      { allowed: 0, denied: 0, passed: 0 },
    ]);
  });

  it('shows the counters on the card, or says there were none', () => {
    const [t] = withHits(
      [tier],
      new Map([
        [
          refKey({ kind: 'NetworkPolicy', namespace: 'db', name: 'deny-db' }),
          { allowed: 5, denied: 1234, passed: 0 },
        ],
      ]),
    );
    const props = {
      index: 0,
      count: 2,
      canReorder: false,
      onOpen: () => undefined,
      onMove: () => undefined,
      onDragStart: () => undefined,
      onDropAt: () => undefined,
    };
    const { unmount } = render(<PolicyCard policy={t!.policies[0]!} {...props} />);
    expect(screen.getByText('1.2K denied')).toBeTruthy();
    expect(screen.getByText('5 allowed')).toBeTruthy();
    expect(screen.queryByText(/passed/)).toBeNull();
    unmount();
    render(<PolicyCard policy={t!.policies[1]!} {...props} />);
    expect(screen.getByText('no hits in 24 h')).toBeTruthy();
  });
});
