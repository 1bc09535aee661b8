// One Goldmane Flow (a FlowKey in one Goldmane bucket, with its counters) to one Palisade flow
// record. The field mapping, documented in decision 0051:
//
//   Key.source_type/dest_type  WorkloadEndpoint→wep, HostEndpoint→hep, NetworkSet→ns, Network→net
//   *_namespace, dest_service_* names   '' (and '-') → '-'
//   *_name                     unchanged (pod prefix with '*', host, network set, pub/pvt)
//   *_labels                   sorted copy of the "k=v" strings
//   proto                      lower-cased
//   reporter                   Src→src, Dst→dst;   action  Allow→allow, Deny→deny (Pass is not a verdict)
//   policies                   map-policy-trace.ts
//   start_time                 floored to a multiple of 15; end_time = start_time + 15 (see below)
//   packets_*, bytes_*         unchanged
//   num_connections_live       → num_flows (Felix fills it from its num_flows)
//   num_connections_started    → num_flows_started
//   num_connections_completed  → num_flows_completed
//
// Goldmane's buckets are 15 s wide but start wherever Goldmane's clock stood when it started, while
// Palisade's buckets start at Unix multiples of 15. Flooring keeps one Goldmane bucket in one
// Palisade bucket (consecutive Goldmane buckets floor to consecutive Palisade buckets), at the cost
// of shifting a flow's window by less than 15 s.
//
// The record is then checked with @palisade/flows' validator, the gateway's own, so a flow the
// gateway would refuse is refused here, where the Goldmane message is still at hand.

import {
  FLOW_BUCKET_SECONDS,
  NOT_APPLICABLE,
  validateFlowRecord,
  type EndpointType,
  type FlowAction,
  type FlowRecord,
  type Reporter,
} from '@palisade/flows';
import type { GoldmaneFlow, GoldmaneFlowKey } from './goldmane-api.js';
import { FlowMappingError } from './flow-mapping-error.js';
import { mapPolicyTrace } from './map-policy-trace.js';
import { enumValue, safeInteger } from './map-values.js';

const ENDPOINT_TYPES: Readonly<Record<string, EndpointType>> = {
  WorkloadEndpoint: 'wep',
  HostEndpoint: 'hep',
  NetworkSet: 'ns',
  Network: 'net',
};
const REPORTERS: Readonly<Record<string, Reporter>> = { Src: 'src', Dst: 'dst' };
const ACTIONS: Readonly<Record<string, FlowAction>> = { Allow: 'allow', Deny: 'deny' };

/**
 * Throws FlowMappingError naming the Goldmane field that cannot be represented, or the record field
 * the validator refused. `now` (Unix seconds) bounds how far in the future a flow may start.
 */
export function mapFlow(flow: GoldmaneFlow, now: number): FlowRecord {
  const key = flow.Key;
  if (key === null) throw new FlowMappingError('Key', 'is missing');
  const startTime = safeInteger(flow.start_time, 'start_time', 1);
  const bucket = startTime - (startTime % FLOW_BUCKET_SECONDS);
  const record: FlowRecord = {
    start_time: bucket,
    end_time: bucket + FLOW_BUCKET_SECONDS,
    source_type: enumValue(ENDPOINT_TYPES, key.source_type, 'Key.source_type'),
    source_namespace: orNotApplicable(key.source_namespace),
    source_name: nonEmpty(key.source_name, 'Key.source_name'),
    source_labels: [...flow.source_labels].sort(),
    dest_type: enumValue(ENDPOINT_TYPES, key.dest_type, 'Key.dest_type'),
    dest_namespace: orNotApplicable(key.dest_namespace),
    dest_name: nonEmpty(key.dest_name, 'Key.dest_name'),
    dest_labels: [...flow.dest_labels].sort(),
    dest_port: port(key.dest_port, 'Key.dest_port'),
    ...service(key),
    proto: nonEmpty(key.proto, 'Key.proto').toLowerCase(),
    reporter: enumValue(REPORTERS, key.reporter, 'Key.reporter'),
    action: enumValue(ACTIONS, key.action, 'Key.action'),
    policies: mapPolicyTrace(key.policies, 'Key.policies'),
    packets_in: safeInteger(flow.packets_in, 'packets_in'),
    packets_out: safeInteger(flow.packets_out, 'packets_out'),
    bytes_in: safeInteger(flow.bytes_in, 'bytes_in'),
    bytes_out: safeInteger(flow.bytes_out, 'bytes_out'),
    num_flows: safeInteger(flow.num_connections_live, 'num_connections_live'),
    num_flows_started: safeInteger(flow.num_connections_started, 'num_connections_started'),
    num_flows_completed: safeInteger(flow.num_connections_completed, 'num_connections_completed'),
  };
  const checked = validateFlowRecord(record, { now });
  if (!checked.ok) {
    const [first] = checked.issues;
    throw new FlowMappingError(`record ${first?.field ?? ''}`.trim(), first?.message ?? 'is not valid');
  }
  return checked.record;
}

function service(
  key: GoldmaneFlowKey,
): Pick<
  FlowRecord,
  'dest_service_namespace' | 'dest_service_name' | 'dest_service_port_name' | 'dest_service_port'
> {
  return {
    dest_service_namespace: orNotApplicable(key.dest_service_namespace),
    dest_service_name: orNotApplicable(key.dest_service_name),
    dest_service_port_name: orNotApplicable(key.dest_service_port_name),
    dest_service_port: port(key.dest_service_port, 'Key.dest_service_port'),
  };
}

function orNotApplicable(value: string): string {
  return value === '' ? NOT_APPLICABLE : value;
}

function nonEmpty(value: string, field: string): string {
  if (value === '') throw new FlowMappingError(field, 'is empty');
  return value;
}

function port(value: string | number, field: string): number {
  const n = safeInteger(value, field);
  if (n > 65_535) throw new FlowMappingError(field, `${n} is not a port`);
  return n;
}
