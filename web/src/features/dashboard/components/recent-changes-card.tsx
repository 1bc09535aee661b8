// The latest audit events, for members who may read the audit log.
import { Link } from '@tanstack/react-router';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { useAuditEvents, useTargetNames } from '../../audit/api';
import { AuditEventList } from '../../audit/components/audit-event-list';

export function RecentChangesCard({ slug }: { slug: string }) {
  const q = useAuditEvents(slug, {}, 8);
  const names = useTargetNames(slug);
  const events = q.data?.pages[0]?.edges.map((e) => e.node) ?? [];
  return (
    <section aria-label="Recent changes" className="stack">
      <div className="row">
        <h2 style={{ margin: 0, fontSize: 16 }}>Recent changes</h2>
        <Link to="/o/$slug/audit" params={{ slug }} style={{ marginLeft: 'auto' }}>
          Audit log
        </Link>
      </div>
      {q.isPending ? (
        <SkeletonRows rows={3} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : events.length === 0 ? (
        <EmptyState title="No changes yet" />
      ) : (
        <AuditEventList events={events} names={names} />
      )}
    </section>
  );
}
