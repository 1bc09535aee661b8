import { ROLES as STORED_ROLES } from '@palisade/access';
import { describe, expect, it } from 'vitest';
import { can, grantableRoles, ROLES } from './permissions';

describe('permission map', () => {
  it('knows every role of the shared map, in GraphQL spelling', () => {
    expect(ROLES.map((r) => r.toLowerCase())).toEqual([...STORED_ROLES]);
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
