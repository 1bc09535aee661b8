import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { buildBoard, type BoardPolicy } from '../model';
import { PolicyBoard } from './policy-board';

const policy = (name: string, order: number, extra: Partial<BoardPolicy> = {}): BoardPolicy => ({
  id: name,
  kind: 'NetworkPolicy',
  namespace: 'shop',
  name,
  tier: 'default',
  order,
  staged: false,
  clusterSelector: '',
  ...extra,
});

const tiers = buildBoard(
  [
    { name: 'security', order: 100, defaultAction: 'Pass', builtIn: false },
    { name: 'default', order: 1_000_000, defaultAction: 'Deny', builtIn: true },
  ],
  [
    policy('allow-dns', 10, { tier: 'security' }),
    policy('a', 100, { clusters: [{ name: 'prod', status: 'IN_SYNC' }] }),
    policy('b', 200, { staged: true, kind: 'StagedNetworkPolicy', clusterSelector: 'env == "prod"' }),
    policy('c', 300, { clusters: [{ name: 'prod', status: 'FAILED' }] }),
  ],
);

describe('PolicyBoard', () => {
  it('shows tiers in order as columns with their policies in order, staged marked, sync shown', () => {
    render(
      <PolicyBoard tiers={tiers} canReorder={false} onOpen={() => undefined} onReorder={() => undefined} />,
    );
    const columns = screen
      .getAllByRole('region')
      .filter((r) => r.getAttribute('aria-label')?.startsWith('Tier '));
    expect(columns.map((c) => c.getAttribute('aria-label'))).toEqual(['Tier security', 'Tier default']);
    const names = within(columns[1]!)
      .getAllByRole('listitem')
      .map((li) => li.getAttribute('data-policy'));
    expect(names).toEqual(['a', 'b', 'c']);
    const staged = within(columns[1]!).getAllByRole('listitem')[1]!;
    expect(within(staged).getByText('staged')).toBeTruthy();
    expect(within(staged).getByText('env == "prod"')).toBeTruthy();
    expect(screen.getByText('In sync')).toBeTruthy();
    expect(screen.getByText('Failed')).toBeTruthy();
  });

  it('offers no reordering without policies:write', () => {
    render(
      <PolicyBoard tiers={tiers} canReorder={false} onOpen={() => undefined} onReorder={() => undefined} />,
    );
    expect(screen.queryByRole('button', { name: /^Move / })).toBeNull();
    expect(screen.getAllByRole('listitem').every((li) => li.getAttribute('draggable') === 'false')).toBe(
      true,
    );
  });

  it('reorders with the move buttons and with Alt+arrows, and opens a policy', async () => {
    const onReorder = vi.fn();
    const onOpen = vi.fn();
    const user = userEvent.setup();
    render(<PolicyBoard tiers={tiers} canReorder onOpen={onOpen} onReorder={onReorder} />);
    await user.click(screen.getByRole('button', { name: 'Move c up' }));
    expect(onReorder).toHaveBeenLastCalledWith('default', 2, 1);
    expect(screen.getByRole('button', { name: 'Move a up' })).toHaveProperty('disabled', true);
    screen.getByRole('button', { name: 'shop/a' }).focus();
    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(onReorder).toHaveBeenLastCalledWith('default', 0, 1);
    await user.click(screen.getByRole('button', { name: 'shop/b' }));
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ name: 'b', kind: 'StagedNetworkPolicy' }));
  });
});
