// What the caller may do in the organisation in the URL: the permissions the API says its binding
// holds (Organization.viewerAccess: its role's, less what a role limited to clusters or tiers never
// holds), else its viewerRole and the permission map; and the clusters and tiers it is limited to.
import { useParams } from '@tanstack/react-router';
import { can, type Permission } from '../../../lib/permissions';
import { useOrgHeader } from '../api';
import type { Role } from '../../../generated/graphql';

export function useOrgSlug(): string {
  return useParams({ from: '/_app/o/$slug' }).slug;
}

export interface ViewerScope {
  clusterSelector: string;
  tiers: readonly string[] | null;
  organizationWide: boolean;
}

export function usePermissions(): {
  role: Role | undefined;
  can: (p: Permission) => boolean;
  scope: ViewerScope | undefined;
} {
  const slug = useOrgSlug();
  const { data } = useOrgHeader(slug);
  const role = data?.viewerRole;
  const held = data?.viewerAccess?.permissions;
  return {
    role,
    can: (p) => (held ? held.includes(p) : can(role, p)),
    scope: data?.viewerAccess?.scope ?? undefined,
  };
}
