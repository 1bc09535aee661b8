// Audit log: filters in the URL, events newest first with their diffs and their targets by name,
// the chain verification, and the signed export of a range. A role without audit:read is told so.
import { useNavigate, useSearch } from '@tanstack/react-router';
import { PageHeader } from '../components/layout/page-header';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useAuditEvents, useTargetNames } from '../features/audit/api';
import { ExportAuditDialog } from '../features/audit/components/export-dialog';
import { NotAllowed } from '../components/layout/not-allowed';
import { useState } from 'react';
import { AuditEventList } from '../features/audit/components/audit-event-list';
import { AuditFilters } from '../features/audit/components/audit-filters';
import { ChainBadge } from '../features/audit/components/chain-badge';
import { parseAuditSearch, toAuditFilter } from '../features/audit/search';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import { plural } from '../lib/format';

export function AuditPage() {
  const slug = useOrgSlug();
  const perms = usePermissions();
  if (perms.role && !perms.can('audit:read'))
    return <NotAllowed slug={slug} role={perms.role} page="Audit log" needs="audit:read" />;
  return <AuditLog slug={slug} canExport={perms.can('audit:export')} />;
}

function AuditLog({ slug, canExport }: { slug: string; canExport: boolean }) {
  const search = useSearch({ from: '/_app/o/$slug/audit' });
  const navigate = useNavigate();
  const [exporting, setExporting] = useState(false);
  const names = useTargetNames(slug);
  const events = useAuditEvents(slug, toAuditFilter(search));
  const all = events.data?.pages.flatMap((p) => p.edges.map((e) => e.node)) ?? [];
  const total = events.data?.pages[0]?.totalCount ?? 0;
  const filtered = Object.keys(search).length > 0;
  return (
    <>
      <PageHeader title="Audit log">
        <ChainBadge slug={slug} />
        {canExport && <Button onClick={() => setExporting(true)}>Export signed range…</Button>}
      </PageHeader>
      {canExport && exporting && (
        <ExportAuditDialog slug={slug} open={exporting} search={search} onClose={() => setExporting(false)} />
      )}
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
            Showing {all.length} of {plural(total, 'event')}.
          </p>
          <AuditEventList events={all} names={names} />
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
