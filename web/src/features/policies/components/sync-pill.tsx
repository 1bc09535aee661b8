// A policy's sync state in words and colour; "(stale)" in a neutral tone while the console has lost
// its live link and cannot vouch for it (live-connection.ts, decision 0083).
import { StatusPill, type Tone } from '../../../components/ui/badge';
import { useStaleSince } from '../../../lib/live-connection';
import type { SyncStatus } from '@palisade/policy/managed';

const LOOK: Record<SyncStatus, { tone: Tone; label: string }> = {
  IN_SYNC: { tone: 'ok', label: 'In sync' },
  PENDING: { tone: 'info', label: 'Pending' },
  FAILED: { tone: 'danger', label: 'Failed' },
  DRIFTED: { tone: 'warn', label: 'Drifted' },
  DISCONNECTED: { tone: 'neutral', label: 'Disconnected' },
};

export function SyncPill({ status, title, label }: { status: SyncStatus; title?: string; label?: string }) {
  const look = { ...LOOK[status], ...(label ? { label } : {}) };
  const staleSince = useStaleSince();
  if (staleSince !== null)
    return (
      <StatusPill
        tone="neutral"
        label={`${look.label} (stale)`}
        title={`Last known state, not confirmed since ${new Date(staleSince).toLocaleTimeString()}`}
      />
    );
  return <StatusPill tone={look.tone} label={look.label} {...(title ? { title } : {})} />;
}
