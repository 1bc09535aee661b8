// The dashboard's encryption coverage: nodes encrypting in transit over nodes reported, in total
// and per cluster (decision 0091).
import { Link } from '@tanstack/react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { useEncryptionCoverage } from '../api';

export function EncryptionCard({ slug }: { slug: string }) {
  const q = useEncryptionCoverage(slug);
  if (q.isPending) return <SkeletonRows rows={2} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const c = q.data;
  return (
    <section aria-label="Encryption in transit" className="card">
      <div className="stat" data-stat="encrypting-nodes">
        {c.encryptingNodes} / {c.nodes}
      </div>
      <div className="stat-label">nodes encrypting in transit (WireGuard)</div>
      {c.clusters.length > 0 && (
        <ul>
          {c.clusters.map((k) => (
            <li key={k.clusterName} className="row">
              <Link to="/o/$slug/clusters/$name" params={{ slug, name: k.clusterName }}>
                {k.clusterName}
              </Link>
              <span>
                {k.encryptingNodes} of {k.nodes} nodes
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
