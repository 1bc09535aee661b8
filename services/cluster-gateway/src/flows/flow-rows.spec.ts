import type { FlowRecord } from '@palisade/flows';
import { describe, expect, it } from 'vitest';
import { concatFlowRows, flowRows, storedFlowKey } from './flow-rows.js';

const START = 1_767_225_600;

function record(overrides: Partial<FlowRecord> = {}): FlowRecord {
  return {
    start_time: START,
    end_time: START + 15,
    source_type: 'wep',
    source_namespace: 'shop',
    source_name: 'frontend-*',
    source_labels: ['app=frontend', 'tier=web'],
    dest_type: 'wep',
    dest_namespace: 'shop',
    dest_name: 'cart-*',
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
      enforced: ['1|default|np:shop/allow-frontend|allow|0', '0|kube-admin|gnp:base|pass|3'],
      pending: ['0|security|sgnp:quarantine-shop|deny|-1'],
    },
    packets_in: 1,
    packets_out: 2,
    bytes_in: 3,
    bytes_out: 4,
    num_flows: 5,
    num_flows_started: 6,
    num_flows_completed: 7,
    ...overrides,
  };
}

describe('flowRows', () => {
  it('merges records of the same flow and bucket, summing counters and intersecting labels', () => {
    const rows = flowRows([record(), record({ source_labels: ['app=frontend'], packets_in: 10 })]);
    expect(rows.count).toBe(1);
    expect(rows.flows.packetsIn).toEqual([11]);
    expect(rows.flows.numFlowsCompleted).toEqual([14]);
    expect(rows.flows.sourceLabels).toEqual(['["app=frontend"]']);
  });

  it('keeps flows of different buckets, keys or traces apart, and lists their buckets and days', () => {
    const rows = flowRows([
      record(),
      record({ start_time: START + 86_400, end_time: START + 86_415 }),
      record({ dest_port: 9090 }),
      record({ policies: { enforced: [], pending: [] } }),
    ]);
    expect(rows.count).toBe(4);
    expect(rows.bucketStarts).toEqual([START, START + 86_400]);
    expect(rows.days).toEqual([START / 86_400, START / 86_400 + 1]);
    expect(new Set(rows.flows.flowKey.map((k) => k.toString('hex'))).size).toBe(3);
  });

  it('stores the traces structured and sorted, their hash and the pending verdict', () => {
    const rows = flowRows([record()]);
    const enforced = JSON.parse(rows.flows.policiesEnforced[0] ?? '[]') as { name: string }[];
    expect(enforced.map((h) => h.name)).toEqual(['base', 'allow-frontend']);
    expect(rows.flows.pendingAction).toEqual(['deny']);
    expect(rows.flows.traceHash[0]).toMatch(/^[0-9a-f]{32}$/);
    // Hit order does not change the flow's identity.
    const reordered = record({
      policies: {
        enforced: ['0|kube-admin|gnp:base|pass|3', '1|default|np:shop/allow-frontend|allow|0'],
        pending: ['0|security|sgnp:quarantine-shop|deny|-1'],
      },
    });
    expect(storedFlowKey(reordered).equals(storedFlowKey(record()))).toBe(true);
  });

  it('sums the policy hits per minute into rollup rows, attributing an end of tier to its trigger', () => {
    const rows = flowRows([
      record(),
      record({ dest_port: 9090, policies: { enforced: [], pending: [] } }),
      // Another flow in the same minute with the same hits adds to their rows.
      record({ start_time: START + 15, end_time: START + 30, dest_port: 7070, packets_in: 10 }),
      // The next minute has rows of its own.
      record({ start_time: START + 60, end_time: START + 75 }),
    ]);
    const first = {
      trace: ['enforced', 'enforced', 'pending'],
      kind: ['gnp', 'np', 'sgnp'],
      tier: ['kube-admin', 'default', 'security'],
      namespace: ['', 'shop', ''],
      name: ['base', 'allow-frontend', 'quarantine-shop'],
      ruleIndex: [3, 0, -1],
      action: ['pass', 'allow', 'deny'],
      reporter: ['dst', 'dst', 'dst'],
    };
    const twice = <T>(a: T[]) => [...a, ...a];
    expect(rows.policyMinutes).toEqual({
      minute: [START, START, START, START + 60, START + 60, START + 60],
      ...Object.fromEntries(Object.entries(first).map(([k, v]) => [k, twice(v as unknown[])])),
      packetsIn: [11, 11, 11, 1, 1, 1],
      packetsOut: [4, 4, 4, 2, 2, 2],
      bytesIn: [6, 6, 6, 3, 3, 3],
      bytesOut: [8, 8, 8, 4, 4, 4],
      numFlows: [10, 10, 10, 5, 5, 5],
      numFlowsStarted: [12, 12, 12, 6, 6, 6],
      numFlowsCompleted: [14, 14, 14, 7, 7, 7],
    });
  });
});

describe('concatFlowRows', () => {
  it('puts the rows of batches one after the other, as flowRows of all their records would', () => {
    const first = [record(), record({ dest_port: 9090, policies: { enforced: [], pending: [] } })];
    const second = [
      record({ start_time: START + 86_400, end_time: START + 86_415 }),
      record({ dest_port: 7070 }),
    ];
    const joined = concatFlowRows([flowRows(first), flowRows(second)]);
    expect(joined).toEqual(flowRows([...first, ...second]));
    // The policy rollup rows of both batches in the same minute are summed, not repeated.
    expect(joined!.policyMinutes.minute).toHaveLength(6);
    expect(joined!.policyMinutes.packetsIn).toEqual([2, 2, 2, 1, 1, 1]);
  });

  it('gives up when two batches hold the same flow and bucket, which must be merged', () => {
    const parts = [flowRows([record()]), flowRows([record({ dest_port: 9090 })]), flowRows([record()])];
    expect(concatFlowRows(parts)).toBeNull();
    expect(concatFlowRows(parts.slice(0, 2))).not.toBeNull();
  });
});
