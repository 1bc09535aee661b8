// How records fold together (spec §6.2), the same in the agent's aggregator and in the gateway's
// store: buckets of 15 s starting at Unix multiples of 15; records with equal aggregation keys
// (bucket + every FlowKey field + the canonical traces) merge by summing counters and intersecting
// labels. Labels are not part of the key, as in Goldmane.

import { FLOW_COUNTERS, type FlowRecord } from './flow-record.js';
import { FLOW_BUCKET_SECONDS } from './limits.js';
import { traceHash } from './policy-trace.js';

/** Goldmane's FlowKey, in Calico's field names; with the trace hash it identifies a flow. */
export const FLOW_KEY_FIELDS = [
  'source_type',
  'source_namespace',
  'source_name',
  'dest_type',
  'dest_namespace',
  'dest_name',
  'dest_port',
  'dest_service_namespace',
  'dest_service_name',
  'dest_service_port_name',
  'dest_service_port',
  'proto',
  'reporter',
  'action',
] as const satisfies readonly (keyof FlowRecord)[];

/** The start of the bucket holding `unixSeconds`. */
export function bucketStart(unixSeconds: number): number {
  return Math.floor(unixSeconds / FLOW_BUCKET_SECONDS) * FLOW_BUCKET_SECONDS;
}

/** The bucket holding `unixSeconds`: `[start_time, end_time)`. */
export function bucketOf(unixSeconds: number): { start_time: number; end_time: number } {
  const start = bucketStart(unixSeconds);
  return { start_time: start, end_time: start + FLOW_BUCKET_SECONDS };
}

/**
 * FlowKey fields plus the trace hash, as one string; equal for records of the same flow. A caller
 * that already has the record's `traceHash` (the gateway computes it once per distinct trace of a
 * batch) passes it.
 */
export function flowKey(record: FlowRecord, hash: string = traceHash(record.policies)): string {
  return JSON.stringify([...FLOW_KEY_FIELDS.map((f) => record[f]), hash]);
}

/** The flow key within its bucket: records with equal aggregation keys merge. */
export function aggregationKey(record: FlowRecord): string {
  return `${String(record.start_time)}|${flowKey(record)}`;
}

/** Labels present in both lists, sorted. */
export function intersectLabels(a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b);
  return [...new Set(a)].filter((l) => other.has(l)).sort();
}

/**
 * The record of `a` and `b` together. The caller merges only records with the same aggregation
 * key; the result keeps `a`'s key fields and traces.
 */
export function mergeFlowRecords(a: FlowRecord, b: FlowRecord): FlowRecord {
  const merged: FlowRecord = {
    ...a,
    source_labels: intersectLabels(a.source_labels, b.source_labels),
    dest_labels: intersectLabels(a.dest_labels, b.dest_labels),
    policies: { enforced: [...a.policies.enforced], pending: [...a.policies.pending] },
  };
  for (const counter of FLOW_COUNTERS) merged[counter] = a[counter] + b[counter];
  return merged;
}
