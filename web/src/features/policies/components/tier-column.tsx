// A tier as a column: its order and default action on top, its policies in evaluation order.
import { memo, useCallback, useRef } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import type { BoardPolicy, BoardTier } from '../model';
import { PolicyCard } from './policy-card';

export interface TierColumnProps {
  tier: BoardTier;
  canReorder: boolean;
  onOpen: (p: BoardPolicy) => void;
  onReorder: (tier: string, from: number, to: number) => void;
  onEditTier?: (tier: BoardTier) => void;
}

function TierColumnView({ tier, canReorder, onOpen, onReorder, onEditTier }: TierColumnProps) {
  const dragFrom = useRef<number | null>(null);
  const onMove = useCallback(
    (from: number, to: number) => onReorder(tier.name, from, to),
    [onReorder, tier.name],
  );
  const onDragStart = useCallback((i: number) => {
    dragFrom.current = i;
  }, []);
  const onDropAt = useCallback(
    (i: number) => {
      const from = dragFrom.current;
      dragFrom.current = null;
      if (from !== null && from !== i) onReorder(tier.name, from, i);
    },
    [onReorder, tier.name],
  );
  return (
    <section className="tier-column" aria-label={`Tier ${tier.name}`} data-tier={tier.name}>
      <header className="tier-column__head">
        <h2>{tier.name}</h2>
        <div className="row">
          <span className="muted mono">order {tier.order}</span>
          <Badge tone={tier.defaultAction === 'Pass' ? 'info' : 'neutral'}>then {tier.defaultAction}</Badge>
          {tier.builtIn && <Badge>built-in</Badge>}
          {onEditTier && !tier.builtIn && (
            <Button
              size="small"
              variant="ghost"
              onClick={() => onEditTier(tier)}
              aria-label={`Edit tier ${tier.name}`}
            >
              Edit
            </Button>
          )}
        </div>
      </header>
      {tier.policies.length === 0 ? (
        <p className="muted tier-column__empty">No policies in this tier.</p>
      ) : (
        <ol className="tier-column__list">
          {tier.policies.map((p, i) => (
            <PolicyCard
              key={p.id}
              policy={p}
              index={i}
              count={tier.policies.length}
              canReorder={canReorder}
              onOpen={onOpen}
              onMove={onMove}
              onDragStart={onDragStart}
              onDropAt={onDropAt}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

export const TierColumn = memo(TierColumnView);
