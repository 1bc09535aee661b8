// Validated flow records as the columns of one bulk write (migration 0006): records of the same
// flow and bucket are merged first (a row can be written once per statement, and the table holds
// one row per aggregation key and bucket), traces are stored structured with their hash and the
// pending verdict, and policy hits are summed into rows of the per-minute policy rollup. Pure: no
// I/O, so what is written is decided here and tested without a database.
import { createHash } from 'node:crypto';
import {
  flowKey,
  hitPolicy,
  mergeFlowRecords,
  parsePolicies,
  pendingAction,
  traceHash,
  TRACES,
  type FlowPolicies,
  type FlowRecord,
  type StructuredPolicies,
} from '@palisade/flows';

/** The seven summed counters, one array per column: the same in the flows and their rollups. */
export interface CounterColumns {
  packetsIn: number[];
  packetsOut: number[];
  bytesIn: number[];
  bytesOut: number[];
  numFlows: number[];
  numFlowsStarted: number[];
  numFlowsCompleted: number[];
}

/** One array per column of `flows`, all of the same length; jsonb columns as JSON text. */
export interface FlowColumns extends CounterColumns {
  startTime: number[];
  endTime: number[];
  flowKey: Buffer[];
  sourceType: string[];
  sourceNamespace: string[];
  sourceName: string[];
  sourceLabels: string[];
  destType: string[];
  destNamespace: string[];
  destName: string[];
  destLabels: string[];
  destPort: number[];
  destServiceNamespace: string[];
  destServiceName: string[];
  destServicePortName: string[];
  destServicePort: number[];
  proto: string[];
  reporter: string[];
  action: string[];
  policiesEnforced: string[];
  policiesPending: string[];
  traceHash: string[];
  pendingAction: (string | null)[];
}

/**
 * Rows of the per-minute policy rollup (`flow_policy_minutes`), one array per column: the policy
 * hits of the records, summed here per minute, trace, policy, rule, action and reporter, so that
 * Postgres upserts each rollup row once per write instead of joining every hit to its record and
 * grouping them (decision 0190). An end-of-tier hit is attributed to the policy that triggered
 * it (rule index −1).
 */
export interface PolicyMinuteColumns extends CounterColumns {
  /** Unix seconds of the minute the record's bucket starts in. */
  minute: number[];
  trace: string[];
  kind: string[];
  tier: string[];
  namespace: string[];
  name: string[];
  ruleIndex: number[];
  action: string[];
  reporter: string[];
}

type PolicyMinuteKey = Pick<
  PolicyMinuteColumns,
  'minute' | 'trace' | 'kind' | 'tier' | 'namespace' | 'name' | 'ruleIndex' | 'action' | 'reporter'
>;
type Row<T> = { [K in keyof T]: T[K] extends (infer E)[] ? E : never };

const KEY_COLUMNS = [
  'minute',
  'trace',
  'kind',
  'tier',
  'namespace',
  'name',
  'ruleIndex',
  'action',
  'reporter',
] as const satisfies readonly (keyof PolicyMinuteKey)[];
const COUNTER_COLUMNS = [
  'packetsIn',
  'packetsOut',
  'bytesIn',
  'bytesOut',
  'numFlows',
  'numFlowsStarted',
  'numFlowsCompleted',
] as const satisfies readonly (keyof CounterColumns)[];

/** Sums policy hits into rollup rows, one per key. */
class PolicyMinuteRollup {
  readonly columns = Object.fromEntries(
    [...KEY_COLUMNS, ...COUNTER_COLUMNS].map((c) => [c, []]),
  ) as unknown as PolicyMinuteColumns;
  readonly #rows = new Map<string, number>();

  add(key: Row<PolicyMinuteKey>, counters: Row<CounterColumns>): void {
    this.#put(
      KEY_COLUMNS.map((c) => key[c]),
      (c) => counters[c],
    );
  }

  /** Adds every row of `columns`. */
  addAll(columns: PolicyMinuteColumns): void {
    for (let i = 0; i < columns.minute.length; i++) {
      this.#put(
        KEY_COLUMNS.map((c) => columns[c][i]!),
        (c) => columns[c][i]!,
      );
    }
  }

  /** A row by its key's values (in KEY_COLUMNS order) and its counters. */
  #put(key: readonly (string | number)[], counter: (c: keyof CounterColumns) => number): void {
    // Unit separators between the key's fields: none of them can hold one (validated names,
    // numbers and enums).
    const text = key.join('\u001f');
    const at = this.#rows.get(text);
    if (at === undefined) {
      this.#rows.set(text, this.columns.minute.length);
      KEY_COLUMNS.forEach((c, j) => (this.columns[c] as (string | number)[]).push(key[j]!));
      for (const c of COUNTER_COLUMNS) this.columns[c].push(counter(c));
    } else {
      for (const c of COUNTER_COLUMNS) this.columns[c][at]! += counter(c);
    }
  }
}

export interface FlowRows {
  readonly flows: FlowColumns;
  readonly policyMinutes: PolicyMinuteColumns;
  /** Rows to write (records after merging). */
  readonly count: number;
  /** Distinct bucket starts (Unix seconds), ascending. */
  readonly bucketStarts: number[];
  /** Distinct UTC days (days since the Unix epoch) the rows fall in, ascending. */
  readonly days: number[];
}

const SECONDS_PER_DAY = 86_400;

/** The stored flow key: the first 16 bytes of SHA-256 of the record's flow key (bucket excluded). */
export function storedFlowKey(record: FlowRecord, key: string = flowKey(record)): Buffer {
  return createHash('sha256').update(key).digest().subarray(0, 16);
}

/** What a record's traces give its row: the same for every record with the same traces. */
interface TraceFacts {
  readonly hash: string;
  readonly structured: StructuredPolicies;
  readonly enforcedJson: string;
  readonly pendingJson: string;
  readonly pendingAction: string | null;
}

/**
 * The trace facts of a batch's records, computed once per distinct pair of traces: a batch holds
 * thousands of records but few distinct traces (one per path through the policies), and hashing
 * and parsing them per record was the largest cost of ingestion after the write itself.
 */
function traceFactsOf(): (policies: FlowPolicies) => TraceFacts {
  const seen = new Map<string, TraceFacts>();
  return (policies) => {
    const text = JSON.stringify([policies.enforced, policies.pending]);
    let facts = seen.get(text);
    if (facts === undefined) {
      const structured = parsePolicies(policies);
      facts = {
        hash: traceHash(policies),
        structured,
        enforcedJson: JSON.stringify(structured.enforced),
        pendingJson: JSON.stringify(structured.pending),
        pendingAction: pendingAction(policies),
      };
      seen.set(text, facts);
    }
    return facts;
  };
}

interface KeyedRecord {
  record: FlowRecord;
  readonly facts: TraceFacts;
  /** `flowKey(record)`: every FlowKey field and the trace hash. */
  readonly key: string;
}

export function flowRows(records: readonly FlowRecord[]): FlowRows {
  const factsOf = traceFactsOf();
  // Records merge under their aggregation key: bucket and flow key (`aggregationKey`).
  const merged = new Map<string, KeyedRecord>();
  for (const record of records) {
    const facts = factsOf(record.policies);
    const key = flowKey(record, facts.hash);
    const aggregation = `${String(record.start_time)}|${key}`;
    const seen = merged.get(aggregation);
    if (seen === undefined) merged.set(aggregation, { record, facts, key });
    else seen.record = mergeFlowRecords(seen.record, record);
  }
  const flows = emptyFlowColumns();
  const policyMinutes = new PolicyMinuteRollup();
  const buckets = new Set<number>();
  const days = new Set<number>();
  let row = 0;
  for (const { record, facts, key } of merged.values()) {
    row += 1;
    const { structured } = facts;
    flows.startTime.push(record.start_time);
    flows.endTime.push(record.end_time);
    flows.flowKey.push(storedFlowKey(record, key));
    flows.sourceType.push(record.source_type);
    flows.sourceNamespace.push(record.source_namespace);
    flows.sourceName.push(record.source_name);
    flows.sourceLabels.push(JSON.stringify(record.source_labels));
    flows.destType.push(record.dest_type);
    flows.destNamespace.push(record.dest_namespace);
    flows.destName.push(record.dest_name);
    flows.destLabels.push(JSON.stringify(record.dest_labels));
    flows.destPort.push(record.dest_port);
    flows.destServiceNamespace.push(record.dest_service_namespace);
    flows.destServiceName.push(record.dest_service_name);
    flows.destServicePortName.push(record.dest_service_port_name);
    flows.destServicePort.push(record.dest_service_port);
    flows.proto.push(record.proto);
    flows.reporter.push(record.reporter);
    flows.action.push(record.action);
    flows.policiesEnforced.push(facts.enforcedJson);
    flows.policiesPending.push(facts.pendingJson);
    flows.traceHash.push(facts.hash);
    flows.pendingAction.push(facts.pendingAction);
    flows.packetsIn.push(record.packets_in);
    flows.packetsOut.push(record.packets_out);
    flows.bytesIn.push(record.bytes_in);
    flows.bytesOut.push(record.bytes_out);
    flows.numFlows.push(record.num_flows);
    flows.numFlowsStarted.push(record.num_flows_started);
    flows.numFlowsCompleted.push(record.num_flows_completed);
    const counters = {
      packetsIn: record.packets_in,
      packetsOut: record.packets_out,
      bytesIn: record.bytes_in,
      bytesOut: record.bytes_out,
      numFlows: record.num_flows,
      numFlowsStarted: record.num_flows_started,
      numFlowsCompleted: record.num_flows_completed,
    };
    const minute = record.start_time - (record.start_time % 60);
    for (const trace of TRACES) {
      for (const hit of structured[trace]) {
        const policy = hitPolicy(hit);
        policyMinutes.add(
          {
            minute,
            trace,
            kind: policy.kind,
            tier: hit.tier,
            namespace: policy.namespace,
            name: policy.name,
            ruleIndex: hit.rule_index,
            action: hit.action,
            reporter: record.reporter,
          },
          counters,
        );
      }
    }
    buckets.add(record.start_time);
    days.add(Math.floor(record.start_time / SECONDS_PER_DAY));
  }
  return {
    flows,
    policyMinutes: policyMinutes.columns,
    count: row,
    bucketStarts: [...buckets].sort((a, b) => a - b),
    days: [...days].sort((a, b) => a - b),
  };
}

/**
 * The rows of several batches' records as one write, from each batch's own rows (built on
 * arrival, while the previous write ran), without building them again: the columns one after
 * the other. Null when two of them hold the same flow and bucket (their primary key), which a
 * statement may write only once: the caller then builds the rows of all their records together,
 * merging those (`flowRows`). That is rare: an agent aggregates a bucket before it sends it, so
 * its batches share a flow and bucket only for a record that came after its bucket closed.
 */
export function concatFlowRows(parts: readonly FlowRows[]): FlowRows | null {
  const seen = new Set<string>();
  for (const part of parts)
    for (let i = 0; i < part.count; i++) {
      const key = `${String(part.flows.startTime[i])}|${part.flows.flowKey[i]!.toString('hex')}`;
      if (seen.has(key)) return null;
      seen.add(key);
    }
  const flows = emptyFlowColumns();
  const policyMinutes = new PolicyMinuteRollup();
  let count = 0;
  for (const part of parts) {
    for (const column of Object.keys(flows) as (keyof FlowColumns)[])
      append(flows[column], part.flows[column]);
    policyMinutes.addAll(part.policyMinutes);
    count += part.count;
  }
  const ascending = (values: Iterable<number>) => [...new Set(values)].sort((a, b) => a - b);
  return {
    flows,
    policyMinutes: policyMinutes.columns,
    count,
    bucketStarts: ascending(parts.flatMap((p) => p.bucketStarts)),
    days: ascending(parts.flatMap((p) => p.days)),
  };
}

function append(target: unknown[], source: readonly unknown[]): void {
  for (const value of source) target.push(value);
}

function emptyFlowColumns(): FlowColumns {
  return {
    startTime: [],
    endTime: [],
    flowKey: [],
    sourceType: [],
    sourceNamespace: [],
    sourceName: [],
    sourceLabels: [],
    destType: [],
    destNamespace: [],
    destName: [],
    destLabels: [],
    destPort: [],
    destServiceNamespace: [],
    destServiceName: [],
    destServicePortName: [],
    destServicePort: [],
    proto: [],
    reporter: [],
    action: [],
    policiesEnforced: [],
    policiesPending: [],
    traceHash: [],
    pendingAction: [],
    packetsIn: [],
    packetsOut: [],
    bytesIn: [],
    bytesOut: [],
    numFlows: [],
    numFlowsStarted: [],
    numFlowsCompleted: [],
  };
}
