// The rows of a flow write as the text of `COPY flows (...) FROM STDIN` (decision 0211): the fast
// path of the writer, a write in Postgres' cheapest input form instead of ~30 array parameters that
// both sides must quote, escape and parse again. Text format: one line per row, columns separated by
// tabs, `\N` for NULL, and backslash, newline, carriage return and tab escaped with a backslash.
// Pure: tested against what Postgres stores.
import { FLOW_COUNTERS } from '@palisade/flows';
import type { FlowColumns } from './flow-rows.js';

/** `flows` columns in the order of every line (and of the upsert's values, flow-writer.ts). */
export const FLOW_COPY_COLUMNS = [
  'org_id',
  'cluster_id',
  'start_time',
  'end_time',
  'flow_key',
  'source_type',
  'source_namespace',
  'source_name',
  'source_labels',
  'dest_type',
  'dest_namespace',
  'dest_name',
  'dest_labels',
  'dest_port',
  'dest_service_namespace',
  'dest_service_name',
  'dest_service_port_name',
  'dest_service_port',
  'proto',
  'reporter',
  'action',
  'policies_enforced',
  'policies_pending',
  'trace_hash',
  'pending_action',
  ...FLOW_COUNTERS,
] as const;

export const COPY_FLOWS = `COPY flows (${FLOW_COPY_COLUMNS.join(', ')}) FROM STDIN`;

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPED = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A text value as COPY's text format reads it back unchanged. */
export function copyValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (c) => ESCAPES[c]!) : value;
}

/**
 * The COPY text of `count` rows of `flows`, all of one organisation and cluster (the tunnel's, never
 * the batch's). Times are Unix seconds written as UTC timestamps; flow keys as bytea hex.
 */
export function flowCopyText(orgId: string, clusterId: string, flows: FlowColumns, count: number): string {
  const times = new Map<number, string>();
  const time = (seconds: number): string => {
    let text = times.get(seconds);
    if (text === undefined) {
      text = new Date(seconds * 1000).toISOString();
      times.set(seconds, text);
    }
    return text;
  };
  const lead = `${copyValue(orgId)}\t${copyValue(clusterId)}\t`;
  const f = flows;
  let out = '';
  for (let i = 0; i < count; i++) {
    const pending = f.pendingAction[i];
    out +=
      `${lead}${time(f.startTime[i]!)}\t${time(f.endTime[i]!)}\t\\\\x${f.flowKey[i]!.toString('hex')}\t` +
      `${copyValue(f.sourceType[i]!)}\t${copyValue(f.sourceNamespace[i]!)}\t${copyValue(f.sourceName[i]!)}\t` +
      `${copyValue(f.sourceLabels[i]!)}\t${copyValue(f.destType[i]!)}\t${copyValue(f.destNamespace[i]!)}\t` +
      `${copyValue(f.destName[i]!)}\t${copyValue(f.destLabels[i]!)}\t${String(f.destPort[i])}\t` +
      `${copyValue(f.destServiceNamespace[i]!)}\t${copyValue(f.destServiceName[i]!)}\t` +
      `${copyValue(f.destServicePortName[i]!)}\t${String(f.destServicePort[i])}\t${copyValue(f.proto[i]!)}\t` +
      `${copyValue(f.reporter[i]!)}\t${copyValue(f.action[i]!)}\t${copyValue(f.policiesEnforced[i]!)}\t` +
      `${copyValue(f.policiesPending[i]!)}\t${copyValue(f.traceHash[i]!)}\t` +
      `${pending === null || pending === undefined ? '\\N' : copyValue(pending)}\t` +
      `${String(f.packetsIn[i])}\t${String(f.packetsOut[i])}\t${String(f.bytesIn[i])}\t${String(f.bytesOut[i])}\t` +
      `${String(f.numFlows[i])}\t${String(f.numFlowsStarted[i])}\t${String(f.numFlowsCompleted[i])}\n`;
  }
  return out;
}
