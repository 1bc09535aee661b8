// Audit events as an expandable list: a summary line per event (who, did what, to what, when) and,
// on expansion, the before/after diff and the event's hashes.
import { useId, useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { DiffView } from '../../../components/ui/diff-view';
import type { AuditEventsQuery } from '../../../generated/graphql';
import { absoluteTime, relativeTime } from '../../../lib/format';
import { namesFromEvents, targetLabel } from '../target-label';

export type AuditEventNode = AuditEventsQuery['organization']['auditEvents']['edges'][number]['node'];

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/** Indented JSON with keys sorted, so before and after line up and the diff shows real changes. */
export function prettyJson(v: unknown): string {
  return v === null || v === undefined ? '' : JSON.stringify(sortKeys(v), null, 2);
}

function AuditEventItem({ event, names }: { event: AuditEventNode; names: ReadonlyMap<string, string> }) {
  const target = targetLabel(event, names);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <li className="audit-item" data-action={event.action}>
      <div className="row">
        <Button
          variant="ghost"
          size="small"
          aria-expanded={open}
          aria-controls={panelId}
          aria-label={`Details of event ${event.seq}`}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? '▾' : '▸'}
        </Button>
        <span className="muted mono">#{event.seq}</span>
        <strong>{event.actor.label}</strong>
        <Badge tone="info" mono>
          {event.action}
        </Badge>
        <span title={`${event.targetType} ${event.targetId}`} data-target={event.targetId}>
          <span className="muted">{target.type}</span> <span className="mono">{target.name}</span>
        </span>
        <span className="muted" title={absoluteTime(event.occurredAt)} style={{ marginLeft: 'auto' }}>
          {relativeTime(event.occurredAt)}
        </span>
      </div>
      {open && (
        <div id={panelId} className="audit-item__detail">
          <DiffView
            before={prettyJson(event.before)}
            after={prettyJson(event.after)}
            label={`Changes made by event ${event.seq}`}
          />
          <dl className="props" style={{ marginTop: 8 }}>
            <dt>Time</dt>
            <dd>{absoluteTime(event.occurredAt)}</dd>
            <dt>Actor</dt>
            <dd>
              {event.actor.label} ({event.actor.type.toLowerCase()}
              {event.actor.id ? ` ${event.actor.id}` : ''})
            </dd>
            <dt>Target</dt>
            <dd>
              {target.type} {target.known ? target.name : ''}{' '}
              <span className="muted mono">{event.targetId}</span>
            </dd>
            <dt>Hash</dt>
            <dd className="mono">{event.hash}</dd>
            <dt>Previous</dt>
            <dd className="mono">{event.prevHash || '—'}</dd>
          </dl>
        </div>
      )}
    </li>
  );
}

export function AuditEventList({
  events,
  names,
}: {
  events: readonly AuditEventNode[];
  /** Names by target id known from elsewhere (live clusters, the organisation). */
  names?: ReadonlyMap<string, string>;
}) {
  const known = namesFromEvents(events, names);
  return (
    <ul className="audit-list" aria-label="Audit events">
      {events.map((e) => (
        <AuditEventItem key={e.seq} event={e} names={known} />
      ))}
    </ul>
  );
}
