// Revision history of one resource: newest first; each expands to its diff against the previous
// revision; any earlier revision can be made current again (rollback creates a new revision).
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { DiffView } from '../../../components/ui/diff-view';
import { absoluteTime, relativeTime } from '../../../lib/format';

export interface RevisionItem {
  revision: number;
  change: string;
  yaml: string | null;
  actor: string;
  createdAt: string;
}

export function RevisionHistory({
  revisions,
  current,
  canRollback,
  rollingBack,
  onRollback,
}: {
  revisions: readonly RevisionItem[];
  current: number;
  canRollback: boolean;
  rollingBack: number | null;
  onRollback: (revision: number) => void;
}) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <ol className="audit-list" aria-label="Revisions">
      {revisions.map((r, i) => {
        const previous = revisions[i + 1];
        return (
          <li key={r.revision} className="audit-item" data-revision={r.revision}>
            <div className="row">
              <Button
                size="small"
                variant="ghost"
                aria-expanded={open === r.revision}
                onClick={() => setOpen(open === r.revision ? null : r.revision)}
              >
                {open === r.revision ? '▾' : '▸'} Revision {r.revision}
              </Button>
              <Badge tone={r.revision === current ? 'ok' : 'neutral'}>{r.change.replace('_', ' ')}</Badge>
              <span className="muted">{r.actor}</span>
              <span className="muted" title={absoluteTime(r.createdAt)}>
                {relativeTime(r.createdAt)}
              </span>
              {canRollback && r.revision !== current && r.yaml && (
                <Button
                  size="small"
                  busy={rollingBack === r.revision}
                  onClick={() => onRollback(r.revision)}
                  style={{ marginLeft: 'auto' }}
                >
                  Roll back to {r.revision}
                </Button>
              )}
            </div>
            {open === r.revision && (
              <div className="audit-item__detail">
                <DiffView
                  before={previous?.yaml ?? ''}
                  after={r.yaml ?? ''}
                  label={`Changes in revision ${r.revision}`}
                />
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
