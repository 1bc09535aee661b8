import { describe, expect, it } from 'vitest';
import { groupsFrom, roleForGroups } from './group-mapping.js';

describe('roleForGroups', () => {
  const mappings = [
    { groupName: 'eng', role: 'editor' as const },
    { groupName: 'sec', role: 'auditor' as const },
    { groupName: 'platform-admins', role: 'admin' as const },
    { groupName: 'everyone', role: 'viewer' as const },
  ];

  it('gives the strongest mapped role', () => {
    expect(roleForGroups(mappings, ['everyone', 'eng'])).toBe('editor');
    expect(roleForGroups(mappings, ['sec', 'everyone'])).toBe('auditor');
    expect(roleForGroups(mappings, ['eng', 'sec'])).toBe('editor');
    expect(roleForGroups(mappings, ['everyone', 'platform-admins', 'eng'])).toBe('admin');
  });

  it('gives nothing when no group is mapped, and matches names exactly', () => {
    expect(roleForGroups(mappings, [])).toBeNull();
    expect(roleForGroups(mappings, ['Eng', 'ENG', 'eng '])).toBeNull();
    expect(roleForGroups([], ['eng'])).toBeNull();
  });
});

describe('groupsFrom', () => {
  it('accepts an array of strings, a single string, and nothing else', () => {
    expect(groupsFrom(['a', 'b', 3, null, ''])).toEqual(['a', 'b']);
    expect(groupsFrom('solo')).toEqual(['solo']);
    expect(groupsFrom({ a: 1 })).toEqual([]);
    expect(groupsFrom(undefined)).toEqual([]);
  });
});
