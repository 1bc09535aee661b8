// The audit log's filters live in the URL (shareable, back button works): actor, action, target
// type and id, time range. Only non-empty strings survive parsing.
import type { AuditEventFilter } from '../../generated/graphql';

export interface AuditSearch {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** datetime-local values (local time, no zone) as typed in the form. */
  from?: string;
  to?: string;
}

const FIELDS = ['actor', 'action', 'targetType', 'targetId', 'from', 'to'] as const;

export function parseAuditSearch(raw: Record<string, unknown>): AuditSearch {
  const out: AuditSearch = {};
  for (const f of FIELDS) {
    const v = raw[f];
    if (typeof v === 'string' && v.trim() !== '') out[f] = v.trim();
  }
  return out;
}

function toIso(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function toAuditFilter(s: AuditSearch): AuditEventFilter {
  const from = toIso(s.from);
  const to = toIso(s.to);
  return {
    ...(s.actor ? { actor: s.actor } : {}),
    ...(s.action ? { action: s.action } : {}),
    ...(s.targetType ? { targetType: s.targetType } : {}),
    ...(s.targetId ? { targetId: s.targetId } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}
