// Sync of every policy in one cluster: desired vs applied generation, and each resource's result
// (with the agent's error for FAILED and what differs for DRIFTED).
import { refKey } from '@palisade/policy/managed';
import { EmptyState } from '../../../components/ui/empty-state';
import { ErrorState } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { Table } from '../../../components/ui/table';
import { relativeTime } from '../../../lib/format';
import { SyncPill } from '../../policies/components/sync-pill';
import { useClusterPolicySync } from '../api';

export function ClusterPolicySync({ slug, name }: { slug: string; name: string }) {
  const q = useClusterPolicySync(slug, name);
  if (q.isPending) return <SkeletonRows rows={3} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const s = q.data;
  return (
    <section aria-label="Policy sync" className="stack">
      <div className="row">
        <SyncPill status={s.status} />
        <span className="muted">
          generation {s.appliedGeneration ?? '—'} applied of {s.generation ?? '—'}
          {s.reportedAt ? `, reported ${relativeTime(s.reportedAt)}` : ''}
        </span>
      </div>
      {s.error && (
        <p className="ui-field__error" role="alert">
          {s.error}
        </p>
      )}
      {s.resources.length === 0 ? (
        <EmptyState title="No policies target this cluster">
          Policies reach a cluster when their cluster selector matches its labels.
        </EmptyState>
      ) : (
        <Table caption="Policies in this cluster" columns={['Resource', 'Status', 'Detail', 'Reported']}>
          {s.resources.map((r) => (
            <tr key={refKey(r)}>
              <td className="mono">
                {r.kind} {r.namespace ? `${r.namespace}/` : ''}
                {r.name}
              </td>
              <td>
                <SyncPill status={r.status} />
              </td>
              <td>{r.message ?? ''}</td>
              <td>{relativeTime(r.reportedAt)}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
