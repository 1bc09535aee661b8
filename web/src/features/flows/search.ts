// The flow explorer's URL: time range, clusters, sort and the Goldmane filter as chips (decision
// 0075). Each chip field is its own search param holding a list of values, so a view can be shared
// and the back button undoes a chip. Values of name fields starting with `~` are FUZZY (substring)
// matches. Lists are OR-ed and fields AND-ed, as in the API; the policy fields (kind, tier,
// namespace, name) combine into PolicyMatch objects the same way (one per combination of values).
import type {
  FlowAction,
  FlowFilter,
  FlowFilterHintType,
  FlowPolicyKind,
  FlowReporter,
  FlowSort,
  PolicyAction,
  PolicyMatch,
  StringMatch,
} from '../../generated/graphql';
import { kindLabel } from './policy-link';

export const RANGES = ['15m', '1h', '6h', '24h', '7d', 'all'] as const;
export type RangeKey = (typeof RANGES)[number];
export const DEFAULT_RANGE: RangeKey = '1h';

const RANGE_MS: Record<Exclude<RangeKey, 'all'>, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
};

export const RANGE_LABELS: Record<RangeKey, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  all: 'All retained',
};

export const SORTS: readonly { value: FlowSort; label: string }[] = [
  { value: 'TIME', label: 'Newest first' },
  { value: 'SOURCE_NAME', label: 'Source name' },
  { value: 'SOURCE_NAMESPACE', label: 'Source namespace' },
  { value: 'SOURCE_TYPE', label: 'Source type' },
  { value: 'DEST_NAME', label: 'Destination name' },
  { value: 'DEST_NAMESPACE', label: 'Destination namespace' },
  { value: 'DEST_TYPE', label: 'Destination type' },
];

/** What a chip field accepts: free text (optionally fuzzy), a port number, or one of a fixed set. */
type ValueKind = 'text' | 'port' | 'choice';

export interface ChipField {
  key: ChipKey;
  label: string;
  kind: ValueKind;
  /** Where suggestions come from: flowFilterHints of this type, or a fixed list. */
  hint?: FlowFilterHintType;
  choices?: readonly string[];
  /** How a choice reads in the value picker and on its chip (the value itself by default). */
  choiceLabel?: (value: string) => string;
  /** Whether `~value` (substring) is allowed. */
  fuzzy?: boolean;
}

export const CHIP_KEYS = [
  'srcNs',
  'srcName',
  'dstNs',
  'dstName',
  'port',
  'proto',
  'action',
  'pending',
  'policy',
  'policyNs',
  'tier',
  'kind',
  'reporter',
] as const;
export type ChipKey = (typeof CHIP_KEYS)[number];

const ACTIONS: readonly FlowAction[] = ['ALLOW', 'DENY'];
const ACTION_LABELS: Readonly<Record<PolicyAction, string>> = { ALLOW: 'Allow', DENY: 'Deny', PASS: 'Pass' };
const REPORTER_LABELS: Readonly<Record<FlowReporter, string>> = { SRC: 'Source', DST: 'Destination' };
const actionLabel = (v: string): string => ACTION_LABELS[v as PolicyAction] ?? v;
const PENDING: readonly PolicyAction[] = ['ALLOW', 'DENY', 'PASS'];
const REPORTERS: readonly FlowReporter[] = ['SRC', 'DST'];
/** Kinds a filter can name (an end-of-tier hit matches through its triggering policy's kind). */
const KINDS: readonly FlowPolicyKind[] = [
  'CALICO_NETWORK_POLICY',
  'GLOBAL_NETWORK_POLICY',
  'STAGED_NETWORK_POLICY',
  'STAGED_GLOBAL_NETWORK_POLICY',
  'STAGED_KUBERNETES_NETWORK_POLICY',
  'KUBERNETES_NETWORK_POLICY',
  'KUBERNETES_CLUSTER_NETWORK_POLICY',
];

export const CHIP_FIELDS: Record<ChipKey, ChipField> = {
  srcNs: { key: 'srcNs', label: 'Source namespace', kind: 'text', hint: 'SOURCE_NAMESPACE', fuzzy: true },
  srcName: { key: 'srcName', label: 'Source name', kind: 'text', hint: 'SOURCE_NAME', fuzzy: true },
  dstNs: { key: 'dstNs', label: 'Destination namespace', kind: 'text', hint: 'DEST_NAMESPACE', fuzzy: true },
  dstName: { key: 'dstName', label: 'Destination name', kind: 'text', hint: 'DEST_NAME', fuzzy: true },
  port: { key: 'port', label: 'Destination port', kind: 'port' },
  proto: {
    key: 'proto',
    label: 'Protocol',
    kind: 'text',
    choices: ['tcp', 'udp', 'icmp', 'sctp'],
    fuzzy: true,
  },
  action: { key: 'action', label: 'Action', kind: 'choice', choices: ACTIONS, choiceLabel: actionLabel },
  pending: {
    key: 'pending',
    label: 'Pending action',
    kind: 'choice',
    choices: PENDING,
    choiceLabel: actionLabel,
  },
  policy: { key: 'policy', label: 'Policy name', kind: 'text', hint: 'POLICY_NAME' },
  policyNs: { key: 'policyNs', label: 'Policy namespace', kind: 'text', hint: 'POLICY_NAMESPACE' },
  tier: { key: 'tier', label: 'Policy tier', kind: 'text', hint: 'POLICY_TIER' },
  kind: {
    key: 'kind',
    label: 'Policy kind',
    kind: 'choice',
    choices: KINDS,
    choiceLabel: (v) => kindLabel(v as FlowPolicyKind),
  },
  reporter: {
    key: 'reporter',
    label: 'Reporter',
    kind: 'choice',
    choices: REPORTERS,
    choiceLabel: (v) => REPORTER_LABELS[v as FlowReporter] ?? v,
  },
};

export type FlowSearch = Partial<Record<ChipKey, string[]>> & {
  range?: RangeKey;
  clusters?: string[];
  sort?: FlowSort;
};

const FUZZY = '~';

function strings(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const out: string[] = [];
  for (const x of list) {
    const s = typeof x === 'number' ? String(x) : typeof x === 'string' ? x.trim() : '';
    if (s !== '' && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Keeps what the page understands; an invalid value is dropped rather than failing the page. */
export function parseFlowSearch(raw: Record<string, unknown>): FlowSearch {
  const out: FlowSearch = {};
  if (typeof raw['range'] === 'string' && (RANGES as readonly string[]).includes(raw['range']))
    out.range = raw['range'] as RangeKey;
  if (typeof raw['sort'] === 'string' && SORTS.some((s) => s.value === raw['sort']))
    out.sort = raw['sort'] as FlowSort;
  const clusters = strings(raw['clusters']);
  if (clusters.length > 0) out.clusters = clusters;
  for (const key of CHIP_KEYS) {
    const field = CHIP_FIELDS[key];
    const values = strings(raw[key]).filter((v) => validValue(field, v));
    if (key === 'reporter' && values.length > 1) values.splice(1);
    if (values.length > 0) out[key] = values;
  }
  return out;
}

function validValue(field: ChipField, v: string): boolean {
  if (field.kind === 'port') return /^\d{1,5}$/.test(v) && Number(v) <= 65535;
  if (field.kind === 'choice' && field.choices) return field.choices.includes(v);
  if (v.startsWith(FUZZY)) return field.fuzzy === true && v.length > 1;
  return true;
}

/** Why a typed value cannot be a chip of this field, or null when it can. */
export function chipValueError(key: ChipKey, value: string): string | null {
  const field = CHIP_FIELDS[key];
  const v = value.trim();
  if (v === '') return 'Enter a value.';
  if (field.kind === 'port') return validValue(field, v) ? null : 'A port is a number from 0 to 65535.';
  if (field.kind === 'choice' && field.choices && !field.choices.includes(v))
    return `One of ${field.choices.join(', ')}.`;
  if (v.startsWith(FUZZY) && !field.fuzzy) return 'This field matches exact values only.';
  return null;
}

export function isFuzzy(value: string): boolean {
  return value.startsWith(FUZZY);
}

/** The value as the chip shows it: `contains "x"` for fuzzy values. */
/** A chip's value as a reader sees it: a choice by its label, a substring match as such. */
export function chipText(key: ChipKey, value: string): string {
  if (isFuzzy(value)) return `contains “${value.slice(1)}”`;
  return CHIP_FIELDS[key].choiceLabel?.(value) ?? value;
}

function stringMatches(values: string[] | undefined): StringMatch[] | undefined {
  if (!values?.length) return undefined;
  return values.map((v) => (isFuzzy(v) ? { value: v.slice(1), type: 'FUZZY' } : { value: v, type: 'EXACT' }));
}

/** Every combination of the policy parts set in the URL: AND across parts, OR within a part. */
function policyMatches(s: FlowSearch): PolicyMatch[] | undefined {
  const parts: [keyof PolicyMatch, string[] | undefined][] = [
    ['name', s.policy],
    ['namespace', s.policyNs],
    ['tier', s.tier],
    ['kind', s.kind],
  ];
  let out: PolicyMatch[] = [{}];
  let any = false;
  for (const [part, values] of parts) {
    if (!values?.length) continue;
    any = true;
    out = out.flatMap((m) =>
      values.map((v) => ({ ...m, [part]: part === 'kind' ? (v as FlowPolicyKind) : v })),
    );
  }
  return any ? out : undefined;
}

/** The time window of a range, ending now. */
export function timeRangeOf(range: RangeKey, now: number): { from: string } | undefined {
  return range === 'all' ? undefined : { from: new Date(now - RANGE_MS[range]).toISOString() };
}

/** The API filter of a URL state; `now` anchors the relative time range (omit for live events). */
export function toFlowFilter(s: FlowSearch, now?: number): FlowFilter {
  const f: FlowFilter = {};
  if (s.clusters?.length) f.clusters = s.clusters;
  const set = <K extends keyof FlowFilter>(k: K, v: FlowFilter[K] | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set('sourceNamespaces', stringMatches(s.srcNs));
  set('sourceNames', stringMatches(s.srcName));
  set('destNamespaces', stringMatches(s.dstNs));
  set('destNames', stringMatches(s.dstName));
  set('protocols', stringMatches(s.proto));
  if (s.port?.length) f.destPorts = s.port.map(Number);
  if (s.action?.length) f.actions = s.action as FlowAction[];
  if (s.pending?.length) f.pendingActions = s.pending as PolicyAction[];
  set('policies', policyMatches(s));
  if (s.reporter?.[0]) f.reporter = s.reporter[0] as FlowReporter;
  if (now !== undefined) set('timeRange', timeRangeOf(s.range ?? DEFAULT_RANGE, now));
  return f;
}

/** The search with one chip value added (no duplicates; the reporter has one value). */
export function withChip(s: FlowSearch, key: ChipKey, value: string): FlowSearch {
  const v = value.trim();
  const current = key === 'reporter' ? [] : (s[key] ?? []);
  return { ...s, [key]: current.includes(v) ? current : [...current, v] };
}

export function withoutChip(s: FlowSearch, key: ChipKey, value: string): FlowSearch {
  const rest = (s[key] ?? []).filter((x) => x !== value);
  const next: FlowSearch = { ...s };
  if (rest.length > 0) next[key] = rest;
  else delete next[key];
  return next;
}

/** The chips of a search, in field order. */
export function chipsOf(s: FlowSearch): { key: ChipKey; value: string }[] {
  return CHIP_KEYS.flatMap((key) => (s[key] ?? []).map((value) => ({ key, value })));
}
