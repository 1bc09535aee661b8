// The compliance reports due next: each definition's next scheduled run, soonest first.
import { ErrorState } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { absoluteTime, plural, relativeTime } from '../../../lib/format';
import { nextScheduledReports, useNextReports } from '../api';

const TYPE_WORD: Record<string, string> = {
  INVENTORY: 'inventory',
  NETWORK_ACCESS: 'network access',
  POLICY_AUDIT: 'policy audit',
};

export function NextReportsCard({ slug }: { slug: string }) {
  const q = useNextReports(slug);
  return (
    <section className="card" aria-labelledby="next-reports">
      <h2 id="next-reports">Next scheduled reports</h2>
      {q.isPending ? (
        <SkeletonRows rows={2} label="Loading report schedules" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        (() => {
          const { next, suspended } = nextScheduledReports(q.data.edges.map((e) => e.node));
          return next.length === 0 ? (
            <p className="muted">
              {q.data.totalCount === 0
                ? 'No compliance report is defined yet.'
                : `No report is scheduled${suspended ? ` (${plural(suspended, 'definition')} suspended)` : ''}.`}
            </p>
          ) : (
            <ol className="figure-list">
              {next.map((r) => (
                <li key={r.id} className="row" data-report={r.name}>
                  <span className="mono">{r.name}</span>
                  <span className="muted">
                    {TYPE_WORD[r.type] ?? r.type} · <span className="mono">{r.schedule}</span> UTC
                  </span>
                  <span className="figure-list__value" title={absoluteTime(r.at)}>
                    {relativeTime(r.at)}
                  </span>
                </li>
              ))}
              {suspended > 0 && <li className="muted">{plural(suspended, 'definition')} suspended</li>}
            </ol>
          );
        })()
      )}
    </section>
  );
}
