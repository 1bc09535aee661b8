import { describe, expect, it } from 'vitest';
import { can, grantableRoles, PERMISSIONS, ROLE_PERMISSIONS } from './permissions';

// The API's map, loaded at run time (a path the type checker does not follow: it belongs to
// another project), so a change there that is not mirrored here fails this test.
const ROLES_MODULE = new URL('../../../services/api/src/platform/access/roles.ts', import.meta.url).pathname;

interface ApiRoles {
  PERMISSIONS: readonly string[];
  ROLE_PERMISSIONS: Record<string, ReadonlySet<string>>;
}

describe('permission map', () => {
  it('mirrors services/api/src/platform/access/roles.ts exactly', async () => {
    const api = (await import(/* @vite-ignore */ ROLES_MODULE)) as ApiRoles;
    expect([...PERMISSIONS]).toEqual([...api.PERMISSIONS]);
    for (const [role, perms] of Object.entries(ROLE_PERMISSIONS)) {
      expect([...perms].sort(), role).toEqual([...(api.ROLE_PERMISSIONS[role.toLowerCase()] ?? [])].sort());
    }
  });

  it('answers can() per role, nothing without a role', () => {
    expect(can('EDITOR', 'policies:write')).toBe(true);
    expect(can('EDITOR', 'members:invite')).toBe(false);
    expect(can('AUDITOR', 'audit:read')).toBe(true);
    expect(can('VIEWER', 'clusters:write')).toBe(false);
    expect(can(undefined, 'org:read')).toBe(false);
  });

  it('offers only roles within the holder’s own (owner only by owners)', () => {
    expect(grantableRoles('OWNER')).toEqual(['OWNER', 'ADMIN', 'EDITOR', 'VIEWER', 'AUDITOR']);
    expect(grantableRoles('ADMIN')).toEqual(['ADMIN', 'EDITOR', 'VIEWER', 'AUDITOR']);
    expect(grantableRoles('EDITOR')).toEqual(['EDITOR', 'VIEWER']);
    expect(grantableRoles('AUDITOR')).toEqual(['VIEWER', 'AUDITOR']);
  });
});
