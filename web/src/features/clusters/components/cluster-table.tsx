// The fleet as a table: status (live, or marked stale when the console lost its live link), labels,
// versions, last seen; the name opens the detail.
import { Link } from '@tanstack/react-router';
import { Table } from '../../../components/ui/table';
import { absoluteTime } from '../../../lib/format';
import { useStaleSince } from '../../../lib/live-connection';
import type { ClusterSummary } from '../api';
import { ClusterStatusPill, lastSeenText } from './cluster-status-pill';
import { LabelList } from './label-list';

export function ClusterTable({ slug, clusters }: { slug: string; clusters: readonly ClusterSummary[] }) {
  const staleSince = useStaleSince();
  return (
    <Table
      caption="Clusters"
      captionHidden
      columns={['Name', 'Status', 'Labels', 'Agent', 'Kubernetes', 'Calico', 'Last seen']}
    >
      {clusters.map((c) => (
        <tr key={c.id} data-cluster={c.name}>
          <td>
            <Link to="/o/$slug/clusters/$name" params={{ slug, name: c.name }}>
              {c.name}
            </Link>
          </td>
          <td>
            <ClusterStatusPill status={c.status} staleSince={staleSince} />
          </td>
          <td>
            <LabelList labels={c.labels} />
          </td>
          <td className="mono">{c.agentVersion ?? '—'}</td>
          <td className="mono">{c.kubernetesVersion ?? '—'}</td>
          <td className="mono">{c.calicoVersion ?? '—'}</td>
          <td title={absoluteTime(c.lastSeenAt)}>
            {lastSeenText(c.status, c.lastSeenAt, staleSince, () => 'now')}
          </td>
        </tr>
      ))}
    </Table>
  );
}
