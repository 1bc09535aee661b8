// Dashboard: fleet health (live), denied flows and pairs, the next scheduled compliance reports,
// encryption coverage and recent changes (targets by name).
import { PageHeader } from '../components/layout/page-header';
import { useLiveClusterStatus } from '../features/clusters/hooks/use-live-cluster-status';
import { useLivePolicySync } from '../features/policies/api';
import { FleetCard } from '../features/dashboard/components/fleet-card';
import { FlowFiguresCard } from '../features/dashboard/components/flow-figures-card';
import { NextReportsCard } from '../features/dashboard/components/next-reports-card';
import { EncryptionCard } from '../features/fleet/components/encryption-card';
import { RecentChangesCard } from '../features/dashboard/components/recent-changes-card';
import { useOrgHeader } from '../features/orgs/api';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';

export function DashboardPage() {
  const slug = useOrgSlug();
  const org = useOrgHeader(slug);
  const perms = usePermissions();
  useLiveClusterStatus(slug);
  useLivePolicySync(slug);
  return (
    <>
      <PageHeader title={org.data?.name ?? 'Dashboard'} />
      <div className="stack">
        <FleetCard slug={slug} />
        {perms.can('flows:read') && <FlowFiguresCard slug={slug} />}
        {perms.can('compliance:read') && <NextReportsCard slug={slug} />}
        <EncryptionCard slug={slug} />
        {perms.can('audit:read') && <RecentChangesCard slug={slug} />}
      </div>
    </>
  );
}
