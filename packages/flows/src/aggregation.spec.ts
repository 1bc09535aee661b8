import { describe, expect, it } from 'vitest';
import { aggregationKey, bucketOf, bucketStart, flowKey, mergeFlowRecords } from './aggregation.js';
import type { FlowRecord } from './flow-record.js';
import { networkClass } from './network-class.js';

const base: FlowRecord = {
  start_time: 1767225600,
  end_time: 1767225615,
  source_type: 'wep',
  source_namespace: 'shop',
  source_name: 'frontend-7d9c8b6f5-*',
  source_labels: ['app=frontend', 'pod-template-hash=7d9c8b6f5', 'tier=web'],
  dest_type: 'wep',
  dest_namespace: 'shop',
  dest_name: 'cart-5f6d7c8b9-*',
  dest_labels: ['app=cart'],
  dest_port: 8080,
  dest_service_namespace: '-',
  dest_service_name: '-',
  dest_service_port_name: '-',
  dest_service_port: 0,
  proto: 'tcp',
  reporter: 'src',
  action: 'allow',
  policies: { enforced: ['0|default|np:shop/a|allow|0', '1|t|gnp:b|pass|0'], pending: [] },
  packets_in: 1,
  packets_out: 2,
  bytes_in: 3,
  bytes_out: 4,
  num_flows: 5,
  num_flows_started: 6,
  num_flows_completed: 7,
};

describe('buckets', () => {
  it('start at Unix multiples of 15 and last 15 s', () => {
    expect(bucketStart(1767225600)).toBe(1767225600);
    expect(bucketStart(1767225614.9)).toBe(1767225600);
    expect(bucketOf(1767225615)).toEqual({ start_time: 1767225615, end_time: 1767225630 });
  });
});

describe('aggregation key', () => {
  it('ignores labels, counters and the order of trace hits', () => {
    const other = {
      ...base,
      source_labels: [],
      bytes_in: 99,
      policies: { enforced: [...base.policies.enforced].reverse(), pending: [] },
    };
    expect(aggregationKey(other)).toBe(aggregationKey(base));
  });

  it.each<[string, Partial<FlowRecord>]>([
    ['reporter', { reporter: 'dst' }],
    ['action', { action: 'deny' }],
    ['port', { dest_port: 8081 }],
    ['service', { dest_service_name: 'cart', dest_service_namespace: 'shop' }],
    ['pending trace', { policies: { enforced: base.policies.enforced, pending: ['0|t|sgnp:x|deny|0'] } }],
  ])('tells flows apart by %s', (_what, change) => {
    expect(flowKey({ ...base, ...change })).not.toBe(flowKey(base));
  });

  it('tells buckets apart', () => {
    const later = { ...base, start_time: base.start_time + 15, end_time: base.end_time + 15 };
    expect(flowKey(later)).toBe(flowKey(base));
    expect(aggregationKey(later)).not.toBe(aggregationKey(base));
  });
});

describe('merge', () => {
  it('sums counters and intersects labels', () => {
    const other = { ...base, source_labels: ['tier=web', 'app=frontend', 'pod-template-hash=1'] };
    const merged = mergeFlowRecords(base, other);
    expect(merged).toMatchObject({
      source_labels: ['app=frontend', 'tier=web'],
      dest_labels: ['app=cart'],
      packets_in: 2,
      packets_out: 4,
      bytes_in: 6,
      bytes_out: 8,
      num_flows: 10,
      num_flows_started: 12,
      num_flows_completed: 14,
    });
    expect(base.packets_in).toBe(1);
  });
});

describe('networkClass', () => {
  it.each([
    ['10.0.0.1', 'pvt'],
    ['172.16.0.1', 'pvt'],
    ['172.31.255.255', 'pvt'],
    ['192.168.1.1', 'pvt'],
    ['172.32.0.1', 'pub'],
    ['172.15.0.1', 'pub'],
    ['8.8.8.8', 'pub'],
    ['100.64.0.1', 'pub'],
    ['fd00::1', 'pub'],
    ['2001:db8::1', 'pub'],
  ])('classifies %s as %s', (ip, expected) => {
    expect(networkClass(ip)).toBe(expected);
  });

  it('rejects what is not an address', () => {
    expect(() => networkClass('300.1.1.1')).toThrow('not an IP');
    expect(() => networkClass('example.com')).toThrow('not an IP');
  });
});
