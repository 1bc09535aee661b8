// What a member's role allows, from the same permission map the API enforces (@palisade/access),
// so the console shows only the actions a role may take. The API stays the authority: this only
// hides buttons; a refused call still shows the API's FORBIDDEN.
import {
  can as storedCan,
  PERMISSIONS,
  roleWithin,
  type Permission,
  type Role as StoredRole,
} from '@palisade/access';
import type { Role } from '../generated/graphql';

export { PERMISSIONS, type Permission };

export const ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'EDITOR', 'VIEWER', 'AUDITOR'];

/** GraphQL spells the stored role names in upper case. */
function stored(role: Role): StoredRole {
  return role.toLowerCase() as StoredRole;
}

export function can(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && storedCan(stored(role), permission);
}

/** Roles the holder may hand out (invitations, tokens): permission subsets, owner only by owners. */
export function grantableRoles(holder: Role): Role[] {
  return ROLES.filter((role) => roleWithin(stored(role), stored(holder)));
}

export function roleLabel(role: Role): string {
  return role.charAt(0) + role.slice(1).toLowerCase();
}
