// The namespaces a cluster's agent reported, searchable by name.
import { useState } from 'react';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { Table } from '../../../components/ui/table';
import { useDebounced } from '../../../lib/use-debounced';
import { useClusterNamespaces } from '../api';
import { LabelList } from './label-list';
import { plural } from '../../../lib/format';

export function InventoryNamespaces({ slug, name }: { slug: string; name: string }) {
  const [search, setSearch] = useState('');
  const q = useClusterNamespaces(slug, name, useDebounced(search.trim()));
  return (
    <section aria-label="Namespaces">
      <Field label="Search namespaces">
        <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </Field>
      {q.isPending ? (
        <SkeletonRows rows={3} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.edges.length === 0 ? (
        <EmptyState title={search ? 'No namespace matches' : 'No inventory yet'}>
          {search
            ? 'Try another name.'
            : 'Namespaces appear once the agent has connected and reported its inventory.'}
        </EmptyState>
      ) : (
        <Table
          caption={plural(q.data.totalCount, 'namespace')}
          columns={['Namespace', 'Endpoints', 'Labels']}
        >
          {q.data.edges.map(({ node }) => (
            <tr key={node.name}>
              <td className="mono">{node.name}</td>
              <td>{node.endpointCount}</td>
              <td>
                <LabelList labels={node.labels} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
