// The organisation shell: top bar (org switcher, theme, user, sign out) and the section navigation,
// which lists only the sections the member's role can read.
import { Link, Outlet, useParams } from '@tanstack/react-router';
import { LiveBanner } from '../components/layout/live-banner';
import { OrgSwitcher } from '../components/layout/org-switcher';
import { ThemeToggle } from '../components/layout/theme-toggle';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useOrgHeader } from '../features/orgs/api';
import { useViewer } from '../features/viewer/api';
import { signOut } from '../lib/auth';
import { isApiError } from '../lib/graphql-client';
import { can, roleLabel, type Permission } from '../lib/permissions';
import { Badge } from '../components/ui/badge';
import { scopeLabel } from '../features/access/scope-label';

const SECTIONS = [
  { to: '/o/$slug', label: 'Dashboard', needs: 'org:read', exact: true },
  { to: '/o/$slug/clusters', label: 'Clusters', needs: 'clusters:read', exact: false },
  { to: '/o/$slug/policies', label: 'Policies', needs: 'policies:read', exact: false },
  { to: '/o/$slug/flows', label: 'Flows', needs: 'flows:read', exact: false },
  { to: '/o/$slug/service-graph', label: 'Service graph', needs: 'flows:read', exact: false },
  { to: '/o/$slug/recommendations', label: 'Recommendations', needs: 'policies:read', exact: false },
  { to: '/o/$slug/compliance', label: 'Compliance', needs: 'compliance:read', exact: false },
  { to: '/o/$slug/members', label: 'Members', needs: 'members:read', exact: false },
  { to: '/o/$slug/tokens', label: 'API tokens', needs: 'tokens:read', exact: false },
  { to: '/o/$slug/sso', label: 'Single sign-on', needs: 'sso:manage', exact: false },
  { to: '/o/$slug/audit', label: 'Audit log', needs: 'audit:read', exact: false },
] as const satisfies readonly { to: string; label: string; needs: Permission; exact: boolean }[];

export function OrgLayout() {
  const { slug } = useParams({ from: '/_app/o/$slug' });
  const viewer = useViewer();
  const org = useOrgHeader(slug);
  const orgs = viewer.data?.organizations.edges.map((e) => e.node) ?? [];
  const role = org.data?.viewerRole;
  // A role limited to clusters or tiers holds fewer permissions than its name: the API says which.
  const held = org.data?.viewerAccess?.permissions;
  const scope = org.data?.viewerAccess?.scope;
  const allowed = (p: Permission) => (held ? held.includes(p) : can(role, p));

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          ▥ Palisade
        </Link>
        <OrgSwitcher current={slug} orgs={orgs} />
        {role && <Badge tone="info">{roleLabel(role)}</Badge>}
        {scope && !scope.organizationWide && <Badge>{scopeLabel(scope)}</Badge>}
        <span className="topbar__spacer" />
        <ThemeToggle />
        <span className="topbar__user">{viewer.data?.user?.email}</span>
        <Button variant="ghost" onClick={() => void signOut()}>
          Sign out
        </Button>
      </header>
      <nav className="sidenav" aria-label="Sections">
        <ul>
          {SECTIONS.filter((s) => allowed(s.needs)).map((s) => (
            <li key={s.to}>
              <Link
                to={s.to}
                params={{ slug }}
                activeOptions={{ exact: s.exact }}
                activeProps={{ 'aria-current': 'page', className: 'active' }}
              >
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <LiveBanner />
        {org.isPending ? (
          <SkeletonRows rows={4} />
        ) : org.isError ? (
          isApiError(org.error, 'NOT_FOUND') || isApiError(org.error, 'FORBIDDEN') ? (
            <EmptyState title="Organisation not found" action={<Link to="/">Your organisations</Link>}>
              There is no organisation “{slug}”, or you are not a member of it.
            </EmptyState>
          ) : (
            <ErrorState error={org.error} onRetry={() => void org.refetch()} />
          )
        ) : (
          <Outlet />
        )}
      </main>
    </div>
  );
}
