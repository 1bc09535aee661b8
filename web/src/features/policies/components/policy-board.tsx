// The policy board: tiers left to right in evaluation order, each a column of its policies in
// order. Reordering is optimistic: the board shows the new order at once and the caller saves it.
import type { BoardPolicy, BoardTier } from '../model';
import { TierColumn } from './tier-column';

export interface PolicyBoardProps {
  tiers: readonly BoardTier[];
  canReorder: boolean;
  onOpen: (p: BoardPolicy) => void;
  onReorder: (tier: string, from: number, to: number) => void;
  /** Offered on tiers that are not built in, when the member may write policies. */
  onEditTier?: (tier: BoardTier) => void;
}

export function PolicyBoard({ tiers, canReorder, onOpen, onReorder, onEditTier }: PolicyBoardProps) {
  return (
    <div className="policy-board" role="region" aria-label="Policy board">
      {canReorder && (
        <p className="visually-hidden">
          Drag a policy, or focus it and press Alt with the up or down arrow, to reorder.
        </p>
      )}
      {tiers.map((t) => (
        <TierColumn
          key={t.name}
          tier={t}
          canReorder={canReorder}
          onOpen={onOpen}
          onReorder={onReorder}
          {...(onEditTier ? { onEditTier } : {})}
        />
      ))}
    </div>
  );
}
