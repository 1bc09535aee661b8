// A copy of the API's permission map (services/api/src/platform/access/roles.ts) so the console
// shows only the actions a member's role allows. The API stays the authority: this only hides
// buttons; a refused call still shows the API's FORBIDDEN. A spec keeps the two maps identical.
import type { Role } from '../generated/graphql';

export const PERMISSIONS = [
  'org:read',
  'org:update',
  'members:read',
  'members:invite',
  'members:manage',
  'tokens:read',
  'tokens:manage',
  'audit:read',
  'audit:export',
  'clusters:read',
  'clusters:write',
  'policies:read',
  'policies:write',
  'compliance:read',
  'compliance:run',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'EDITOR', 'VIEWER', 'AUDITOR'];

const READ: Permission[] = ['org:read', 'members:read', 'clusters:read', 'policies:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  OWNER: new Set(PERMISSIONS),
  ADMIN: new Set(PERMISSIONS),
  EDITOR: new Set<Permission>([...READ, 'clusters:write', 'policies:write', 'compliance:read']),
  VIEWER: new Set<Permission>([...READ]),
  AUDITOR: new Set<Permission>([...READ, 'audit:read', 'audit:export', 'compliance:read', 'compliance:run']),
};

export function can(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && ROLE_PERMISSIONS[role].has(permission);
}

/** Roles the holder may hand out (invitations, tokens): permission subsets, owner only by owners. */
export function grantableRoles(holder: Role): Role[] {
  return ROLES.filter((role) => {
    if (role === 'OWNER' && holder !== 'OWNER') return false;
    for (const p of ROLE_PERMISSIONS[role]) if (!ROLE_PERMISSIONS[holder].has(p)) return false;
    return true;
  });
}

export function roleLabel(role: Role): string {
  return role.charAt(0) + role.slice(1).toLowerCase();
}
