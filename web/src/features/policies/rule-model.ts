// The form view's rule builder, over the YAML document like the rest of the form (policy-form-
// model.ts): every field of a Calico rule (Rule and EntityRule in @palisade/policy) has a
// descriptor — where it lives in the rule, how it is typed and read back — and each edit writes
// that one path into the document, so comments and untouched fields survive. Clearing a field
// removes it, and a map it leaves empty (source: {}, icmp: {}) goes too.
import { isMap, isSeq, parseAllDocuments, parseDocument, type Document } from 'yaml';

export type RuleDirection = 'ingress' | 'egress';

export type FieldKind =
  /** Free text (selectors, names). */
  | 'text'
  /** A comma-separated list of strings (nets, service account names, HTTP methods). */
  | 'list'
  /** A comma-separated list of ports: numbers, "from:to" ranges or named ports. */
  | 'ports'
  /** A number (ICMP type and code). */
  | 'number'
  /** One of `options`; '' removes the field. A numeric choice is written as a number. */
  | 'choice'
  /** HTTP paths, one a line: "exact /x" or "prefix /y". */
  | 'paths'
  /** key=value pairs, comma-separated (rule annotations). */
  | 'pairs';

export interface RuleField {
  path: readonly string[];
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  hint?: string;
  /** Group heading in the builder. */
  group: 'Match' | 'ICMP' | 'Source' | 'Destination' | 'HTTP' | 'Metadata';
}

export const ACTIONS = ['Allow', 'Deny', 'Pass', 'Log'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite'] as const;

function entityFields(side: 'source' | 'destination', group: 'Source' | 'Destination'): RuleField[] {
  return [
    { path: [side, 'selector'], label: 'Selector', kind: 'text', group, hint: 'Endpoint labels' },
    { path: [side, 'notSelector'], label: 'Not selector', kind: 'text', group },
    {
      path: [side, 'namespaceSelector'],
      label: 'Namespace selector',
      kind: 'text',
      group,
      hint: 'Namespace labels; global() for non-namespaced',
    },
    { path: [side, 'nets'], label: 'Nets', kind: 'list', group, hint: 'CIDRs, comma-separated' },
    { path: [side, 'notNets'], label: 'Not nets', kind: 'list', group },
    { path: [side, 'ports'], label: 'Ports', kind: 'ports', group, hint: '80, 8000:8080, http' },
    { path: [side, 'notPorts'], label: 'Not ports', kind: 'ports', group },
    { path: [side, 'serviceAccounts', 'names'], label: 'Service account names', kind: 'list', group },
    { path: [side, 'serviceAccounts', 'selector'], label: 'Service account selector', kind: 'text', group },
    { path: [side, 'services', 'name'], label: 'Service name', kind: 'text', group },
    { path: [side, 'services', 'namespace'], label: 'Service namespace', kind: 'text', group },
  ];
}

/** Every field of a Calico rule, in the builder's order. */
export const RULE_FIELDS: readonly RuleField[] = [
  { path: ['protocol'], label: 'Protocol', kind: 'choice', options: PROTOCOLS, group: 'Match' },
  { path: ['notProtocol'], label: 'Not protocol', kind: 'choice', options: PROTOCOLS, group: 'Match' },
  { path: ['ipVersion'], label: 'IP version', kind: 'choice', options: ['4', '6'], group: 'Match' },
  { path: ['icmp', 'type'], label: 'ICMP type', kind: 'number', group: 'ICMP' },
  { path: ['icmp', 'code'], label: 'ICMP code', kind: 'number', group: 'ICMP' },
  { path: ['notICMP', 'type'], label: 'Not ICMP type', kind: 'number', group: 'ICMP' },
  { path: ['notICMP', 'code'], label: 'Not ICMP code', kind: 'number', group: 'ICMP' },
  ...entityFields('source', 'Source'),
  ...entityFields('destination', 'Destination'),
  { path: ['http', 'methods'], label: 'HTTP methods', kind: 'list', group: 'HTTP', hint: 'GET, POST' },
  {
    path: ['http', 'paths'],
    label: 'HTTP paths',
    kind: 'paths',
    group: 'HTTP',
    hint: 'One a line: exact /health or prefix /api/',
  },
  {
    path: ['metadata', 'annotations'],
    label: 'Annotations',
    kind: 'pairs',
    group: 'Metadata',
    hint: 'key=value, comma-separated',
  },
];

function single(text: string): Document | null {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1) return null;
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isMap(doc.contents) ? doc : null;
}

/** The rules of one direction as plain data, or null when the text is not one YAML mapping. */
export function readRules(text: string, dir: RuleDirection): Record<string, unknown>[] | null {
  const doc = single(text);
  if (!doc) return null;
  const seq = doc.getIn(['spec', dir], true);
  if (!isSeq(seq)) return [];
  const items: unknown[] = seq.toJSON();
  return items.map((r) =>
    typeof r === 'object' && r !== null && !Array.isArray(r) ? (r as Record<string, unknown>) : {},
  );
}

/** A scalar as text; objects and arrays (not expected where this is used) as JSON. */
function scalar(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function at(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** A field's value as the builder's input shows it. */
export function fieldText(rule: Record<string, unknown>, f: RuleField): string {
  const v = at(rule, f.path);
  if (v === undefined || v === null) return '';
  switch (f.kind) {
    case 'list':
    case 'ports':
      return Array.isArray(v) ? v.map(scalar).join(', ') : scalar(v);
    case 'paths':
      return Array.isArray(v)
        ? v
            .map((p: unknown) => {
              const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
              return typeof o['exact'] === 'string'
                ? `exact ${o['exact']}`
                : typeof o['prefix'] === 'string'
                  ? `prefix ${o['prefix']}`
                  : '';
            })
            .filter(Boolean)
            .join('\n')
        : '';
    case 'pairs':
      return typeof v === 'object'
        ? Object.entries(v as Record<string, unknown>)
            .map(([k, x]) => `${k}=${scalar(x)}`)
            .join(', ')
        : '';
    default:
      return scalar(v);
  }
}

const splitList = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The typed value a field's input means; undefined clears the field. */
export function fieldValue(f: RuleField, raw: string): unknown {
  if (raw.trim() === '') return undefined;
  switch (f.kind) {
    case 'list':
      return splitList(raw);
    case 'ports':
      return splitList(raw).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    case 'number':
      return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw.trim();
    case 'choice':
      return /^\d+$/.test(raw) ? Number(raw) : raw;
    case 'paths':
      return raw
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => {
          const m = /^(exact|prefix)\s+(\S+)$/.exec(l);
          return m ? { [m[1]!]: m[2]! } : { exact: l };
        });
    case 'pairs':
      return Object.fromEntries(
        splitList(raw).map((p) => {
          const i = p.indexOf('=');
          return i < 0 ? [p, ''] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
        }),
      );
    default:
      return raw;
  }
}

/** Removes the map at `path` and its ancestors up to (not including) `stop` while they are empty. */
function pruneEmpty(doc: Document, path: (string | number)[], stop: number): void {
  for (let n = path.length; n > stop; n--) {
    const p = path.slice(0, n);
    const node = doc.getIn(p, true);
    if (isMap(node) && node.items.length === 0) doc.deleteIn(p);
    else return;
  }
}

/** The text with one field of rule `index` of `dir` set (or cleared); unchanged if unreadable. */
export function writeRuleField(
  text: string,
  dir: RuleDirection,
  index: number,
  f: RuleField | { path: readonly string[]; kind: 'text' },
  raw: string,
): string {
  const doc = single(text);
  if (!doc || !isSeq(doc.getIn(['spec', dir], true))) return text;
  const base = ['spec', dir, index];
  const path = [...base, ...f.path];
  const value = fieldValue(f as RuleField, raw);
  if (value === undefined) {
    if (doc.hasIn(path)) doc.deleteIn(path);
    pruneEmpty(doc, path.slice(0, -1), base.length);
  } else {
    doc.setIn(path, doc.createNode(value));
  }
  return doc.toString();
}

/** The text with a new rule appended to `dir` (the direction's policy type added if missing). */
export function addRule(
  text: string,
  dir: RuleDirection,
  action: (typeof ACTIONS)[number] = 'Allow',
): string {
  const doc = single(text);
  if (!doc) return text;
  const seq = doc.getIn(['spec', dir], true);
  if (isSeq(seq)) seq.add(doc.createNode({ action }));
  else doc.setIn(['spec', dir], doc.createNode([{ action }]));
  const type = dir === 'ingress' ? 'Ingress' : 'Egress';
  const types = doc.getIn(['spec', 'types'], true);
  if (isSeq(types)) {
    const present: unknown[] = types.toJSON();
    if (!present.includes(type)) types.add(type);
  } else doc.setIn(['spec', 'types'], doc.createNode([type]));
  return doc.toString();
}

export function removeRule(text: string, dir: RuleDirection, index: number): string {
  const doc = single(text);
  if (!doc) return text;
  const seq = doc.getIn(['spec', dir], true);
  if (!isSeq(seq)) return text;
  seq.delete(index);
  if (seq.items.length === 0) doc.deleteIn(['spec', dir]);
  return doc.toString();
}

/** Moves rule `from` to `to` (rules are evaluated in order, first match wins). */
export function moveRule(text: string, dir: RuleDirection, from: number, to: number): string {
  const doc = single(text);
  if (!doc) return text;
  const seq = doc.getIn(['spec', dir], true);
  if (!isSeq(seq) || to < 0 || to >= seq.items.length) return text;
  const [item] = seq.items.splice(from, 1);
  seq.items.splice(to, 0, item);
  return doc.toString();
}

/** How a rule reads in one line, for its header in the builder. */
export function ruleSummary(rule: Record<string, unknown>): string {
  const parts = [scalar(rule['action']) || '(no action)'];
  if (rule['protocol'] !== undefined) parts.push(scalar(rule['protocol']));
  const side = (name: 'source' | 'destination', word: string) => {
    const e = rule[name];
    if (typeof e !== 'object' || e === null) return;
    const o = e as Record<string, unknown>;
    const bits = [
      scalar(o['selector']),
      o['namespaceSelector'] ? `ns ${scalar(o['namespaceSelector'])}` : '',
      Array.isArray(o['nets']) ? o['nets'].join(',') : '',
      Array.isArray(o['ports']) ? `port ${o['ports'].join(',')}` : '',
    ].filter(Boolean);
    if (bits.length) parts.push(`${word} ${bits.join(' ')}`);
  };
  side('source', 'from');
  side('destination', 'to');
  return parts.join(' ');
}
