// The edge check of a flow record from outside (the gateway runs it on every record of a batch):
// one bad record is rejected alone, with every problem named by its field, so a sender can tell
// what to fix and the other records of the batch still count. A valid record comes back as a
// fresh copy with its labels sorted and deduplicated; nothing else is rewritten.

import {
  ENDPOINT_TYPES,
  FLOW_ACTIONS,
  FLOW_COUNTERS,
  NAMED_PROTOCOLS,
  NETWORK_NAMES,
  NOT_APPLICABLE,
  PORTLESS_PROTOCOLS,
  REPORTERS,
  type FlowRecord,
} from './flow-record.js';
import {
  FLOW_BUCKET_SECONDS,
  MAX_COUNTER,
  MAX_FUTURE_SKEW_SECONDS,
  MAX_LABEL_LENGTH,
  MAX_LABELS_PER_ENDPOINT,
  MAX_NAME_LENGTH,
  MAX_POLICY_HITS_PER_TRACE,
} from './limits.js';
import { PolicyHitError, parsePolicyHit } from './policy-hit.js';
import { TRACES } from './policy-trace.js';

export type FlowRecordIssue = {
  /** The field's path, e.g. `dest_port` or `policies.pending[1]`; '' for the record itself. */
  field: string;
  message: string;
};

export type FlowRecordValidation =
  { ok: true; record: FlowRecord } | { ok: false; issues: FlowRecordIssue[] };

export interface ValidationContext {
  /** The receiver's clock, Unix seconds: a record may not start more than MAX_FUTURE_SKEW_SECONDS after it. */
  now: number;
  /**
   * Policy-hit strings already found valid, filled as records are checked: a caller checking many
   * records (a batch) passes one set, so each distinct hit string is parsed once.
   */
  validHits?: Set<string>;
}

const FIELDS: readonly (keyof FlowRecord)[] = [
  'start_time',
  'end_time',
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
  'policies',
  ...FLOW_COUNTERS,
];
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Pod-name prefixes (`cart-5f6d7c8b9-*`), pod, host and network-set names. */
const ENDPOINT_NAME = new RegExp(
  `^[A-Za-z0-9]([A-Za-z0-9._:-]{0,${String(MAX_NAME_LENGTH - 2)}}[A-Za-z0-9.*-])?$`,
);
/** A UTF-16 surrogate without its pair: Postgres' text and jsonb refuse it, as they refuse NUL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
const PROTOCOL_NUMBER = /^(0|[1-9][0-9]{0,2})$/;

class Issues {
  readonly list: FlowRecordIssue[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(
  issues: Issues,
  field: string,
  value: unknown,
  values: readonly T[],
): value is T {
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return true;
  issues.add(field, `must be one of ${values.join(', ')}`);
  return false;
}

function integer(issues: Issues, field: string, value: unknown, min: number, max: number): value is number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return true;
  issues.add(field, `must be an integer from ${String(min)} to ${String(max)}`);
  return false;
}

function namespace(issues: Issues, field: string, value: unknown): value is string {
  if (typeof value === 'string' && (value === NOT_APPLICABLE || DNS_LABEL.test(value))) return true;
  issues.add(field, `must be a namespace name or "${NOT_APPLICABLE}"`);
  return false;
}

function labels(issues: Issues, field: string, value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    issues.add(field, 'must be a list of "key=value" strings');
    return undefined;
  }
  if (value.length > MAX_LABELS_PER_ENDPOINT) {
    issues.add(field, `holds ${String(value.length)} labels, more than ${String(MAX_LABELS_PER_ENDPOINT)}`);
    return undefined;
  }
  let ok = true;
  value.forEach((label: unknown, i) => {
    if (typeof label !== 'string' || label.indexOf('=') < 1 || label.length > MAX_LABEL_LENGTH) {
      issues.add(
        `${field}[${String(i)}]`,
        `must be a "key=value" string of at most ${String(MAX_LABEL_LENGTH)} characters`,
      );
      ok = false;
    } else if (label.includes('\u0000') || LONE_SURROGATE.test(label)) {
      // Neither can be stored (Postgres' text and jsonb refuse them); Kubernetes allows neither.
      issues.add(`${field}[${String(i)}]`, 'must not hold a NUL character or a lone UTF-16 surrogate');
      ok = false;
    }
  });
  return ok ? [...new Set(value as string[])].sort() : undefined;
}

function endpoint(issues: Issues, record: Record<string, unknown>, side: 'source' | 'dest'): void {
  const typeField = `${side}_type`;
  const type = record[typeField];
  const ns = record[`${side}_namespace`];
  const name = record[`${side}_name`];
  const nsOk = namespace(issues, `${side}_namespace`, ns);
  if (!oneOf(issues, typeField, type, ENDPOINT_TYPES)) return;
  if (type === 'net') {
    oneOf(issues, `${side}_name`, name, NETWORK_NAMES);
  } else if (typeof name !== 'string' || !ENDPOINT_NAME.test(name)) {
    issues.add(`${side}_name`, 'must be an endpoint name or a pod-name prefix ending in "*"');
  }
  if (!nsOk) return;
  if ((type === 'net' || type === 'hep') && ns !== NOT_APPLICABLE) {
    issues.add(`${side}_namespace`, `must be "${NOT_APPLICABLE}" for a ${type} endpoint`);
  }
  if (type === 'wep' && ns === NOT_APPLICABLE)
    issues.add(`${side}_namespace`, 'a wep endpoint has a namespace');
}

function service(issues: Issues, record: Record<string, unknown>): void {
  const { dest_service_namespace: ns, dest_service_name: name } = record;
  const portName = record.dest_service_port_name;
  const port = record.dest_service_port;
  if (name === NOT_APPLICABLE) {
    for (const [field, value] of [
      ['dest_service_namespace', ns],
      ['dest_service_port_name', portName],
    ] as const) {
      if (value !== NOT_APPLICABLE)
        issues.add(field, `must be "${NOT_APPLICABLE}" when dest_service_name is`);
    }
    if (port !== 0)
      issues.add('dest_service_port', `must be 0 when dest_service_name is "${NOT_APPLICABLE}"`);
    return;
  }
  if (typeof name !== 'string' || !DNS_LABEL.test(name)) {
    issues.add('dest_service_name', `must be a service name or "${NOT_APPLICABLE}"`);
  }
  if (typeof ns !== 'string' || !DNS_LABEL.test(ns))
    issues.add('dest_service_namespace', 'must be a namespace name');
  if (
    typeof portName !== 'string' ||
    !(portName === NOT_APPLICABLE || portName === '*' || PORT_NAME.test(portName))
  ) {
    issues.add('dest_service_port_name', `must be a port name, "*" or "${NOT_APPLICABLE}"`);
  }
  integer(issues, 'dest_service_port', port, 0, 65_535);
}

function protocolAndPort(issues: Issues, record: Record<string, unknown>): void {
  const { proto, dest_port: port } = record;
  const named = typeof proto === 'string' && (NAMED_PROTOCOLS as readonly string[]).includes(proto);
  const numbered = typeof proto === 'string' && PROTOCOL_NUMBER.test(proto) && Number(proto) <= 255;
  if (!named && !numbered) {
    issues.add('proto', `must be one of ${NAMED_PROTOCOLS.join(', ')} or a protocol number`);
  }
  if (!integer(issues, 'dest_port', port, 0, 65_535)) return;
  if (typeof proto === 'string' && PORTLESS_PROTOCOLS.includes(proto) && port !== 0) {
    issues.add('dest_port', `must be 0 for ${proto}`);
  }
}

function policies(issues: Issues, value: unknown, validHits: Set<string> | undefined): void {
  if (!isRecord(value)) {
    issues.add('policies', 'must be {enforced: string[], pending: string[]}');
    return;
  }
  for (const key of Object.keys(value)) {
    if (!(TRACES as readonly string[]).includes(key)) issues.add(`policies.${key}`, 'is not a trace');
  }
  for (const trace of TRACES) {
    const hits = value[trace];
    const field = `policies.${trace}`;
    if (!Array.isArray(hits)) {
      issues.add(field, 'must be a list of policy-hit strings');
      continue;
    }
    if (hits.length > MAX_POLICY_HITS_PER_TRACE) {
      issues.add(field, `holds ${String(hits.length)} hits, more than ${String(MAX_POLICY_HITS_PER_TRACE)}`);
      continue;
    }
    hits.forEach((hit: unknown, i) => {
      const at = `${field}[${String(i)}]`;
      if (typeof hit !== 'string') {
        issues.add(at, 'must be a policy-hit string');
        return;
      }
      if (validHits?.has(hit) === true) return;
      try {
        parsePolicyHit(hit);
        validHits?.add(hit);
      } catch (error) {
        if (!(error instanceof PolicyHitError)) throw error;
        issues.add(at, `bad policy hit ${error.message}`);
      }
    });
  }
}

function times(issues: Issues, record: Record<string, unknown>, now: number): void {
  const { start_time: start, end_time: end } = record;
  const startOk = integer(issues, 'start_time', start, 0, MAX_COUNTER);
  if (startOk && start % FLOW_BUCKET_SECONDS !== 0) {
    issues.add('start_time', `must be a multiple of ${String(FLOW_BUCKET_SECONDS)}`);
  }
  if (startOk && start > now + MAX_FUTURE_SKEW_SECONDS) {
    issues.add('start_time', `is more than ${String(MAX_FUTURE_SKEW_SECONDS)} s in the future`);
  }
  if (integer(issues, 'end_time', end, 0, MAX_COUNTER) && startOk && end !== start + FLOW_BUCKET_SECONDS) {
    issues.add(
      'end_time',
      end <= start ? 'must be after start_time' : `must be start_time + ${String(FLOW_BUCKET_SECONDS)}`,
    );
  }
}

/** Checks a record received from outside; returns a normalised copy or every issue found. */
export function validateFlowRecord(value: unknown, context: ValidationContext): FlowRecordValidation {
  const issues = new Issues();
  if (!isRecord(value))
    return { ok: false, issues: [{ field: '', message: 'must be a flow record object' }] };
  for (const key of Object.keys(value)) {
    if (!FIELD_SET.has(key)) issues.add(key, 'is not a flow record field');
  }
  for (const field of FIELDS) if (!(field in value)) issues.add(field, 'is required');
  if (issues.list.length > 0) return { ok: false, issues: issues.list };

  times(issues, value, context.now);
  endpoint(issues, value, 'source');
  endpoint(issues, value, 'dest');
  const sourceLabels = labels(issues, 'source_labels', value.source_labels);
  const destLabels = labels(issues, 'dest_labels', value.dest_labels);
  protocolAndPort(issues, value);
  service(issues, value);
  oneOf(issues, 'reporter', value.reporter, REPORTERS);
  oneOf(issues, 'action', value.action, FLOW_ACTIONS);
  policies(issues, value.policies, context.validHits);
  for (const counter of FLOW_COUNTERS) integer(issues, counter, value[counter], 0, MAX_COUNTER);
  if (issues.list.length > 0 || sourceLabels === undefined || destLabels === undefined) {
    return { ok: false, issues: issues.list };
  }
  const record = value as FlowRecord;
  return {
    ok: true,
    record: {
      ...record,
      source_labels: sourceLabels,
      dest_labels: destLabels,
      policies: { enforced: [...record.policies.enforced], pending: [...record.policies.pending] },
    },
  };
}
