import { describe, expect, it } from 'vitest';
import {
  chipText,
  chipValueError,
  chipsOf,
  parseFlowSearch,
  toFlowFilter,
  withChip,
  withoutChip,
} from './search';

describe('flow explorer URL', () => {
  it('keeps what it understands and drops the rest', () => {
    expect(
      parseFlowSearch({
        range: '6h',
        sort: 'DEST_NAME',
        clusters: ['shop', '', 'shop'],
        srcNs: ['frontend', '~back'],
        port: ['443', 'http', '70000'],
        action: ['DENY', 'MAYBE'],
        kind: ['GLOBAL_NETWORK_POLICY', 'gnp'],
        policy: ['~fuzzy-not-allowed', 'allow-dns'],
        reporter: ['SRC', 'DST'],
        junk: 'x',
      }),
    ).toEqual({
      range: '6h',
      sort: 'DEST_NAME',
      clusters: ['shop'],
      srcNs: ['frontend', '~back'],
      port: ['443'],
      action: ['DENY'],
      kind: ['GLOBAL_NETWORK_POLICY'],
      policy: ['allow-dns'],
      reporter: ['SRC'],
    });
    expect(parseFlowSearch({ range: 'forever', sort: 'RANDOM' })).toEqual({});
  });

  it('accepts a single value where a list is expected (a hand-written link)', () => {
    expect(parseFlowSearch({ dstNs: 'db', port: 5432 })).toEqual({ dstNs: ['db'], port: ['5432'] });
  });

  it('turns chips into the API filter: `~` is a substring match, lists OR, fields AND', () => {
    const f = toFlowFilter({
      clusters: ['shop'],
      srcNs: ['frontend', '~back'],
      dstName: ['pub'],
      proto: ['tcp'],
      port: ['443', '8080'],
      action: ['DENY'],
      pending: ['ALLOW'],
      reporter: ['DST'],
    });
    expect(f).toEqual({
      clusters: ['shop'],
      sourceNamespaces: [
        { value: 'frontend', type: 'EXACT' },
        { value: 'back', type: 'FUZZY' },
      ],
      destNames: [{ value: 'pub', type: 'EXACT' }],
      protocols: [{ value: 'tcp', type: 'EXACT' }],
      destPorts: [443, 8080],
      actions: ['DENY'],
      pendingActions: ['ALLOW'],
      reporter: 'DST',
    });
  });

  it('combines the policy parts: AND across parts, OR within one', () => {
    expect(toFlowFilter({ tier: ['security', 'platform'], policy: ['deny-all'] }).policies).toEqual([
      { name: 'deny-all', tier: 'security' },
      { name: 'deny-all', tier: 'platform' },
    ]);
    expect(toFlowFilter({ kind: ['GLOBAL_NETWORK_POLICY'] }).policies).toEqual([
      { kind: 'GLOBAL_NETWORK_POLICY' },
    ]);
    expect(toFlowFilter({}).policies).toBeUndefined();
  });

  it('anchors the relative time range at the given instant, and leaves it out for “all” or live', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(toFlowFilter({}, now).timeRange).toEqual({ from: '2026-01-01T11:00:00.000Z' });
    expect(toFlowFilter({ range: '15m' }, now).timeRange).toEqual({ from: '2026-01-01T11:45:00.000Z' });
    expect(toFlowFilter({ range: 'all' }, now).timeRange).toBeUndefined();
    expect(toFlowFilter({ range: '15m' }).timeRange).toBeUndefined();
  });

  it('adds and removes chips without duplicates; the reporter has one value', () => {
    let s = withChip({}, 'dstNs', 'db');
    s = withChip(s, 'dstNs', 'db');
    s = withChip(s, 'reporter', 'SRC');
    s = withChip(s, 'reporter', 'DST');
    expect(s).toEqual({ dstNs: ['db'], reporter: ['DST'] });
    expect(chipsOf(s)).toEqual([
      { key: 'dstNs', value: 'db' },
      { key: 'reporter', value: 'DST' },
    ]);
    expect(withoutChip(s, 'dstNs', 'db')).toEqual({ reporter: ['DST'] });
  });

  it('says why a typed value cannot be a chip', () => {
    expect(chipValueError('port', '80a')).toMatch(/number/);
    expect(chipValueError('port', '443')).toBeNull();
    expect(chipValueError('srcName', ' ')).toBe('Enter a value.');
    expect(chipValueError('tier', '~sec')).toMatch(/exact/);
    expect(chipValueError('action', 'DROP')).toMatch(/ALLOW, DENY/);
  });

  it('shows a chosen value by its label, as the flow table does, and a substring match as such', () => {
    expect(chipText('action', 'DENY')).toBe('Deny');
    expect(chipText('pending', 'PASS')).toBe('Pass');
    expect(chipText('reporter', 'SRC')).toBe('Source');
    expect(chipText('kind', 'GLOBAL_NETWORK_POLICY')).toBe('GlobalNetworkPolicy');
    expect(chipText('srcNs', 'shop')).toBe('shop');
    expect(chipText('srcNs', '~sh')).toBe('contains “sh”');
  });
});
