import { describe, expect, it } from 'vitest';
import { defaultExportRange, exportSummary, resolveExportRange } from './export-range';
import { namesFromEvents, targetLabel } from './target-label';

const CLUSTER = '6f1c1a2e-1111-4222-8333-944455556666';

describe('audit targets by name', () => {
  it('uses the name the event carries: policy resource, email, token or cluster name', () => {
    const none = new Map<string, string>();
    expect(
      targetLabel(
        { targetType: 'policy_resource', targetId: 'x', after: { resource: 'NetworkPolicy/backend/api' } },
        none,
      ),
    ).toEqual({ type: 'policy', name: 'NetworkPolicy/backend/api', known: true });
    expect(
      targetLabel(
        { targetType: 'member', targetId: 'u', before: { email: 'bob@example.com', role: 'viewer' } },
        none,
      ).name,
    ).toBe('bob@example.com');
    expect(targetLabel({ targetType: 'api_token', targetId: 't', after: { name: 'ci' } }, none).name).toBe(
      'ci',
    );
  });

  it('names a target whose event has no name from other events or the live lists, else a short id', () => {
    const events = [
      { targetType: 'cluster', targetId: CLUSTER, after: { labels: { env: 'prod' } } },
      { targetType: 'cluster', targetId: CLUSTER, after: { name: 'shop', labels: {} } },
    ];
    const names = namesFromEvents(events);
    expect(targetLabel(events[0]!, names)).toEqual({ type: 'cluster', name: 'shop', known: true });
    expect(
      targetLabel({ targetType: 'organization', targetId: 'o1', after: {} }, new Map([['o1', 'Acme']])).name,
    ).toBe('Acme');
    expect(targetLabel({ targetType: 'cluster', targetId: CLUSTER }, new Map())).toEqual({
      type: 'cluster',
      name: '6f1c1a2e…',
      known: false,
    });
  });
});

describe('audit export range', () => {
  const now = new Date('2026-12-06T12:00:00Z');

  it('defaults to the filters’ range, else the last 7 days up to now', () => {
    expect(defaultExportRange({ from: '2026-12-01T00:00', to: '2026-12-02T00:00' }, now)).toEqual({
      from: '2026-12-01T00:00',
      to: '2026-12-02T00:00',
    });
    const d = defaultExportRange({}, now);
    expect(d.to).toBe('');
    expect(new Date(d.from).getTime()).toBe(now.getTime() - 7 * 86_400_000);
  });

  it('resolves to ISO instants and refuses a reversed, empty or future range', () => {
    expect(resolveExportRange({ from: '2026-12-01T00:00', to: '' }, now)).toEqual({
      from: new Date('2026-12-01T00:00').toISOString(),
      to: now.toISOString(),
    });
    expect(resolveExportRange({ from: '', to: '' }, now)).toEqual({ error: 'Enter when the range starts.' });
    expect(resolveExportRange({ from: '2026-12-03T00:00', to: '2026-12-02T00:00' }, now)).toEqual({
      error: 'The range must start before it ends.',
    });
    expect(resolveExportRange({ from: '2026-12-01T00:00', to: '2027-01-01T00:00' }, now)).toEqual({
      error: 'The range cannot end in the future.',
    });
  });

  it('reads what the signed manifest says', () => {
    expect(
      exportSummary({ subject: { events: 12, firstSeq: '3', lastSeq: '14' }, signature: { keyId: 'k1' } }),
    ).toEqual({ events: 12, firstSeq: '3', lastSeq: '14', keyId: 'k1' });
    expect(exportSummary(null)).toEqual({ events: null, firstSeq: null, lastSeq: null, keyId: null });
  });
});
