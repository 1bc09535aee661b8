// What the caller may do in the organisation in the URL, from its viewerRole and the permission map.
import { useParams } from '@tanstack/react-router';
import { can, type Permission } from '../../../lib/permissions';
import { useOrgHeader } from '../api';
import type { Role } from '../../../generated/graphql';

export function useOrgSlug(): string {
  return useParams({ from: '/_app/o/$slug' }).slug;
}

export function usePermissions(): { role: Role | undefined; can: (p: Permission) => boolean } {
  const slug = useOrgSlug();
  const { data } = useOrgHeader(slug);
  const role = data?.viewerRole;
  return { role, can: (p) => can(role, p) };
}
