// One cluster: status (live), versions, labels, inventory (namespaces and endpoints), nodes; edit labels,
// re-register and delete for those who may.
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { Tabs } from '../components/ui/tabs';
import { useToast } from '../components/ui/toast';
import { useCluster, type ClusterSummary } from '../features/clusters/api';
import { ClusterStatusPill, lastSeenText } from '../features/clusters/components/cluster-status-pill';
import { ConnectWizard } from '../features/clusters/components/connect-wizard';
import { DeleteClusterDialog } from '../features/clusters/components/delete-cluster-dialog';
import { EditLabelsDialog } from '../features/clusters/components/edit-labels-dialog';
import { InventoryEndpoints } from '../features/clusters/components/inventory-endpoints';
import { InventoryNamespaces } from '../features/clusters/components/inventory-namespaces';
import { ClusterPolicySync } from '../features/clusters/components/cluster-policy-sync';
import { LabelList } from '../features/clusters/components/label-list';
import { NodeTable } from '../features/fleet/components/node-table';
import { useLiveClusterStatus } from '../features/clusters/hooks/use-live-cluster-status';
import { useLivePolicySync } from '../features/policies/api';
import { usePermissions } from '../features/orgs/hooks/use-permissions';
import { absoluteTime, relativeTime } from '../lib/format';
import { useStaleSince } from '../lib/live-connection';
import { isApiError } from '../lib/graphql-client';

type Dialogs = 'labels' | 'register' | 'delete' | null;

export function ClusterDetailPage() {
  const { slug, name } = useParams({ from: '/_app/o/$slug/clusters/$name' });
  const q = useCluster(slug, name);
  useLiveClusterStatus(slug);
  useLivePolicySync(slug);
  if (q.isPending) return <SkeletonRows rows={6} />;
  if (q.isError)
    return isApiError(q.error, 'NOT_FOUND') ? (
      <EmptyState
        title="Cluster not found"
        action={
          <Link to="/o/$slug/clusters" params={{ slug }}>
            All clusters
          </Link>
        }
      >
        There is no cluster “{name}” in this organisation.
      </EmptyState>
    ) : (
      <ErrorState error={q.error} onRetry={() => void q.refetch()} />
    );
  return <ClusterDetail slug={slug} cluster={q.data} />;
}

function ClusterDetail({ slug, cluster }: { slug: string; cluster: ClusterSummary }) {
  const perms = usePermissions();
  const navigate = useNavigate();
  const toast = useToast();
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [tab, setTab] = useState('endpoints');
  const canWrite = perms.can('clusters:write');
  const staleSince = useStaleSince();
  return (
    <>
      <p>
        <Link to="/o/$slug/clusters" params={{ slug }}>
          ← Clusters
        </Link>
      </p>
      <PageHeader title={cluster.name}>
        {canWrite && (
          <>
            <Button onClick={() => setDialog('labels')}>Edit labels</Button>
            <Button onClick={() => setDialog('register')}>Re-register</Button>
            <Button variant="danger" onClick={() => setDialog('delete')}>
              Delete
            </Button>
          </>
        )}
      </PageHeader>
      <div className="card" style={{ marginBottom: 16 }}>
        <dl className="props">
          <dt>Status</dt>
          <dd>
            <ClusterStatusPill status={cluster.status} staleSince={staleSince} />
          </dd>
          <dt>Last seen</dt>
          <dd title={absoluteTime(cluster.lastSeenAt)}>
            {lastSeenText(
              cluster.status,
              cluster.lastSeenAt,
              staleSince,
              () => `connected ${relativeTime(cluster.connectedSince)}`,
            )}
          </dd>
          <dt>Labels</dt>
          <dd>
            <LabelList labels={cluster.labels} />
          </dd>
          <dt>Agent</dt>
          <dd className="mono">
            {cluster.agentVersion ?? '—'} {cluster.provider ? `(${cluster.provider})` : ''}
          </dd>
          <dt>Kubernetes</dt>
          <dd className="mono">{cluster.kubernetesVersion ?? '—'}</dd>
          <dt>Calico</dt>
          <dd className="mono">{cluster.calicoVersion ?? '—'}</dd>
          <dt>Inventory</dt>
          <dd>
            {cluster.inventoryUpdatedAt
              ? `updated ${relativeTime(cluster.inventoryUpdatedAt)}`
              : 'not reported yet'}
          </dd>
        </dl>
      </div>
      <Tabs
        label="Cluster details"
        tabs={[
          { id: 'endpoints', label: 'Endpoints' },
          { id: 'namespaces', label: 'Namespaces' },
          { id: 'policies', label: 'Policy sync' },
          { id: 'nodes', label: 'Nodes' },
        ]}
        selected={tab}
        onSelect={setTab}
      >
        {tab === 'endpoints' && <InventoryEndpoints slug={slug} name={cluster.name} />}
        {tab === 'namespaces' && <InventoryNamespaces slug={slug} name={cluster.name} />}
        {tab === 'policies' && <ClusterPolicySync slug={slug} name={cluster.name} />}
        {tab === 'nodes' && <NodeTable slug={slug} name={cluster.name} />}
      </Tabs>
      {dialog === 'labels' && (
        <EditLabelsDialog
          slug={slug}
          name={cluster.name}
          labels={cluster.labels}
          open
          onClose={() => setDialog(null)}
        />
      )}
      <ConnectWizard
        slug={slug}
        open={dialog === 'register'}
        reRegister={cluster.name}
        onClose={() => setDialog(null)}
      />
      {dialog === 'delete' && (
        <DeleteClusterDialog
          slug={slug}
          name={cluster.name}
          open
          onClose={() => setDialog(null)}
          onDeleted={() => {
            toast.show({ title: `${cluster.name} deleted`, tone: 'ok' });
            void navigate({ to: '/o/$slug/clusters', params: { slug } });
          }}
        />
      )}
    </>
  );
}
