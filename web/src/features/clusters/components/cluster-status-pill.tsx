// The status of a cluster as a pill: the lease-derived state the API reports, in words; marked
// stale (neutral, "last known") when the console lost its live link and cannot vouch for it.
import { StatusPill, type Tone } from '../../../components/ui/badge';
import type { ClusterStatus } from '../../../generated/graphql';
import { relativeTime } from '../../../lib/format';

const LOOK: Record<ClusterStatus, { tone: Tone; label: string }> = {
  CONNECTED: { tone: 'ok', label: 'Connected' },
  DISCONNECTED: { tone: 'danger', label: 'Disconnected' },
  NEVER_CONNECTED: { tone: 'neutral', label: 'Never connected' },
};

export function ClusterStatusPill({
  status,
  staleSince = null,
}: {
  status: ClusterStatus;
  /** Set while the console cannot vouch for live statuses (live-connection.ts). */
  staleSince?: number | null;
}) {
  const look = LOOK[status];
  if (staleSince !== null)
    return (
      <StatusPill
        tone="neutral"
        label={`${look.label} (stale)`}
        title={`Last known status, not confirmed since ${new Date(staleSince).toLocaleTimeString()}`}
      />
    );
  return <StatusPill tone={look.tone} label={look.label} />;
}

/** The "last seen" words: "now" only while a live link vouches for a connected cluster. */
export function lastSeenText(
  status: ClusterStatus,
  lastSeenAt: string | null | undefined,
  staleSince: number | null,
  connected: (status: ClusterStatus) => string,
): string {
  if (status !== 'CONNECTED') return relativeTime(lastSeenAt);
  if (staleSince !== null) return `unconfirmed since ${new Date(staleSince).toLocaleTimeString()}`;
  return connected(status);
}
