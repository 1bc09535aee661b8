// Flow records for the flow pipeline's tests: one valid record per call, varied by a few fields.

import type { FlowRecord } from '@palisade/flows';

export function flowRecord(overrides: Partial<FlowRecord> = {}): FlowRecord {
  return {
    start_time: 1_767_225_600,
    end_time: 1_767_225_615,
    source_type: 'wep',
    source_namespace: 'shop',
    source_name: 'web-abc-*',
    source_labels: ['app=web', 'pod-template-hash=abc'],
    dest_type: 'wep',
    dest_namespace: 'db',
    dest_name: 'postgres-def-*',
    dest_labels: ['app=postgres'],
    dest_port: 5432,
    dest_service_namespace: '-',
    dest_service_name: '-',
    dest_service_port_name: '-',
    dest_service_port: 0,
    proto: 'tcp',
    reporter: 'src',
    action: 'allow',
    policies: {
      enforced: ['0|__PROFILE__|pro:kns.shop|allow|0'],
      pending: ['0|__PROFILE__|pro:kns.shop|allow|0'],
    },
    packets_in: 1,
    packets_out: 2,
    bytes_in: 100,
    bytes_out: 200,
    num_flows: 1,
    num_flows_started: 1,
    num_flows_completed: 1,
    ...overrides,
  };
}
