import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { PromotionPreviewQuery } from '../../../generated/graphql';
import { PromotionPreviewDialog, promotionSummary } from './promotion-preview-dialog';

type Preview = PromotionPreviewQuery['previewPolicyChanges'];

const preview: Preview = {
  from: '2026-12-05T08:00:00.000Z',
  to: '2026-12-06T08:00:00.000Z',
  clusters: ['prod'],
  totals: { newlyDenied: 1, newlyAllowed: 0, uncertain: 1, unchanged: 7 },
  flows: {
    totalCount: 2,
    edges: [
      {
        node: {
          id: 'prod.a',
          cluster: 'prod',
          class: 'NEWLY_DENIED',
          sourceNamespace: 'backend',
          sourceName: 'orders-worker-*',
          destNamespace: 'db',
          destName: 'postgres-*',
          destPort: 5432,
          proto: 'tcp',
          reporter: 'DST',
          uncertainties: [],
        },
      },
      {
        node: {
          id: 'prod.b',
          cluster: 'prod',
          class: 'UNCERTAIN',
          sourceNamespace: 'backend',
          sourceName: 'orders-worker-*',
          destNamespace: '-',
          destName: 'pvt',
          destPort: 443,
          proto: 'tcp',
          reporter: 'SRC',
          uncertainties: [
            {
              reason: 'AGGREGATED_NETWORK',
              detail: 'address of destination pvt: a rule names 172.20.10.0/25',
            },
          ],
        },
      },
    ],
  },
};

describe('PromotionPreviewDialog', () => {
  it('summarises the replay, lists what would change with why, and promotes on confirmation', async () => {
    const onPromote = vi.fn();
    render(
      <PromotionPreviewDialog
        open
        name="lock-db"
        preview={preview}
        loading={false}
        error={null}
        promoting={false}
        onPromote={onPromote}
        onClose={() => undefined}
      />,
    );
    expect(screen.getByText(promotionSummary(preview))).toBeTruthy();
    expect(promotionSummary(preview)).toBe(
      '9 flows replayed: 1 newly denied, 0 newly allowed, 1 uncertain, 7 unchanged.',
    );
    const table = screen.getByRole('table', { name: 'Flows whose verdict would change' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0]!.textContent)).toEqual([
      'Newly denied',
      'Uncertain',
    ]);
    expect(
      within(rows[1]!).getByText('address of destination pvt: a rule names 172.20.10.0/25'),
    ).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Promote anyway' }));
    expect(onPromote).toHaveBeenCalledOnce();
  });

  it('says it is replaying while the preview loads, and offers a plain promote when nothing is denied', () => {
    const { rerender } = render(
      <PromotionPreviewDialog
        open
        name="x"
        preview={undefined}
        loading
        error={null}
        promoting={false}
        onPromote={() => undefined}
        onClose={() => undefined}
      />,
    );
    expect(screen.getByText('Replaying the last 24 hours of flows…')).toBeTruthy();
    rerender(
      <PromotionPreviewDialog
        open
        name="x"
        preview={{
          ...preview,
          totals: { ...preview.totals, newlyDenied: 0 },
          flows: { totalCount: 0, edges: [] },
        }}
        loading={false}
        error={null}
        promoting={false}
        onPromote={() => undefined}
        onClose={() => undefined}
      />,
    );
    expect(screen.getByRole('button', { name: 'Promote to enforced' })).toBeTruthy();
  });
});
