// The edge check of a batch's records: each record is validated on its own with @palisade/flows
// (decision 0041), so a bad one is rejected alone and the rest of the batch still counts. A
// rejection is counted under a reason from a closed set: the record field at fault (array indices
// and trace positions dropped), `unknown_field` for a field that is not part of the record (a
// forged `cluster_id` or `org_id` among them: tenancy comes from the tunnel's credential only), or
// `record` for a value that is not a record at all. A closed set keeps the metric's labels and the
// status row bounded whatever an agent sends; the detail of the first rejection goes back to the
// agent and to the log.
import { FLOW_COUNTERS, FLOW_KEY_FIELDS, validateFlowRecord, type FlowRecord } from '@palisade/flows';
import { FLOW_MAX_AGE_SECONDS } from '../limits.js';

/** Every field a record has, as rejection reasons (traces per trace). */
const FIELD_REASONS: ReadonlySet<string> = new Set<string>([
  'start_time',
  'end_time',
  'source_labels',
  'dest_labels',
  'policies',
  'policies.enforced',
  'policies.pending',
  ...FLOW_KEY_FIELDS,
  ...FLOW_COUNTERS,
] satisfies string[]);

/** The problem quotes what the agent sent (a bad trace string), so it is cut to stay a small message. */
const MAX_PROBLEM_LENGTH = 500;

export const UNKNOWN_FIELD_REASON = 'unknown_field';
export const NOT_A_RECORD_REASON = 'record';

export interface CheckedBatch {
  readonly accepted: FlowRecord[];
  /** Rejected records by reason. */
  readonly rejected: Map<string, number>;
  /** `<field>: <message>` of the first rejected record, for the agent and the log. */
  readonly firstProblem: string | null;
}

/** `policies.enforced[2]` → `policies.enforced`; `source_labels[0]` → `source_labels`. */
export function rejectionReason(field: string): string {
  if (field === '') return NOT_A_RECORD_REASON;
  const base = field.replace(/\[\d+\]/g, '');
  return FIELD_REASONS.has(base) ? base : UNKNOWN_FIELD_REASON;
}

export function checkBatch(records: readonly unknown[], nowSeconds: number): CheckedBatch {
  const accepted: FlowRecord[] = [];
  const rejected = new Map<string, number>();
  let firstProblem: string | null = null;
  const reject = (field: string, message: string): void => {
    const reason = rejectionReason(field);
    rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
    firstProblem ??= `${field === '' ? 'record' : field}: ${message}`.slice(0, MAX_PROBLEM_LENGTH);
  };
  const context = { now: nowSeconds, validHits: new Set<string>() };
  for (const value of records) {
    const result = validateFlowRecord(value, context);
    if (!result.ok) {
      const issue = result.issues[0];
      reject(issue?.field ?? '', issue?.message ?? 'is not a valid flow record');
    } else if (result.record.start_time < nowSeconds - FLOW_MAX_AGE_SECONDS) {
      reject('start_time', `is more than ${String(FLOW_MAX_AGE_SECONDS)} s in the past`);
    } else {
      accepted.push(result.record);
    }
  }
  return { accepted, rejected, firstProblem };
}
