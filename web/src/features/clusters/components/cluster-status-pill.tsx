// The status of a cluster as a pill: the lease-derived state the API reports, in words.
import { StatusPill, type Tone } from '../../../components/ui/badge';
import type { ClusterStatus } from '../../../generated/graphql';

const LOOK: Record<ClusterStatus, { tone: Tone; label: string }> = {
  CONNECTED: { tone: 'ok', label: 'Connected' },
  DISCONNECTED: { tone: 'danger', label: 'Disconnected' },
  NEVER_CONNECTED: { tone: 'neutral', label: 'Never connected' },
};

export function ClusterStatusPill({ status }: { status: ClusterStatus }) {
  const look = LOOK[status];
  return <StatusPill tone={look.tone} label={look.label} />;
}
