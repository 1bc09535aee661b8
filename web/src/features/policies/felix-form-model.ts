// The editor's form view of a FelixConfiguration: the settings Palisade validates (decision 0090),
// read from and written into the YAML document with yaml's Document API, so comments, key order and
// every field the form does not show survive; the YAML stays what is validated and saved. Errors
// per field come from the same @palisade/policy validation the API runs.
import {
  APPLIES_AS_ANNOTATION,
  BPF_EXTERNAL_SERVICE_MODES,
  FELIX_VALIDATED_FIELDS,
  FLOW_LOG_AGGREGATION_KINDS,
  NFTABLES_MODES,
  parseResourcesYaml,
  unvalidatedFelixFields,
  WIREGUARD_MTU,
} from '@palisade/policy';
import { CLUSTER_SELECTOR_ANNOTATION } from '@palisade/policy/managed';
import { isMap, parseAllDocuments, parseDocument, type Document } from 'yaml';

export type FelixSetting = (typeof FELIX_VALIDATED_FIELDS)[number];

export type SettingControl =
  | { kind: 'boolean' }
  | { kind: 'integer'; min: number; max: number; hint: string }
  | { kind: 'choice'; options: readonly string[] }
  | { kind: 'text'; placeholder: string; hint: string };

/** How each validated setting is edited, with the bounds the validator enforces. */
export const FELIX_SETTINGS: readonly {
  field: FelixSetting;
  label: string;
  group: string;
  control: SettingControl;
}[] = [
  { field: 'wireguardEnabled', label: 'WireGuard (IPv4)', group: 'Encryption', control: { kind: 'boolean' } },
  {
    field: 'wireguardEnabledV6',
    label: 'WireGuard (IPv6)',
    group: 'Encryption',
    control: { kind: 'boolean' },
  },
  {
    field: 'wireguardListeningPort',
    label: 'WireGuard listening port',
    group: 'Encryption',
    control: { kind: 'integer', min: 1, max: 65535, hint: '1 to 65535; Felix uses 51820 when unset' },
  },
  {
    field: 'wireguardMTU',
    label: 'WireGuard MTU',
    group: 'Encryption',
    control: {
      kind: 'integer',
      min: WIREGUARD_MTU.auto,
      max: WIREGUARD_MTU.max,
      hint: `${WIREGUARD_MTU.auto} lets Felix detect it; otherwise ${WIREGUARD_MTU.min} to ${WIREGUARD_MTU.max}`,
    },
  },
  { field: 'bpfEnabled', label: 'eBPF dataplane', group: 'Dataplane', control: { kind: 'boolean' } },
  {
    field: 'bpfExternalServiceMode',
    label: 'eBPF external service mode',
    group: 'Dataplane',
    control: { kind: 'choice', options: BPF_EXTERNAL_SERVICE_MODES },
  },
  {
    field: 'nftablesMode',
    label: 'nftables mode',
    group: 'Dataplane',
    control: { kind: 'choice', options: NFTABLES_MODES },
  },
  {
    field: 'flowLogsFlushInterval',
    label: 'Flow log flush interval',
    group: 'Flow logs',
    control: { kind: 'text', placeholder: '15s', hint: 'A duration such as 15s, 1m or 1m30s' },
  },
  {
    field: 'flowLogsFileAggregationKindForAllowed',
    label: 'Aggregation of allowed flows',
    group: 'Flow logs',
    control: { kind: 'choice', options: aggregationOptions() },
  },
  {
    field: 'flowLogsFileAggregationKindForDenied',
    label: 'Aggregation of denied flows',
    group: 'Flow logs',
    control: { kind: 'choice', options: aggregationOptions() },
  },
  {
    field: 'policySyncPathPrefix',
    label: 'Policy sync path prefix',
    group: 'Flow logs',
    control: { kind: 'text', placeholder: '/var/run/nodeagent', hint: 'An absolute path on the node' },
  },
];

function aggregationOptions(): string[] {
  const out: string[] = [];
  for (let k = FLOW_LOG_AGGREGATION_KINDS.min; k <= FLOW_LOG_AGGREGATION_KINDS.max; k++) out.push(String(k));
  return out;
}

/** Words for the aggregation levels (Calico Enterprise's flow-log levels). */
export const AGGREGATION_LABEL: Record<string, string> = {
  '0': '0 — none',
  '1': '1 — by source port',
  '2': '2 — by pod prefix',
  '3': '3 — by destination ports',
};

export interface FelixFormFields {
  name: string;
  /** The cluster object it becomes: `default`, `node.<name>`, or '' for its own name. */
  appliesAs: string;
  clusterSelector: string;
  /** Each validated setting as the form shows it: '' when unset; booleans as 'true'/'false'. */
  settings: Record<FelixSetting, string>;
  /** Spec fields kept as written and not validated. */
  unvalidated: string[];
}

function single(text: string): Document | null {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1) return null;
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isMap(doc.contents) ? doc : null;
}

const shown = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** True when the text is one FelixConfiguration document. */
export function isFelixText(text: string): boolean {
  return single(text)?.get('kind') === 'FelixConfiguration';
}

export function readFelixFields(text: string): FelixFormFields | null {
  const doc = single(text);
  if (!doc || doc.get('kind') !== 'FelixConfiguration') return null;
  const spec = doc.get('spec');
  const specObject = isMap(spec) ? (spec.toJSON() as Record<string, unknown>) : {};
  const settings = {} as Record<FelixSetting, string>;
  for (const f of FELIX_VALIDATED_FIELDS) settings[f] = shown(specObject[f]);
  return {
    name: shown(doc.getIn(['metadata', 'name'])),
    appliesAs: shown(doc.getIn(['metadata', 'annotations', APPLIES_AS_ANNOTATION])),
    clusterSelector: shown(doc.getIn(['metadata', 'annotations', CLUSTER_SELECTOR_ANNOTATION])),
    settings,
    unvalidated: unvalidatedFelixFields(specObject),
  };
}

function dropEmptyAnnotations(doc: Document): void {
  const annotations = doc.getIn(['metadata', 'annotations']);
  if (isMap(annotations) && annotations.items.length === 0) doc.deleteIn(['metadata', 'annotations']);
}

/**
 * The text with one setting changed: '' removes it (Felix's default applies); booleans and whole
 * numbers are written as YAML booleans and numbers, anything else as typed, so the validator sees
 * (and names) exactly what the user entered.
 */
export function writeFelixSetting(text: string, field: FelixSetting, value: string): string {
  const doc = single(text);
  if (!doc) return text;
  const path = ['spec', field];
  const v = value.trim();
  if (v === '') {
    if (doc.hasIn(path)) doc.deleteIn(path);
  } else if (v === 'true' || v === 'false') {
    doc.setIn(path, v === 'true');
  } else if (/^-?\d+$/.test(v) && field !== 'flowLogsFlushInterval' && field !== 'policySyncPathPrefix') {
    doc.setIn(path, Number(v));
  } else {
    doc.setIn(path, v);
  }
  return doc.toString();
}

export function writeFelixMeta(
  text: string,
  field: 'name' | 'appliesAs' | 'clusterSelector',
  value: string,
): string {
  const doc = single(text);
  if (!doc) return text;
  if (field === 'name') {
    doc.setIn(['metadata', 'name'], value);
    return doc.toString();
  }
  const key = field === 'appliesAs' ? APPLIES_AS_ANNOTATION : CLUSTER_SELECTOR_ANNOTATION;
  const path = ['metadata', 'annotations', key];
  if (value.trim() === '') {
    if (doc.hasIn(path)) doc.deleteIn(path);
    dropEmptyAnnotations(doc);
  } else {
    doc.setIn(path, value);
  }
  return doc.toString();
}

/** Validation messages by form field (`spec.<setting>`, `name`, `appliesAs`), from @palisade/policy. */
export function felixFieldErrors(text: string): Partial<Record<FelixSetting | 'name' | 'appliesAs', string>> {
  const out: Partial<Record<FelixSetting | 'name' | 'appliesAs', string>> = {};
  for (const e of parseResourcesYaml(text).errors) {
    const m = /^spec\.(\w+)$/.exec(e.path);
    if (m && (FELIX_VALIDATED_FIELDS as readonly string[]).includes(m[1]!))
      out[m[1] as FelixSetting] ??= e.message;
    else if (e.path === 'metadata.name') out.name ??= e.message;
    else if (e.path.startsWith('metadata.annotations') && e.path.includes(APPLIES_AS_ANNOTATION))
      out.appliesAs ??= e.message;
  }
  return out;
}
