import { describe, expect, it } from 'vitest';
import { importIssueText, importResourceLabel } from './import-issues';

describe('import dialog wording', () => {
  it('does not repeat the path or the line the API message already carries', () => {
    expect(
      importIssueText({
        field: 'spec.tier',
        message: 'spec.tier: tier "security" does not exist (line 4)',
        line: 4,
      }),
    ).toBe('Line 4: spec.tier: tier "security" does not exist');
    expect(
      importIssueText({
        field: 'spec.ingress[0].action',
        message: 'spec.ingress[0].action: must be one of Allow, Deny (line 12, column 15)',
        line: 12,
        column: 15,
      }),
    ).toBe('Line 12, column 15: spec.ingress[0].action: must be one of Allow, Deny');
    expect(importIssueText({ field: 'spec.order', message: 'must be a number', line: null })).toBe(
      'spec.order: must be a number',
    );
  });

  it('names a document it could not identify by its position, never "?"', () => {
    expect(importResourceLabel({ index: 2, line: 19, kind: null, namespace: null, name: null })).toBe(
      'document 3 (from line 19)',
    );
    expect(importResourceLabel({ index: 0, kind: 'NetworkPolicy', namespace: 'backend', name: 'x' })).toBe(
      'NetworkPolicy backend/x',
    );
    expect(importResourceLabel({ index: 0, kind: 'Tier', namespace: null, name: null })).toBe(
      'Tier (no name)',
    );
  });
});
