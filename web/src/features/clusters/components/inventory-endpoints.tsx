// Workload endpoints (pods) with their labels, filterable by namespace, name and a Calico label
// selector. The selector is parsed in the browser with @palisade/policy so a typo is reported at
// its position before any query is sent.
import { parseSelector } from '@palisade/policy';
import { useState } from 'react';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { Table } from '../../../components/ui/table';
import { useDebounced } from '../../../lib/use-debounced';
import { useClusterEndpoints, type EndpointFilter } from '../api';
import { LabelList } from './label-list';
import { Button } from '../../../components/ui/button';
import { plural } from '../../../lib/format';

/** The page size of ClusterEndpoints (first: 50 in clusters.graphql). */
const PAGE = 50;

export function selectorError(selector: string): string | undefined {
  if (!selector.trim()) return undefined;
  try {
    parseSelector(selector);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function InventoryEndpoints({ slug, name }: { slug: string; name: string }) {
  const [search, setSearch] = useState('');
  const [namespace, setNamespace] = useState('');
  const [selector, setSelector] = useState('');
  const selError = selectorError(selector);
  const filter: EndpointFilter = {
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(namespace.trim() ? { namespace: namespace.trim() } : {}),
    ...(selector.trim() && !selError ? { selector: selector.trim() } : {}),
  };
  const q = useClusterEndpoints(slug, name, useDebounced(filter));
  const filtered = Object.keys(filter).length > 0;
  const shown = q.data?.pages.flatMap((p) => p.edges) ?? [];
  const total = q.data?.pages[0]?.totalCount ?? 0;
  return (
    <section aria-label="Endpoints">
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr 2fr', gap: 12 }}>
        <Field label="Search by name">
          <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </Field>
        <Field label="Namespace">
          <Input value={namespace} onChange={(e) => setNamespace(e.target.value)} />
        </Field>
        <Field label="Label selector" hint={'e.g. app == "web" && tier in {"frontend"}'} error={selError}>
          <Input className="mono" value={selector} onChange={(e) => setSelector(e.target.value)} />
        </Field>
      </div>
      {q.isPending ? (
        <SkeletonRows rows={4} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.pages[0]?.edges.length === 0 ? (
        <EmptyState title={filtered ? 'No endpoint matches' : 'No endpoints yet'}>
          {filtered ? 'Loosen the filters.' : 'Endpoints appear once the agent has reported its inventory.'}
        </EmptyState>
      ) : (
        <div className="stack">
          <Table
            caption={`${plural(total, 'endpoint')}${shown.length < total ? ` (${shown.length} shown)` : ''}`}
            columns={['Endpoint', 'Namespace', 'IPs', 'Service account', 'Labels']}
          >
            {shown.map(({ node }) => (
              <tr key={`${node.namespace}/${node.name}`}>
                <td className="mono">{node.name}</td>
                <td className="mono">{node.namespace}</td>
                <td className="mono">{node.ips.join(', ')}</td>
                <td className="mono">{node.serviceAccount}</td>
                <td>
                  <LabelList labels={node.labels} />
                </td>
              </tr>
            ))}
          </Table>
          {q.hasNextPage && (
            <div className="row">
              <Button onClick={() => void q.fetchNextPage()} busy={q.isFetchingNextPage}>
                Show {Math.min(PAGE, total - shown.length)} more
              </Button>
              <span className="muted">
                {shown.length} of {total}
              </span>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
