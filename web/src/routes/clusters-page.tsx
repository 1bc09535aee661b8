// Clusters: the fleet with live status, and the connect wizard for those who may add clusters.
import { useState } from 'react';
import { PageHeader } from '../components/layout/page-header';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useClusters } from '../features/clusters/api';
import { ClusterTable } from '../features/clusters/components/cluster-table';
import { ConnectWizard } from '../features/clusters/components/connect-wizard';
import { useLiveClusterStatus } from '../features/clusters/hooks/use-live-cluster-status';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';

export function ClustersPage() {
  const slug = useOrgSlug();
  const perms = usePermissions();
  const q = useClusters(slug);
  const { liveError } = useLiveClusterStatus(slug);
  const [connecting, setConnecting] = useState(false);
  const connect = perms.can('clusters:write') && (
    <Button variant="primary" onClick={() => setConnecting(true)}>
      Connect cluster
    </Button>
  );
  const clusters = q.data?.edges.map((e) => e.node) ?? [];
  const connected = clusters.filter((c) => c.status === 'CONNECTED').length;
  return (
    <>
      <PageHeader title="Clusters">{connect}</PageHeader>
      {liveError && <p className="muted">Live status is paused: {liveError}</p>}
      {q.isPending ? (
        <SkeletonRows rows={4} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : clusters.length === 0 ? (
        <EmptyState title="No clusters yet" action={connect || undefined}>
          Connect a Kubernetes cluster: Palisade gives you one kubectl command that installs an agent which
          dials out to Palisade.
        </EmptyState>
      ) : (
        <div className="stack">
          <p className="muted" aria-live="polite">
            {connected} of {q.data.totalCount} connected
          </p>
          <ClusterTable slug={slug} clusters={clusters} />
        </div>
      )}
      <ConnectWizard slug={slug} open={connecting} onClose={() => setConnecting(false)} />
    </>
  );
}
