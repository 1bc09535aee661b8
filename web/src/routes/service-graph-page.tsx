// Service graph: namespaces and the public/private networks by default, a namespace expanded into
// its services and workloads on demand; edges coloured by allowed / denied at source / denied at
// destination. Selecting a node or an edge shows its traffic and links to the flows behind it.
// The canvas (sigma.js, WebGL) is its own lazy chunk; a node list beside it keeps every node
// reachable from the keyboard.
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { lazy, Suspense, useMemo, useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { Badge } from '../components/ui/badge';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { Field } from '../components/ui/field';
import { Input } from '../components/ui/input';
import { Select } from '../components/ui/select';
import { SkeletonRows } from '../components/ui/skeleton';
import { useFlowClusters } from '../features/flows/api';
import { DEFAULT_RANGE, RANGES, RANGE_LABELS, timeRangeOf, type RangeKey } from '../features/flows/search';
import { useOrgSlug } from '../features/orgs/hooks/use-permissions';
import { useServiceGraph } from '../features/service-graph/api';
import {
  edgeFlowSearch,
  foldGraph,
  nodeFlowSearch,
  type DrawnEdge,
  type DrawnGraph,
  type DrawnNode,
} from '../features/service-graph/model';
import { EDGE_SEPARATOR, parseGraphSearch, type GraphSearch } from '../features/service-graph/search';
import '../features/service-graph/service-graph.css';

const GraphCanvas = lazy(() => import('../features/service-graph/components/graph-canvas'));

const TYPE_LABEL: Record<DrawnNode['type'], string> = {
  NAMESPACE: 'Namespace',
  WORKLOAD: 'Workload',
  SERVICE: 'Service',
  NETWORK: 'Network',
  NETWORK_SET: 'Network set',
  HOST: 'Host',
};

function trafficOf(g: DrawnGraph, id: string) {
  const out = { allowed: 0, deniedAtSource: 0, deniedAtDest: 0 };
  for (const e of g.edges)
    if (e.source === id || e.target === id) {
      out.allowed += e.allowed;
      out.deniedAtSource += e.deniedAtSource;
      out.deniedAtDest += e.deniedAtDest;
    }
  return out;
}

function Counts({ c }: { c: { allowed: number; deniedAtSource: number; deniedAtDest: number } }) {
  return (
    <dl className="graph-counts">
      <dt>
        <span className="graph-swatch graph-swatch--allowed" aria-hidden="true" /> Allowed
      </dt>
      <dd>{c.allowed}</dd>
      <dt>
        <span className="graph-swatch graph-swatch--denied-source" aria-hidden="true" /> Denied at source
      </dt>
      <dd>{c.deniedAtSource}</dd>
      <dt>
        <span className="graph-swatch graph-swatch--denied-dest" aria-hidden="true" /> Denied at destination
      </dt>
      <dd>{c.deniedAtDest}</dd>
    </dl>
  );
}

export function ServiceGraphPage() {
  const slug = useOrgSlug();
  const search = useSearch({ from: '/_app/o/$slug/service-graph' });
  const navigate = useNavigate();
  const range = search.range ?? DEFAULT_RANGE;
  const [refreshed, setRefreshed] = useState(0);
  // Re-anchored to now when the range changes or on Refresh.
  const timeRange = useMemo(
    () => (refreshed >= 0 ? timeRangeOf(range, Date.now()) : undefined),
    [range, refreshed],
  );
  const api = useServiceGraph(slug, search.clusters, timeRange);
  const clusters = useFlowClusters(slug);
  const [query, setQuery] = useState('');
  const [hideUnrelated, setHideUnrelated] = useState(false);

  const expanded = useMemo(() => new Set(search.expand ?? []), [search.expand]);
  const drawn = useMemo(
    () => (api.data ? foldGraph(api.data, expanded) : { nodes: [], edges: [] }),
    [api.data, expanded],
  );
  const nodeById = useMemo(() => new Map(drawn.nodes.map((n) => [n.id, n])), [drawn]);
  // Over several clusters the same namespace appears once per cluster: the list then names it.
  const manyClusters = useMemo(() => new Set(drawn.nodes.map((n) => n.cluster)).size > 1, [drawn]);
  const selectedNode = search.sel ? nodeById.get(search.sel) : undefined;
  const selectedEdge: DrawnEdge | undefined = search.sel?.includes(EDGE_SEPARATOR)
    ? drawn.edges.find((e) => e.key === search.sel)
    : undefined;

  const go = (next: GraphSearch) =>
    void navigate({
      to: '/o/$slug/service-graph',
      params: { slug },
      search: parseGraphSearch({ ...next }),
      replace: true,
    });
  const select = (id: string | undefined) => {
    const next = { ...search };
    if (id) next.sel = id;
    else delete next.sel;
    go(next);
  };
  const toggleExpand = (id: string) => {
    const set = new Set(expanded);
    if (set.has(id)) set.delete(id);
    else set.add(id);
    const next = { ...search, expand: [...set] };
    delete next.sel;
    go(next);
  };
  const collapseOf = (n: DrawnNode) => (n.parentId && expanded.has(n.parentId) ? n.parentId : undefined);

  const q = query.trim().toLowerCase();
  const listed = drawn.nodes
    .filter((n) => q === '' || n.label.toLowerCase().includes(q))
    .sort((a, b) => a.label.localeCompare(b.label));

  return (
    <>
      <PageHeader title="Service graph">
        <Button onClick={() => setRefreshed((n) => n + 1)} busy={api.isFetching}>
          Refresh
        </Button>
      </PageHeader>
      <div className="graph-controls">
        <Field label="Time range">
          <Select
            value={range}
            onChange={(e) => go({ ...search, range: e.target.value as RangeKey })}
            options={RANGES.map((r) => ({ value: r, label: RANGE_LABELS[r] }))}
          />
        </Field>
        <Field label="Cluster">
          <Select
            value={search.clusters?.[0] ?? ''}
            onChange={(e) => {
              const next = { ...search };
              delete next.expand;
              delete next.sel;
              if (e.target.value) next.clusters = [e.target.value];
              else delete next.clusters;
              go(next);
            }}
            options={[
              { value: '', label: 'All clusters' },
              ...(clusters.data ?? []).map((c) => ({ value: c, label: c })),
            ]}
          />
        </Field>
        <Field label="Find a node">
          <Input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name" />
        </Field>
        <label className="graph-controls__check">
          <input
            type="checkbox"
            checked={hideUnrelated}
            onChange={(e) => setHideUnrelated(e.target.checked)}
          />{' '}
          Hide unrelated
        </label>
        <div className="graph-legend" aria-label="Edge colours">
          <span>
            <span className="graph-swatch graph-swatch--allowed" aria-hidden="true" /> Allowed
          </span>
          <span>
            <span className="graph-swatch graph-swatch--denied-source" aria-hidden="true" /> Denied at source
          </span>
          <span>
            <span className="graph-swatch graph-swatch--denied-dest" aria-hidden="true" /> Denied at
            destination
          </span>
        </div>
      </div>
      {api.isPending ? (
        <SkeletonRows rows={6} label="Loading the service graph" />
      ) : api.isError ? (
        <ErrorState error={api.error} onRetry={() => void api.refetch()} />
      ) : drawn.nodes.length === 0 ? (
        <EmptyState title="No traffic in this time range">
          The graph shows who talked to whom once connected clusters report flows; widen the time range to see
          older traffic.
        </EmptyState>
      ) : (
        <div className="graph-layout">
          <div className="graph-stage">
            {api.data?.truncated && (
              <p className="graph-note" role="note">
                Only the busiest traffic is drawn; pick a cluster or a shorter time range to see the rest.
              </p>
            )}
            <Suspense fallback={<SkeletonRows rows={6} label="Loading the graph renderer" />}>
              <GraphCanvas
                graph={drawn}
                selected={search.sel}
                hideUnrelated={hideUnrelated}
                onSelect={select}
                onExpand={toggleExpand}
              />
            </Suspense>
            <p className="muted graph-hint">
              {drawn.nodes.length} nodes, {drawn.edges.length} edges. Click a node or an edge to select it;
              double-click a namespace to expand it.
            </p>
          </div>
          <aside className="graph-side">
            {selectedNode ? (
              <section className="card" aria-labelledby="graph-selection">
                <h2 id="graph-selection">
                  {selectedNode.label} <Badge>{TYPE_LABEL[selectedNode.type]}</Badge>
                </h2>
                <p className="muted">Cluster {selectedNode.cluster}</p>
                <Counts c={trafficOf(drawn, selectedNode.id)} />
                <div className="row">
                  <Link
                    to="/o/$slug/flows"
                    params={{ slug }}
                    search={{ ...nodeFlowSearch(selectedNode, 'src'), range }}
                  >
                    Flows from {selectedNode.label}
                  </Link>
                  <Link
                    to="/o/$slug/flows"
                    params={{ slug }}
                    search={{ ...nodeFlowSearch(selectedNode, 'dst'), range }}
                  >
                    Flows to {selectedNode.label}
                  </Link>
                </div>
                <div className="row">
                  {selectedNode.expandable && (
                    <Button size="small" onClick={() => toggleExpand(selectedNode.id)}>
                      Expand {selectedNode.label}
                    </Button>
                  )}
                  {collapseOf(selectedNode) && (
                    <Button size="small" onClick={() => toggleExpand(collapseOf(selectedNode)!)}>
                      Collapse {selectedNode.namespace}
                    </Button>
                  )}
                </div>
              </section>
            ) : selectedEdge && nodeById.get(selectedEdge.source) && nodeById.get(selectedEdge.target) ? (
              <section className="card" aria-labelledby="graph-selection">
                <h2 id="graph-selection">
                  {nodeById.get(selectedEdge.source)!.label} → {nodeById.get(selectedEdge.target)!.label}
                </h2>
                <Counts c={selectedEdge} />
                <Link
                  to="/o/$slug/flows"
                  params={{ slug }}
                  search={{
                    ...edgeFlowSearch(nodeById.get(selectedEdge.source)!, nodeById.get(selectedEdge.target)!),
                    range,
                  }}
                >
                  Flows along this edge
                </Link>
              </section>
            ) : (
              <p className="muted">Select a node or an edge to see its traffic and its flows.</p>
            )}
            <section aria-labelledby="graph-nodes">
              <h2 id="graph-nodes" className="graph-side__title">
                Nodes
              </h2>
              <ul className="graph-node-list">
                {listed.map((n) => (
                  <li key={n.id}>
                    <button
                      type="button"
                      className="graph-node-list__item"
                      aria-pressed={n.id === search.sel}
                      onClick={() => select(n.id === search.sel ? undefined : n.id)}
                    >
                      <span className="mono">{n.label}</span>{' '}
                      <span className="muted">
                        {TYPE_LABEL[n.type]}
                        {manyClusters ? ` in ${n.cluster}` : ''}
                      </span>
                    </button>
                    {n.expandable && (
                      <Button
                        size="small"
                        variant="ghost"
                        onClick={() => toggleExpand(n.id)}
                        aria-label={`Expand ${n.label}`}
                      >
                        Expand
                      </Button>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          </aside>
        </div>
      )}
    </>
  );
}
