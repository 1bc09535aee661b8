// Flow explorer: the organisation's flow logs with time range, cluster, sort and Goldmane filter
// chips in the URL; infinite scroll through the cursor-paged history; new flows streamed in live
// (pausable) while the list is newest first; a row opens its verdict explanation.
import { useLoaderData, useNavigate, useRouter, useSearch } from '@tanstack/react-router';
import { useCallback, useMemo, useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useFlowClusters, useFlows, useLiveFlows, type FlowRow } from '../features/flows/api';
import { FlowFilterBar } from '../features/flows/components/flow-filter-bar';
import { FlowTable } from '../features/flows/components/flow-table';
import { VerdictExplanation } from '../features/flows/components/verdict-explanation';
import { chipsOf, parseFlowSearch, toFlowFilter, type FlowSearch } from '../features/flows/search';
import { useOrgSlug } from '../features/orgs/hooks/use-permissions';
import '../features/flows/flows.css';

/** Live rows kept above the history; older ones are still in the history pages. */
const LIVE_CAP = 500;

/** `incoming` then `current`, each flow once (a bucket can be re-read as more records land). */
function mergeNewest(incoming: readonly FlowRow[], current: readonly FlowRow[], cap = Infinity): FlowRow[] {
  const seen = new Set<string>();
  const out: FlowRow[] = [];
  for (const f of [...incoming, ...current]) {
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    out.push(f);
    if (out.length >= cap) break;
  }
  return out;
}

export function FlowsPage() {
  const slug = useOrgSlug();
  const search = useSearch({ from: '/_app/o/$slug/flows' });
  const navigate = useNavigate();
  const router = useRouter();
  const searchKey = JSON.stringify(search);
  // The relative time range is anchored by the route's loader when the view changes (or is
  // refreshed), so every page of one list and its suggestions cover the same window, and the
  // first page is the one the loader has already asked for.
  const { anchor } = useLoaderData({ from: '/_app/o/$slug/flows' });
  const filter = useMemo(() => toFlowFilter(search, anchor), [search, anchor]);
  const sort = search.sort ?? 'TIME';
  const flows = useFlows(slug, filter, sort);
  const clusters = useFlowClusters(slug);

  const [selected, setSelected] = useState<FlowRow>();
  const [paused, setPaused] = useState(false);
  const [live, setLive] = useState<{ key: string; rows: FlowRow[]; held: FlowRow[] }>({
    key: searchKey,
    rows: [],
    held: [],
  });
  const liveState = live.key === searchKey ? live : { key: searchKey, rows: [], held: [] };
  const liveAvailable = sort === 'TIME';
  const liveFilter = useMemo(() => toFlowFilter(search), [search]);
  useLiveFlows(
    slug,
    liveFilter,
    liveAvailable,
    useCallback(
      (incoming: FlowRow[]) =>
        setLive((prev) => {
          const base = prev.key === searchKey ? prev : { key: searchKey, rows: [], held: [] };
          return paused
            ? { ...base, held: mergeNewest(incoming, base.held, LIVE_CAP) }
            : { ...base, rows: mergeNewest(incoming, base.rows, LIVE_CAP) };
        }),
      [paused, searchKey],
    ),
  );

  const history = useMemo(
    () => flows.data?.pages.flatMap((p) => p.edges.map((e) => e.node)) ?? [],
    [flows.data],
  );
  const rows = useMemo(
    () => (liveAvailable ? mergeNewest(liveState.rows, history) : history),
    [liveAvailable, liveState.rows, history],
  );
  const total = flows.data?.pages[0]?.totalCount ?? 0;
  const exact = flows.data?.pages[0]?.totalCountExact ?? true;
  const filtered = chipsOf(search).length > 0 || (search.clusters?.length ?? 0) > 0;

  const apply = (next: FlowSearch) => {
    setSelected(undefined);
    void navigate({ to: '/o/$slug/flows', params: { slug }, search: parseFlowSearch({ ...next }) });
  };
  const resume = () => {
    setLive((prev) => ({ ...prev, rows: mergeNewest(prev.held, prev.rows, LIVE_CAP), held: [] }));
    setPaused(false);
  };
  const loadMore = () => {
    if (flows.hasNextPage && !flows.isFetchingNextPage) void flows.fetchNextPage();
  };

  return (
    <>
      <PageHeader title="Flows">
        {liveAvailable ? (
          <>
            <span className="flow-live" data-state={paused ? 'paused' : 'live'} aria-live="polite">
              <span className="flow-live__dot" aria-hidden="true" />
              {paused ? `Paused${liveState.held.length > 0 ? `: ${liveState.held.length} new` : ''}` : 'Live'}
            </span>
            {paused ? (
              <Button onClick={resume}>Resume</Button>
            ) : (
              <Button onClick={() => setPaused(true)}>Pause</Button>
            )}
          </>
        ) : (
          <span className="muted">Live updates need the newest-first order.</span>
        )}
        <Button
          busy={flows.isFetching && !flows.isFetchingNextPage}
          onClick={() => {
            setLive({ key: searchKey, rows: [], held: [] });
            void router.invalidate();
          }}
        >
          Refresh
        </Button>
      </PageHeader>
      <FlowFilterBar
        slug={slug}
        search={search}
        clusters={clusters.data ?? []}
        anchor={anchor}
        onChange={apply}
      />
      <div className={selected ? 'flow-layout flow-layout--split' : 'flow-layout'}>
        <div className="flow-layout__list">
          {flows.isPending ? (
            <SkeletonRows rows={8} label="Loading flows" />
          ) : flows.isError ? (
            <ErrorState error={flows.error} onRetry={() => void flows.refetch()} />
          ) : rows.length === 0 ? (
            <EmptyState title={filtered ? 'No flow matches these filters' : 'No flows in this time range'}>
              {filtered
                ? 'Remove a filter or widen the time range.'
                : 'Flows appear here as connected clusters report them; widen the time range to see older ones.'}
            </EmptyState>
          ) : (
            <div className="stack">
              <p className="muted" aria-live="polite">
                {total}
                {exact ? '' : '+'} flow{total === 1 && exact ? '' : 's'} matched when the list was loaded
                {liveState.rows.length > 0 ? `; ${liveState.rows.length} arrived live since` : ''}.
              </p>
              <FlowTable
                flows={rows}
                selectedId={selected?.id}
                onSelect={setSelected}
                onEndReached={flows.hasNextPage ? loadMore : undefined}
              />
              {flows.hasNextPage && (
                <Button onClick={loadMore} busy={flows.isFetchingNextPage}>
                  Load more
                </Button>
              )}
            </div>
          )}
        </div>
        {selected && (
          <aside className="flow-layout__detail">
            <VerdictExplanation slug={slug} flow={selected} onClose={() => setSelected(undefined)} />
          </aside>
        )}
      </div>
    </>
  );
}
