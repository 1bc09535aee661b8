// Audit log: filters in the URL, events newest first with their diffs, the chain verification.
import { useNavigate, useSearch } from '@tanstack/react-router';
import { PageHeader } from '../components/layout/page-header';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useAuditEvents } from '../features/audit/api';
import { AuditEventList } from '../features/audit/components/audit-event-list';
import { AuditFilters } from '../features/audit/components/audit-filters';
import { ChainBadge } from '../features/audit/components/chain-badge';
import { parseAuditSearch, toAuditFilter } from '../features/audit/search';
import { useOrgSlug } from '../features/orgs/hooks/use-permissions';

export function AuditPage() {
  const slug = useOrgSlug();
  const search = useSearch({ from: '/_app/o/$slug/audit' });
  const navigate = useNavigate();
  const events = useAuditEvents(slug, toAuditFilter(search));
  const all = events.data?.pages.flatMap((p) => p.edges.map((e) => e.node)) ?? [];
  const total = events.data?.pages[0]?.totalCount ?? 0;
  const filtered = Object.keys(search).length > 0;
  return (
    <>
      <PageHeader title="Audit log">
        <ChainBadge slug={slug} />
      </PageHeader>
      <AuditFilters
        key={JSON.stringify(search)}
        value={search}
        onApply={(s) =>
          void navigate({ to: '/o/$slug/audit', params: { slug }, search: parseAuditSearch({ ...s }) })
        }
      />
      {events.isPending ? (
        <SkeletonRows rows={6} />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : all.length === 0 ? (
        <EmptyState title={filtered ? 'No event matches these filters' : 'No events yet'}>
          {filtered
            ? 'Widen the time range or clear a filter.'
            : 'Every change to this organisation is recorded here.'}
        </EmptyState>
      ) : (
        <div className="stack">
          <p className="muted" aria-live="polite">
            Showing {all.length} of {total} events.
          </p>
          <AuditEventList events={all} />
          {events.hasNextPage && (
            <Button onClick={() => void events.fetchNextPage()} busy={events.isFetchingNextPage}>
              Load more
            </Button>
          )}
        </div>
      )}
    </>
  );
}
