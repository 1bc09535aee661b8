// What a member sees on a page their role may not open (a link kept from another role, a typed
// URL): which role they hold, what this page needs, and what the role does allow — instead of the
// API's FORBIDDEN as "Something went wrong".
import { Link } from '@tanstack/react-router';
import type { Role } from '../../generated/graphql';
import { can, PERMISSIONS, roleLabel, type Permission } from '../../lib/permissions';

/** What each permission lets a member do, in words. */
const ALLOWS: Record<Permission, string> = {
  'org:read': 'see the organisation and its dashboard',
  'org:update': 'change the organisation’s settings',
  'members:read': 'see the members',
  'members:invite': 'invite members',
  'members:manage': 'change members’ roles and remove members',
  'tokens:read': 'see the API tokens',
  'tokens:manage': 'create and revoke API tokens',
  'sessions:manage': 'end members’ sessions and set how long sessions last',
  'scim:manage': 'issue the SCIM token and map SCIM groups to roles',
  'audit:read': 'read the audit log and check its chain',
  'audit:export': 'export signed ranges of the audit log',
  'clusters:read': 'see clusters and their inventory',
  'clusters:write': 'connect, relabel and delete clusters',
  'policies:read': 'see policies, tiers and their sync',
  'policies:write': 'write, reorder, roll back and promote policies and tiers',
  'flows:read': 'explore flows and the service graph',
  'compliance:read': 'see compliance reports and their schedules',
  'compliance:run': 'run compliance reports and download their evidence',
  'compliance:manage': 'create, change and delete compliance report definitions',
  'sso:manage': 'configure single sign-on: identity providers, verified domains and group mappings',
};

export function allowedActions(role: Role | undefined): string[] {
  return PERMISSIONS.filter((p) => can(role, p)).map((p) => ALLOWS[p]);
}

export function NotAllowed({
  slug,
  role,
  page,
  needs,
}: {
  slug: string;
  role: Role | undefined;
  /** The page, as a heading names it: "API tokens". */
  page: string;
  needs: Permission;
}) {
  const holders = (['OWNER', 'ADMIN', 'EDITOR', 'VIEWER', 'AUDITOR'] as const)
    .filter((r) => can(r, needs))
    .map(roleLabel);
  return (
    <section className="ui-state" aria-labelledby="not-allowed">
      <h1 id="not-allowed" style={{ fontSize: 20 }}>
        {page} {page.endsWith('s') ? 'are' : 'is'} not available to your role
      </h1>
      <p>
        You are {role ? `a ${roleLabel(role)}` : 'not a member'} here. To {ALLOWS[needs]}, ask an owner or
        admin for one of these roles: {holders.join(', ')}.
      </p>
      {role && (
        <>
          <p>As {roleLabel(role)} you may:</p>
          <ul
            aria-label={`What ${roleLabel(role)} may do`}
            style={{ textAlign: 'left', display: 'inline-block' }}
          >
            {allowedActions(role).map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </>
      )}
      <p>
        <Link to="/o/$slug" params={{ slug }}>
          Back to the dashboard
        </Link>
      </p>
    </section>
  );
}
