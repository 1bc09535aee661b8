// The fleet's traffic at a glance: denied flows of the last hour per connected cluster, and the
// pairs of the service graph that were denied the most, each linking to the flows behind it.
import { Link } from '@tanstack/react-router';
import { ErrorState } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { useServiceGraph } from '../../service-graph/api';
import { edgeFlowSearch, foldGraph } from '../../service-graph/model';
import { useDashboard, useDeniedFlowCounts } from '../api';
import { plural } from '../../../lib/format';

const TOP = 5;

function DeniedByCluster({ slug, clusters }: { slug: string; clusters: string[] }) {
  const counts = useDeniedFlowCounts(slug, clusters);
  return (
    <section className="card" aria-labelledby="denied-by-cluster">
      <h2 id="denied-by-cluster">Denied flows, last hour</h2>
      {clusters.length === 0 ? (
        <p className="muted">No cluster is connected.</p>
      ) : (
        <ul className="figure-list">
          {counts.map((q, i) => {
            const cluster = clusters[i]!;
            return (
              <li key={cluster} data-cluster={cluster} className="row">
                <Link
                  to="/o/$slug/flows"
                  params={{ slug }}
                  search={{ clusters: [cluster], action: ['DENY'], range: '1h' }}
                >
                  {cluster}
                </Link>
                <span className="figure-list__value">
                  {q.isPending ? (
                    <span className="muted">…</span>
                  ) : q.isError ? (
                    <span className="muted">unavailable</span>
                  ) : (
                    <span data-count={q.data.count}>
                      {q.data.count}
                      {q.data.exact ? '' : '+'}
                    </span>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function TopDeniedPairs({ slug }: { slug: string }) {
  const graph = useServiceGraph(slug, undefined, undefined);
  if (graph.isPending) return <SkeletonRows rows={3} label="Loading denied pairs" />;
  if (graph.isError) return <ErrorState error={graph.error} onRetry={() => void graph.refetch()} />;
  // Every namespace expanded: pairs are between workloads, services and networks.
  const namespaces = new Set(graph.data.nodes.filter((n) => n.type === 'NAMESPACE').map((n) => n.id));
  const drawn = foldGraph(graph.data, namespaces);
  const byId = new Map(drawn.nodes.map((n) => [n.id, n]));
  // A flow addressed to a Service is two hops carrying the same traffic (client → service →
  // endpoint); the client's hop names both ends a reader cares about, so the second is left out.
  const pairs = drawn.edges
    .filter((e) => byId.get(e.source)?.type !== 'SERVICE')
    .map((e) => ({ e, denied: e.deniedAtSource + e.deniedAtDest }))
    .filter((p) => p.denied > 0)
    .sort((a, b) => b.denied - a.denied)
    .slice(0, TOP);
  return (
    <section className="card" aria-labelledby="top-denied-pairs">
      <h2 id="top-denied-pairs">Top denied pairs, last hour</h2>
      {pairs.length === 0 ? (
        <p className="muted">No traffic was denied in the last hour.</p>
      ) : (
        <ol className="figure-list">
          {pairs.map(({ e, denied }) => {
            const source = byId.get(e.source)!;
            const target = byId.get(e.target)!;
            return (
              <li key={e.key} className="row">
                <Link
                  to="/o/$slug/flows"
                  params={{ slug }}
                  search={{ ...edgeFlowSearch(source, target), action: ['DENY'], range: '1h' }}
                  className="mono"
                >
                  {source.label} → {target.label}
                </Link>
                <span className="muted">{source.cluster}</span>
                <span className="figure-list__value">{plural(denied, 'connection')}</span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

export function FlowFiguresCard({ slug }: { slug: string }) {
  const q = useDashboard(slug);
  if (q.isPending) return <SkeletonRows rows={2} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const connected = q.data.clusters.edges
    .map((e) => e.node)
    .filter((c) => c.status === 'CONNECTED')
    .map((c) => c.name);
  return (
    <div className="figure-grid">
      <DeniedByCluster slug={slug} clusters={connected} />
      <TopDeniedPairs slug={slug} />
    </div>
  );
}
