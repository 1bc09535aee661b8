import { describe, expect, it } from 'vitest';
import { allowedActions } from './not-allowed';

describe('what a role allows, in words', () => {
  it('a viewer may read, not manage tokens or read the audit log', () => {
    const v = allowedActions('VIEWER');
    expect(v).toContain('see clusters and their inventory');
    expect(v).not.toContain('see the API tokens');
    expect(v).not.toContain('read the audit log and check its chain');
    expect(allowedActions('AUDITOR')).toContain('export signed ranges of the audit log');
    expect(allowedActions(undefined)).toEqual([]);
  });
});
