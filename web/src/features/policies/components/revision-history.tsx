// Revision history of one resource: newest first; each expands to its diff against the previous
// revision; any earlier revision can be made current again (rollback creates a new revision).
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
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
  const [confirming, setConfirming] = useState<number | null>(null);
  const target = revisions.find((r) => r.revision === confirming);
  const currentYaml = revisions.find((r) => r.revision === current)?.yaml ?? '';
  return (
    <>
      <Dialog
        open={target !== undefined}
        title={`Roll back to revision ${confirming ?? ''}?`}
        onClose={() => setConfirming(null)}
        actions={
          <>
            <Button onClick={() => setConfirming(null)}>Cancel</Button>
            <Button
              variant="primary"
              busy={rollingBack !== null}
              onClick={() => {
                if (confirming === null) return;
                onRollback(confirming);
                setConfirming(null);
              }}
            >
              Roll back
            </Button>
          </>
        }
      >
        <p>
          This stores revision {confirming} as a new revision and rolls it out to every cluster the policy
          targets. What changes against revision {current}:
        </p>
        <DiffView
          before={currentYaml}
          after={target?.yaml ?? ''}
          label={`Changes of rolling back to revision ${confirming ?? ''}`}
        />
      </Dialog>
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
                    onClick={() => setConfirming(r.revision)}
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
    </>
  );
}
