// Folds flow records into flow keys for replay: records that differ only in time, verdict, trace or
// counters replay identically, so each key is evaluated once however many 15 s buckets hold it.
// The latest record of a key gives its recorded verdict and enforced trace.

import { stableHash, type FlowRecord } from '@palisade/flows';
import { FLOW_KEY_FIELDS, type FlowKey, type PreviewFlowInput } from './preview-types.js';

/** A canonical string of the key fields (labels sorted). */
export function flowKeyString(key: FlowKey): string {
  return JSON.stringify(
    FLOW_KEY_FIELDS.map((f) => {
      const v = key[f];
      return Array.isArray(v) ? [...v].sort() : v;
    }),
  );
}

export function flowKeyId(key: FlowKey): string {
  return stableHash(flowKeyString(key));
}

export function flowKey(record: FlowKey): FlowKey {
  const out: Record<string, unknown> = {};
  for (const f of FLOW_KEY_FIELDS) out[f] = record[f];
  return out as FlowKey;
}

/** Groups records by flow key, summing `num_flows` and keeping the latest verdict. */
export function flowKeysOf(records: Iterable<FlowRecord>): PreviewFlowInput[] {
  const keys = new Map<string, PreviewFlowInput>();
  for (const r of records) {
    const id = flowKeyString(r);
    const seen = keys.get(id);
    if (!seen) {
      keys.set(id, {
        ...flowKey(r),
        action: r.action,
        enforced: r.policies.enforced,
        first_seen: r.start_time,
        last_seen: r.start_time,
        num_flows: r.num_flows,
      });
      continue;
    }
    const latest = r.start_time >= seen.last_seen;
    keys.set(id, {
      ...seen,
      action: latest ? r.action : seen.action,
      enforced: latest ? r.policies.enforced : seen.enforced,
      first_seen: Math.min(seen.first_seen, r.start_time),
      last_seen: Math.max(seen.last_seen, r.start_time),
      num_flows: seen.num_flows + r.num_flows,
    });
  }
  return [...keys.values()];
}

/**
 * Merges inputs of one flow key (a store returns one per recorded verdict and trace): the latest
 * gives the verdict and trace, the window spans all, flows add up. Order of first appearance.
 */
export function mergeFlowInputs(inputs: Iterable<PreviewFlowInput>): PreviewFlowInput[] {
  const keys = new Map<string, PreviewFlowInput>();
  for (const f of inputs) {
    const id = flowKeyString(f);
    const seen = keys.get(id);
    if (!seen) {
      keys.set(id, f);
      continue;
    }
    const latest = f.last_seen >= seen.last_seen ? f : seen;
    keys.set(id, {
      ...latest,
      first_seen: Math.min(seen.first_seen, f.first_seen),
      last_seen: Math.max(seen.last_seen, f.last_seen),
      num_flows: seen.num_flows + f.num_flows,
    });
  }
  return [...keys.values()];
}
