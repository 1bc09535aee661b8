import { describe, expect, it } from 'vitest';
import { flowRecord } from '../../test/support/flow-records.js';
import { FlowAggregator } from './flow-aggregator.js';

const T = 1_767_225_600;

describe('FlowAggregator', () => {
  it('puts records in the 15 s bucket of their start and merges equal keys', () => {
    const aggregator = new FlowAggregator(100);
    aggregator.add([
      flowRecord({ start_time: T + 1, end_time: T + 2, source_labels: ['app=web', 'x=1'] }),
      flowRecord({ start_time: T + 14, end_time: T + 15, source_labels: ['app=web', 'x=2'], bytes_in: 50 }),
      flowRecord({ start_time: T + 15, end_time: T + 16 }),
    ]);
    expect(aggregator.open).toBe(2);
    expect(aggregator.takeClosed(T + 15)).toEqual([
      flowRecord({
        source_labels: ['app=web'],
        packets_in: 2,
        packets_out: 4,
        bytes_in: 150,
        bytes_out: 400,
        num_flows: 2,
        num_flows_started: 2,
        num_flows_completed: 2,
      }),
    ]);
    expect(aggregator.takeClosed(T + 29)).toEqual([]);
    expect(aggregator.takeClosed(T + 30)).toEqual([flowRecord({ start_time: T + 15, end_time: T + 30 })]);
    expect(aggregator.open).toBe(0);
  });

  it('keeps flows with different keys apart: reporter, action, trace order aside', () => {
    const aggregator = new FlowAggregator(100);
    const trace = ['0|t|gnp:a|pass|0', '1|default|np:db/b|allow|0'];
    aggregator.add([
      flowRecord({ reporter: 'dst' }),
      flowRecord({ action: 'deny' }),
      flowRecord({ policies: { enforced: trace, pending: [] } }),
      flowRecord({ policies: { enforced: [...trace].reverse(), pending: [] } }),
    ]);
    expect(aggregator.open).toBe(3);
  });

  it('starts a new record for a bucket already handed on', () => {
    const aggregator = new FlowAggregator(100);
    aggregator.add([flowRecord()]);
    expect(aggregator.takeClosed(T + 15)).toHaveLength(1);
    aggregator.add([flowRecord({ bytes_in: 7 })]);
    expect(aggregator.takeClosed(T + 60)).toEqual([flowRecord({ bytes_in: 7 })]);
  });

  it('drops and counts records of new keys beyond its bound, still merging known ones', () => {
    const aggregator = new FlowAggregator(2);
    aggregator.add([
      flowRecord({ dest_port: 1 }),
      flowRecord({ dest_port: 2 }),
      flowRecord({ dest_port: 3 }),
    ]);
    aggregator.add([flowRecord({ dest_port: 1 })]);
    expect(aggregator.dropped).toBe(1);
    expect(aggregator.takeAll().map((r) => [r.dest_port, r.num_flows])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });
});
