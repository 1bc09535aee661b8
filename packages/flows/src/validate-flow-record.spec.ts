import { describe, expect, it } from 'vitest';
import type { FlowRecord } from './flow-record.js';
import { MAX_FUTURE_SKEW_SECONDS } from './limits.js';
import { validateFlowRecord } from './validate-flow-record.js';

// The ingestion example of the spec (§6.7).
const example: FlowRecord = {
  start_time: 1767225600,
  end_time: 1767225615,
  source_type: 'wep',
  source_namespace: 'shop',
  source_name: 'frontend-7d9c8b6f5-*',
  source_labels: ['app=frontend', 'tier=web'],
  dest_type: 'wep',
  dest_namespace: 'shop',
  dest_name: 'cart-5f6d7c8b9-*',
  dest_labels: ['app=cart'],
  dest_port: 8080,
  dest_service_namespace: 'shop',
  dest_service_name: 'cart',
  dest_service_port_name: 'http',
  dest_service_port: 80,
  proto: 'tcp',
  reporter: 'dst',
  action: 'allow',
  policies: {
    enforced: ['0|default|np:shop/allow-frontend|allow|0'],
    pending: ['0|security|sgnp:quarantine-shop|deny|0'],
  },
  packets_in: 42,
  packets_out: 40,
  bytes_in: 5120,
  bytes_out: 88310,
  num_flows: 3,
  num_flows_started: 2,
  num_flows_completed: 1,
};
const now = example.start_time + 30;

function issuesOf(change: Record<string, unknown>, at = now) {
  const result = validateFlowRecord({ ...example, ...change }, { now: at });
  return result.ok ? [] : result.issues;
}

describe('validateFlowRecord', () => {
  it("accepts the spec's example and returns an equal copy", () => {
    const result = validateFlowRecord(example, { now });
    expect(result).toEqual({ ok: true, record: example });
    expect(result.ok && result.record).not.toBe(example);
  });

  it('sorts and deduplicates labels', () => {
    const result = validateFlowRecord({ ...example, dest_labels: ['b=2', 'a=1', 'b=2'] }, { now });
    expect(result.ok && result.record.dest_labels).toEqual(['a=1', 'b=2']);
  });

  it('accepts external networks and port-less protocols', () => {
    expect(
      issuesOf({
        dest_type: 'net',
        dest_namespace: '-',
        dest_name: 'pub',
        dest_labels: [],
        proto: 'icmp',
        dest_port: 0,
        dest_service_namespace: '-',
        dest_service_name: '-',
        dest_service_port_name: '-',
        dest_service_port: 0,
      }),
    ).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unknown endpoint type', { source_type: 'pod' }, 'source_type', 'must be one of wep, hep, ns, net'],
    ['an unknown reporter', { reporter: 'fwd' }, 'reporter', 'must be one of src, dst'],
    ['an unknown action', { action: 'pass' }, 'action', 'must be one of allow, deny'],
    ['an upper-case protocol', { proto: 'TCP' }, 'proto', 'must be one of tcp'],
    ['a negative counter', { bytes_in: -1 }, 'bytes_in', 'must be an integer from 0'],
    ['a fractional counter', { num_flows: 1.5 }, 'num_flows', 'must be an integer from 0'],
    [
      'an end before the start',
      { end_time: example.start_time - 15 },
      'end_time',
      'must be after start_time',
    ],
    ['a bucket of the wrong width', { end_time: example.start_time + 60 }, 'end_time', 'start_time + 15'],
    [
      'an unaligned start',
      { start_time: example.start_time + 1, end_time: example.start_time + 16 },
      'start_time',
      'multiple of 15',
    ],
    [
      'a net endpoint with a pod name',
      { dest_type: 'net', dest_namespace: '-' },
      'dest_name',
      'must be one of pub, pvt',
    ],
    [
      'a net endpoint with a namespace',
      { dest_type: 'net', dest_name: 'pvt' },
      'dest_namespace',
      'must be "-" for a net',
    ],
    ['a port on icmp', { proto: 'icmp' }, 'dest_port', 'must be 0 for icmp'],
    ['a label without "="', { source_labels: ['app'] }, 'source_labels[0]', 'key=value'],
    ['a label holding NUL', { source_labels: ['app=a\u0000'] }, 'source_labels[0]', 'NUL'],
    ['a label with a lone surrogate', { dest_labels: ['a=1', 'b=\udc00'] }, 'dest_labels[1]', 'surrogate'],
    ['an unknown field', { cluster_id: 'c1' }, 'cluster_id', 'is not a flow record field'],
    [
      'half a service',
      { dest_service_name: '-' },
      'dest_service_namespace',
      'must be "-" when dest_service_name is',
    ],
  ])('rejects %s, naming the field', (_what, change, field, message) => {
    const issues = issuesOf(change);
    expect(issues).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it('names the trace and the index of a bad hit', () => {
    const issues = issuesOf({
      policies: {
        enforced: ['0|default|np:shop/a|allow|0'],
        pending: ['0|default|np:shop/a|allow|0', '1|x|y'],
      },
    });
    expect(issues).toEqual([
      { field: 'policies.pending[1]', message: expect.stringContaining('expected 5') },
    ]);
  });

  it('rejects a start too far in the future, not one within the skew', () => {
    expect(issuesOf({}, example.start_time - MAX_FUTURE_SKEW_SECONDS)).toEqual([]);
    expect(issuesOf({}, example.start_time - MAX_FUTURE_SKEW_SECONDS - 1)).toEqual([
      { field: 'start_time', message: expect.stringContaining('in the future') },
    ]);
  });

  it('reports missing fields and non-objects', () => {
    const { proto: _proto, ...rest } = example;
    expect(validateFlowRecord(rest, { now })).toEqual({
      ok: false,
      issues: [{ field: 'proto', message: 'is required' }],
    });
    expect(validateFlowRecord([], { now })).toMatchObject({ ok: false, issues: [{ field: '' }] });
  });
});
