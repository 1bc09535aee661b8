// A cluster's nodes with their dataplane and encryption in transit: a node encrypts when WireGuard
// is enabled for it and it has published its public key (decision 0091).
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { Table } from '../../../components/ui/table';
import { absoluteTime, relativeTime } from '../../../lib/format';
import { useClusterNodes } from '../api';

const DATAPLANE_LABELS: Readonly<Record<string, string>> = {
  IPTABLES: 'iptables',
  NFTABLES: 'nftables',
  BPF: 'eBPF',
};

function encryption(node: { encrypting: boolean; wireguardEnabled: boolean }): string {
  if (node.encrypting) return 'WireGuard';
  return node.wireguardEnabled ? 'not encrypting: no public key' : 'off';
}

export function NodeTable({ slug, name }: { slug: string; name: string }) {
  const q = useClusterNodes(slug, name);
  if (q.isPending) return <SkeletonRows rows={3} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.length === 0)
    return (
      <EmptyState title="No nodes reported yet">
        Nodes appear once an agent of version 3 of the tunnel protocol has connected.
      </EmptyState>
    );
  const encrypting = q.data.filter((n) => n.encrypting).length;
  return (
    <section aria-label="Nodes">
      <Table
        caption={`${String(encrypting)} of ${String(q.data.length)} nodes encrypting`}
        columns={['Node', 'Dataplane', 'Encryption', 'MTU', 'Calico', 'Reported']}
      >
        {q.data.map((n) => (
          <tr key={n.name}>
            <td className="mono">{n.name}</td>
            <td>{DATAPLANE_LABELS[n.dataplane] ?? n.dataplane}</td>
            <td data-encrypting={n.encrypting}>{encryption(n)}</td>
            <td className="mono">{n.mtu ?? '—'}</td>
            <td className="mono">{n.calicoVersion ?? '—'}</td>
            <td title={absoluteTime(n.reportedAt)}>{relativeTime(n.reportedAt)}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
