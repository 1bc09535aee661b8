// The banner every organisation page shows while the console cannot vouch for live statuses: the
// API does not answer, or the live subscription dropped. It says since when, that what is shown is
// the last known state, and that the console keeps trying (decision 0083).
import { useLiveState } from '../../lib/live-connection';

const WHAT = {
  'api-unreachable': 'No answer from the Palisade API since',
  'live-dropped': 'Live updates from Palisade stopped at',
} as const;

export function LiveBanner() {
  const live = useLiveState();
  if (live.kind !== 'down') return null;
  return (
    <div className="card live-banner" role="alert" data-live={live.problem}>
      <strong>
        {WHAT[live.problem]} {new Date(live.since).toLocaleTimeString()}.
      </strong>{' '}
      Statuses shown are the last known ones, marked stale; reconnecting…
    </div>
  );
}
