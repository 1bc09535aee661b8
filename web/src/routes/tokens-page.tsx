// API tokens of the organisation.
import { useState } from 'react';
import { NotAllowed } from '../components/layout/not-allowed';
import { PageHeader } from '../components/layout/page-header';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import { useApiTokens } from '../features/tokens/api';
import { CreateTokenDialog } from '../features/tokens/components/create-token-dialog';
import { TokensTable } from '../features/tokens/components/tokens-table';

export function TokensPage() {
  const slug = useOrgSlug();
  const perms = usePermissions();
  const allowed = perms.can('tokens:read');
  const q = useApiTokens(slug, allowed);
  const [creating, setCreating] = useState(false);
  const canManage = perms.can('tokens:manage');
  const createButton = canManage && (
    <Button variant="primary" onClick={() => setCreating(true)}>
      Create token
    </Button>
  );
  if (perms.role && !allowed)
    return <NotAllowed slug={slug} role={perms.role} page="API tokens" needs="tokens:read" />;
  return (
    <>
      <PageHeader title="API tokens">{createButton}</PageHeader>
      {q.isPending ? (
        <SkeletonRows rows={3} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.edges.length === 0 ? (
        <EmptyState title="No API tokens" action={createButton || undefined}>
          Tokens let automation (CI, scripts, Terraform) call the Palisade API with a role you choose.
        </EmptyState>
      ) : (
        <TokensTable slug={slug} tokens={q.data.edges.map((e) => e.node)} canManage={canManage} />
      )}
      {perms.role && (
        <CreateTokenDialog
          slug={slug}
          viewerRole={perms.role}
          open={creating}
          onClose={() => setCreating(false)}
        />
      )}
    </>
  );
}
