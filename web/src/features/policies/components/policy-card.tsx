// One policy on the board: name, kind, order, staged marker, targeted clusters and their sync.
// Draggable by mouse; with the keyboard, Alt+↑/↓ (or the move buttons) reorder it.
import { memo, type DragEvent, type KeyboardEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { formatCount } from '../../../lib/format';
import { boardSync, type BoardPolicy } from '../model';
import { plural } from '../../../lib/format';
import { SyncPill } from './sync-pill';

export interface PolicyCardProps {
  policy: BoardPolicy;
  index: number;
  count: number;
  canReorder: boolean;
  onOpen: (p: BoardPolicy) => void;
  onMove: (from: number, to: number) => void;
  onDragStart: (index: number) => void;
  onDropAt: (index: number) => void;
}

function PolicyCardView({
  policy,
  index,
  count,
  canReorder,
  onOpen,
  onMove,
  onDragStart,
  onDropAt,
}: PolicyCardProps) {
  const sync = policy.clusters ? boardSync(policy.clusters) : null;
  const onKeyDown = (e: KeyboardEvent) => {
    if (!canReorder || !e.altKey) return;
    if (e.key === 'ArrowUp' && index > 0) {
      e.preventDefault();
      onMove(index, index - 1);
    } else if (e.key === 'ArrowDown' && index < count - 1) {
      e.preventDefault();
      onMove(index, index + 1);
    }
  };
  return (
    <li
      className={`policy-card${policy.staged ? ' policy-card--staged' : ''}`}
      draggable={canReorder}
      data-policy={policy.name}
      onDragStart={(e: DragEvent) => {
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', policy.name);
        onDragStart(index);
      }}
      onDragOver={(e) => {
        if (canReorder) e.preventDefault();
      }}
      onDrop={(e) => {
        e.preventDefault();
        onDropAt(index);
      }}
      onKeyDown={onKeyDown}
    >
      <div className="policy-card__head">
        <button type="button" className="policy-card__name" onClick={() => onOpen(policy)}>
          {policy.namespace ? `${policy.namespace}/` : ''}
          {policy.name}
        </button>
        <span className="policy-card__order mono" title="Order">
          {policy.order ?? '—'}
        </span>
      </div>
      <div className="row policy-card__meta">
        <Badge mono>{policy.kind.replace('Staged', '').replace('NetworkPolicy', 'NP')}</Badge>
        {policy.staged && <Badge tone="warn">staged</Badge>}
        <span className="muted mono" title="Cluster selector">
          {policy.clusterSelector ? policy.clusterSelector : 'all clusters'}
        </span>
        {sync?.live && (
          <SyncPill
            status={sync.live}
            title={sync.liveClusters.map((c) => `${c.name}: ${c.status}`).join(', ')}
          />
        )}
        {sync && sync.disconnected.length > 0 && (
          <span data-disconnected={sync.disconnected.length}>
            <SyncPill
              status="DISCONNECTED"
              label={`${plural(sync.disconnected.length, 'cluster')} disconnected`}
              title={`State unknown: ${sync.disconnected.map((c) => c.name).join(', ')}`}
            />
          </span>
        )}
      </div>
      {policy.hits && (
        <div
          className="policy-card__hits"
          data-hits={`${policy.hits.allowed}/${policy.hits.denied}/${policy.hits.passed}`}
          title="Connections in the last 24 hours"
        >
          {policy.hits.allowed + policy.hits.denied + policy.hits.passed === 0 ? (
            <span className="muted">no hits in 24 h</span>
          ) : (
            <>
              {policy.hits.allowed > 0 && (
                <span className="hit hit--allowed">{formatCount(policy.hits.allowed)} allowed</span>
              )}
              {policy.hits.denied > 0 && (
                <span className="hit hit--denied">{formatCount(policy.hits.denied)} denied</span>
              )}
              {policy.hits.passed > 0 && (
                <span className="hit hit--passed">{formatCount(policy.hits.passed)} passed</span>
              )}
              <span className="muted">· 24 h</span>
            </>
          )}
        </div>
      )}
      {canReorder && (
        <div className="policy-card__move">
          <Button
            size="small"
            variant="ghost"
            aria-label={`Move ${policy.name} up`}
            disabled={index === 0}
            onClick={() => onMove(index, index - 1)}
          >
            ▲
          </Button>
          <Button
            size="small"
            variant="ghost"
            aria-label={`Move ${policy.name} down`}
            disabled={index === count - 1}
            onClick={() => onMove(index, index + 1)}
          >
            ▼
          </Button>
        </div>
      )}
    </li>
  );
}

export const PolicyCard = memo(PolicyCardView);
