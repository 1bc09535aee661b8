// The editor's form view reads and writes the common fields of a policy straight in its YAML
// document (yaml's Document API), so comments, key order and every field the form does not show
// survive a form edit; the YAML stays the single source of truth.
import { CLUSTER_SELECTOR_ANNOTATION } from '@palisade/policy/managed';
import { isMap, isSeq, parseAllDocuments, parseDocument, type Document } from 'yaml';

export interface PolicyFormFields {
  kind: string;
  name: string;
  namespace: string;
  tier: string;
  order: string;
  selector: string;
  clusterSelector: string;
  /** GlobalNetworkPolicy: which namespaces' endpoints it applies to. */
  namespaceSelector: string;
  serviceAccountSelector: string;
  /** Staged kinds: Set (stage this policy) or Delete (stage its removal). */
  stagedAction: string;
  types: string[];
  /** GlobalNetworkPolicy flags. */
  doNotTrack: boolean;
  preDNAT: boolean;
  applyOnForward: boolean;
}

export type FlagField = 'doNotTrack' | 'preDNAT' | 'applyOnForward';

export type FormField = Exclude<keyof PolicyFormFields, 'kind' | FlagField>;

const PATHS: Record<FormField, readonly string[]> = {
  name: ['metadata', 'name'],
  namespace: ['metadata', 'namespace'],
  tier: ['spec', 'tier'],
  order: ['spec', 'order'],
  selector: ['spec', 'selector'],
  clusterSelector: ['metadata', 'annotations', CLUSTER_SELECTOR_ANNOTATION],
  namespaceSelector: ['spec', 'namespaceSelector'],
  serviceAccountSelector: ['spec', 'serviceAccountSelector'],
  stagedAction: ['spec', 'stagedAction'],
  types: ['spec', 'types'],
};

function single(text: string): Document | null {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1) return null;
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isMap(doc.contents) ? doc : null;
}

function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** The fields, or null when the text is not one well-formed YAML mapping. */
export function readFormFields(text: string): PolicyFormFields | null {
  const doc = single(text);
  if (!doc) return null;
  const types = doc.getIn(PATHS.types, true);
  const typeList = (isSeq(types) ? types.toJSON() : []).filter((t): t is string => typeof t === 'string');
  return {
    kind: str(doc.get('kind')),
    name: str(doc.getIn(PATHS.name)),
    namespace: str(doc.getIn(PATHS.namespace)),
    tier: str(doc.getIn(PATHS.tier)),
    order: str(doc.getIn(PATHS.order)),
    selector: str(doc.getIn(PATHS.selector)),
    clusterSelector: str(doc.getIn(PATHS.clusterSelector)),
    namespaceSelector: str(doc.getIn(PATHS.namespaceSelector)),
    serviceAccountSelector: str(doc.getIn(PATHS.serviceAccountSelector)),
    stagedAction: str(doc.getIn(PATHS.stagedAction)),
    types: typeList,
    doNotTrack: doc.getIn(['spec', 'doNotTrack']) === true,
    preDNAT: doc.getIn(['spec', 'preDNAT']) === true,
    applyOnForward: doc.getIn(['spec', 'applyOnForward']) === true,
  };
}

/** The text with one field set (an empty value removes optional fields). Unchanged if unreadable. */
export function writeFormField(text: string, field: FormField, value: string | string[]): string {
  const doc = single(text);
  if (!doc) return text;
  const path = PATHS[field];
  const empty = Array.isArray(value) ? value.length === 0 : value.trim() === '';
  if (empty && field !== 'name') {
    if (doc.hasIn(path)) doc.deleteIn(path);
    const annotations = doc.getIn(['metadata', 'annotations']);
    if (field === 'clusterSelector' && isMap(annotations) && annotations.items.length === 0)
      doc.deleteIn(['metadata', 'annotations']);
  } else if (field === 'order' && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    doc.setIn(path, Number(value));
  } else {
    doc.setIn(path, Array.isArray(value) ? doc.createNode(value) : value);
  }
  return doc.toString();
}

/** The text with a GlobalNetworkPolicy flag set (true) or removed (false, Calico's default). */
export function writeFlag(text: string, flag: FlagField, on: boolean): string {
  const doc = single(text);
  if (!doc) return text;
  if (on) doc.setIn(['spec', flag], true);
  else if (doc.hasIn(['spec', flag])) doc.deleteIn(['spec', flag]);
  return doc.toString();
}
