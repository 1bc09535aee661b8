import { describe, expect, it } from 'vitest';
import { prettyJson } from './components/audit-event-list';
import { parseAuditSearch, toAuditFilter } from './search';

describe('audit search and diff text', () => {
  it('keeps only non-empty filters and sends times as ISO instants', () => {
    const s = parseAuditSearch({ actor: ' alice@example.com ', action: '', from: '2026-11-21T09:00', to: 7 });
    expect(s).toEqual({ actor: 'alice@example.com', from: '2026-11-21T09:00' });
    expect(toAuditFilter(s)).toEqual({
      actor: 'alice@example.com',
      from: new Date('2026-11-21T09:00').toISOString(),
    });
  });

  it('prints JSON with sorted keys so key order never shows as a change', () => {
    expect(prettyJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      prettyJson({ a: { c: null, d: [{ y: 2, z: 1 }] }, b: 1 }),
    );
    expect(prettyJson(null)).toBe('');
  });
});
