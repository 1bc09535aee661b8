// A policy's sync state in words and colour.
import { StatusPill, type Tone } from '../../../components/ui/badge';
import type { SyncStatus } from '@palisade/policy/managed';

const LOOK: Record<SyncStatus, { tone: Tone; label: string }> = {
  IN_SYNC: { tone: 'ok', label: 'In sync' },
  PENDING: { tone: 'info', label: 'Pending' },
  FAILED: { tone: 'danger', label: 'Failed' },
  DRIFTED: { tone: 'warn', label: 'Drifted' },
  DISCONNECTED: { tone: 'neutral', label: 'Disconnected' },
};

export function SyncPill({ status, title }: { status: SyncStatus; title?: string }) {
  const look = LOOK[status];
  return <StatusPill tone={look.tone} label={look.label} {...(title ? { title } : {})} />;
}
