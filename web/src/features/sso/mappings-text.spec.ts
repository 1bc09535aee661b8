import { describe, expect, it } from 'vitest';
import { mappingsToText, parseMappingsText } from './mappings-text';

describe('group mapping text', () => {
  it('round-trips and accepts any case for roles', () => {
    const r = parseMappingsText('eng = editor\n\n  auditors=AUDITOR  \n');
    expect(r).toEqual({
      mappings: [
        { groupName: 'eng', role: 'EDITOR' },
        { groupName: 'auditors', role: 'AUDITOR' },
      ],
      error: null,
    });
    expect(mappingsToText(r.mappings)).toBe('eng = EDITOR\nauditors = AUDITOR');
  });

  it('names the bad line', () => {
    expect(parseMappingsText('eng = EDITOR\nops = OWNER').error).toBe(
      'Line 2: the role must be ADMIN, EDITOR, AUDITOR or VIEWER',
    );
    expect(parseMappingsText('eng = EDITOR\neng = VIEWER').error).toBe('Line 2: eng is mapped twice');
    expect(parseMappingsText('just-a-group').error).toBe('Line 1: write "group = ROLE"');
  });
});
