import { describe, expect, it } from 'vitest';
import { plural } from '../../lib/format';
import { policySyncCounts } from '../dashboard/components/fleet-card';
import { boardSync } from './model';

describe('sync summaries', () => {
  it('a stale disconnected cluster does not turn a policy every live cluster runs into "Disconnected"', () => {
    const s = boardSync([
      { name: 'prod-eu', status: 'IN_SYNC' as const },
      { name: 'old', status: 'DISCONNECTED' as const },
    ]);
    expect(s.live).toBe('IN_SYNC');
    expect(s.disconnected.map((c) => c.name)).toEqual(['old']);
    expect(boardSync([{ name: 'old', status: 'DISCONNECTED' as const }]).live).toBeNull();
    expect(
      boardSync([
        { name: 'a', status: 'PENDING' as const },
        { name: 'b', status: 'IN_SYNC' as const },
      ]).live,
    ).toBe('PENDING');
  });

  it('counts each policy once across connected clusters, leaving disconnected ones out', () => {
    const r = (name: string, status: string) => ({ kind: 'NetworkPolicy', namespace: 'ns', name, status });
    expect(
      policySyncCounts([
        { status: 'CONNECTED', policySync: { resources: [r('a', 'IN_SYNC'), r('b', 'IN_SYNC')] } },
        {
          status: 'CONNECTED',
          policySync: { resources: [r('a', 'IN_SYNC'), r('b', 'FAILED'), r('c', 'IN_SYNC')] },
        },
        { status: 'DISCONNECTED', policySync: { resources: [r('a', 'PENDING'), r('d', 'PENDING')] } },
      ]),
    ).toEqual({ inSync: 2, outOfSync: 1 });
  });

  it('pluralises counts', () => {
    expect(plural(1, 'policy')).toBe('1 policy');
    expect(plural(3, 'policy')).toBe('3 policies');
    expect(plural(0, 'cluster')).toBe('0 clusters');
    expect(plural(2, 'match')).toBe('2 matches');
    expect(plural(1200, 'event')).toBe('1,200 events');
  });
});

describe('next scheduled reports', () => {
  it('lists the soonest runs first and counts suspended definitions apart', async () => {
    const { nextScheduledReports } = await import('../dashboard/api');
    const d = (name: string, at: string | null, suspend = false) => ({
      name,
      type: 'INVENTORY',
      schedule: '0 * * * *',
      suspend,
      nextRunTimes: at ? [at] : [],
    });
    const r = nextScheduledReports([
      d('weekly', '2026-12-13T00:00:00Z'),
      d('hourly', '2026-12-06T12:00:00Z'),
      d('paused', null, true),
    ]);
    expect(r.next.map((x) => x.name)).toEqual(['hourly', 'weekly']);
    expect(r.suspended).toBe(1);
  });
});
