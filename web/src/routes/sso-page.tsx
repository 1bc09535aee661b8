// Single sign-on for the organisation (owners): identity providers, their group → role mappings
// with a dry run, and claimed email domains with DNS proof and "require SSO".
import { PageHeader } from '../components/layout/page-header';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import { useSsoSettings } from '../features/sso/api';
import { ConnectionCard } from '../features/sso/components/connection-card';
import { DomainsTable } from '../features/sso/components/domains-table';
import { NewConnectionForm } from '../features/sso/components/new-connection-form';

export function SsoPage() {
  const slug = useOrgSlug();
  const perms = usePermissions();
  if (!perms.can('sso:manage')) {
    return (
      <>
        <PageHeader title="Single sign-on" />
        <EmptyState title="Owners only">Only owners of the organisation configure single sign-on.</EmptyState>
      </>
    );
  }
  return <SsoSettings slug={slug} />;
}

function SsoSettings({ slug }: { slug: string }) {
  const q = useSsoSettings(slug);
  return (
    <>
      <PageHeader title="Single sign-on" />
      {q.isPending ? (
        <SkeletonRows rows={4} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="stack">
          <h2>Identity providers</h2>
          {q.data.ssoConnections.length === 0 && (
            <EmptyState title="No identity provider">
              Connect your organisation's OpenID Connect or SAML 2.0 identity provider; its groups then decide
              who gets which role.
            </EmptyState>
          )}
          {q.data.ssoConnections.map((c) => (
            <ConnectionCard key={`${c.id}:${c.groupMappings.length}`} slug={slug} connection={c} />
          ))}
          <NewConnectionForm slug={slug} />
          <h2>Email domains</h2>
          <DomainsTable slug={slug} domains={q.data.ssoDomains} connections={q.data.ssoConnections} />
        </div>
      )}
    </>
  );
}
