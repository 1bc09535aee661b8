// Fleet health at a glance: connected, disconnected, never connected, and the ones that need
// attention listed by name.
import { refKey } from '@palisade/policy/managed';
import { Link } from '@tanstack/react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { nounFor, plural, relativeTime } from '../../../lib/format';
import { ClusterStatusPill } from '../../clusters/components/cluster-status-pill';
import { SyncPill } from '../../policies/components/sync-pill';
import { useDashboard } from '../api';

/**
 * Policies in sync and out of sync across the connected clusters: a policy is out of sync when a
 * connected cluster that should run it does not (yet) run it as stored, in sync when every connected
 * cluster that runs it reports IN_SYNC; each policy counts once however many clusters run it.
 * Disconnected clusters are left out: their state is not known, and they are counted on their own.
 */
export function policySyncCounts(
  clusters: readonly {
    status: string;
    policySync: {
      resources: readonly { kind: string; namespace?: string | null; name: string; status: string }[];
    };
  }[],
): { inSync: number; outOfSync: number } {
  const worst = new Map<string, boolean>();
  for (const c of clusters) {
    if (c.status !== 'CONNECTED') continue;
    for (const r of c.policySync.resources) {
      const key = refKey({ kind: r.kind, namespace: r.namespace ?? null, name: r.name });
      worst.set(key, (worst.get(key) ?? true) && r.status === 'IN_SYNC');
    }
  }
  const values = [...worst.values()];
  return { inSync: values.filter(Boolean).length, outOfSync: values.filter((v) => !v).length };
}

export function FleetCard({ slug }: { slug: string }) {
  const q = useDashboard(slug);
  if (q.isPending) return <SkeletonRows rows={2} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const clusters = q.data.clusters.edges.map((e) => e.node);
  const count = (s: string) => clusters.filter((c) => c.status === s).length;
  const attention = clusters.filter((c) => c.status === 'DISCONNECTED');
  const sync = (s: string) =>
    clusters.filter((c) => c.status === 'CONNECTED' && c.policySync.status === s).length;
  // A policy is out of sync when a connected cluster that should run it does not (yet) run it as
  // stored; each policy counts once however many clusters it is out of sync in.
  const { inSync, outOfSync } = policySyncCounts(clusters);
  const failing = clusters.filter(
    (c) => c.policySync.status === 'FAILED' || c.policySync.status === 'DRIFTED',
  );
  return (
    <section aria-label="Fleet" className="stack">
      <div className="stat-grid">
        <div className="card">
          <div className="stat" data-stat="connected">
            {count('CONNECTED')}
          </div>
          <div className="stat-label">{nounFor(count('CONNECTED'), 'cluster')} connected</div>
        </div>
        <div className="card">
          <div className="stat" data-stat="disconnected">
            {count('DISCONNECTED')}
          </div>
          <div className="stat-label">disconnected</div>
        </div>
        <div className="card">
          <div className="stat">{count('NEVER_CONNECTED')}</div>
          <div className="stat-label">waiting for their agent</div>
        </div>
        <div className="card">
          <div className="stat" data-stat="policies-in-sync">
            {inSync}
          </div>
          <div className="stat-label">
            {nounFor(inSync, 'policy')} in sync · {plural(sync('IN_SYNC'), 'cluster')} fully in sync ·{' '}
            {sync('PENDING')} pending · {failing.length} failed or drifted
          </div>
        </div>
        <div className="card">
          <div className="stat" data-stat="policies-out-of-sync">
            {outOfSync}
          </div>
          <div className="stat-label">{nounFor(outOfSync, 'policy')} out of sync</div>
        </div>
      </div>
      {failing.length > 0 && (
        <div className="card">
          <h2>Policy sync problems</h2>
          <ul>
            {failing.map((c) => (
              <li key={c.id} className="row">
                <Link to="/o/$slug/clusters/$name" params={{ slug, name: c.name }}>
                  {c.name}
                </Link>
                <SyncPill status={c.policySync.status} />
                {c.policySync.error && <span className="muted">{c.policySync.error}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {clusters.length === 0 ? (
        <div className="card">
          <h2>Connect your first cluster</h2>
          <p className="muted">
            <Link to="/o/$slug/clusters" params={{ slug }}>
              Go to Clusters
            </Link>{' '}
            to register one and install its agent with a single command.
          </p>
        </div>
      ) : attention.length > 0 ? (
        <div className="card">
          <h2>Needs attention</h2>
          <ul>
            {attention.map((c) => (
              <li key={c.id} className="row">
                <Link to="/o/$slug/clusters/$name" params={{ slug, name: c.name }}>
                  {c.name}
                </Link>
                <ClusterStatusPill status={c.status} />
                <span className="muted">last seen {relativeTime(c.lastSeenAt)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
