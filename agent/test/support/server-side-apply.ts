// Field management as the Kubernetes API server documents it (Server-Side Apply), for the test API
// server (fake-kube-api.ts), over the fields the agent manages.
// - Every field of an object is owned by field managers, each entry a (manager, operation) pair:
//   `Apply` (PATCH with application/apply-patch+yaml) or `Update` (every other write: POST, PUT,
//   non-apply PATCH). Ownership is stored in metadata.managedFields in the FieldsV1 shape
//   (`f:<field>`, `k:{<keys>}` for an element of a map-list, `v:<value>` for an element of a set).
// - An Apply sets the fields of its configuration and owns them; a field it owned before and no
//   longer applies is removed unless another manager owns it too; everyone else's fields stay (maps
//   merge key by key). Applying a different value to a field another manager owns is a conflict:
//   the request fails with 409 naming each field and manager, unless forced, which moves the
//   ownership to the applier. Applying the same value as another manager shares the ownership.
// - An Update never conflicts: the fields whose values it changed (or added) become the updater's
//   and leave every other manager; fields it removed leave every manager.
// - Lists follow their schema's list type: atomic (one owner replaces the whole list, the default
//   for a list without a declared type, which is what NetworkPolicy's and Calico's rule lists
//   declare or get), set (scalar elements owned one by one) or map (elements identified by their
//   key fields, each element's fields owned separately). The lists with a declared type here are
//   ObjectMeta's: `finalizers` (set) and `ownerReferences` (map keyed by `uid`).
// Not modelled: defaulting (an unset field is absent, never given a default), `x-kubernetes-map-type:
// atomic` maps, version conversion of managedFields, and the migration of client-side apply.
import { isDeepStrictEqual } from 'node:util';

type Json = unknown;
/** A field path of FieldsV1 segments: `f:<name>`, `k:<json keys>`, `v:<json value>`. */
type Path = readonly string[];

export type ListType =
  | { readonly type: 'atomic' }
  | { readonly type: 'set' }
  | { readonly type: 'map'; readonly keys: readonly string[] };

/** Declared list types by field path (field names only, `[]` for a list's elements). */
export const LIST_TYPES: ReadonlyMap<string, ListType> = new Map<string, ListType>([
  ['metadata.finalizers', { type: 'set' }],
  ['metadata.ownerReferences', { type: 'map', keys: ['uid'] }],
]);

/** Identity fields: never owned by a manager and never removed by an apply. */
const UNOWNED = new Set([
  key(['f:apiVersion']),
  key(['f:kind']),
  key(['f:metadata', 'f:name']),
  key(['f:metadata', 'f:namespace']),
]);
/** Fields the server sets; not part of any manager's fields. */
const SERVER_FIELDS = new Set([
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'selfLink',
]);

function key(path: Path): string {
  return JSON.stringify(path);
}

const isMap = (v: Json): v is Record<string, Json> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The schema path of a field path: its field names, `[]` for a list element. */
function schemaPath(path: Path): string {
  return path.map((s) => (s.startsWith('f:') ? s.slice(2) : '[]')).join('.');
}

/** Leaf fields of an object with their values, by field path, in document order. */
export function fieldsOf(object: Json, path: Path = []): Map<string, Json> {
  const out = new Map<string, Json>();
  if (!isMap(object)) return out;
  for (const [name, value] of Object.entries(object)) {
    if (path.length === 1 && path[0] === 'f:metadata' && SERVER_FIELDS.has(name)) continue;
    const child = [...path, `f:${name}`];
    if (isMap(value) && Object.keys(value).length > 0) {
      for (const [p, leaf] of fieldsOf(value, child)) out.set(p, leaf);
      continue;
    }
    const list = Array.isArray(value) ? (LIST_TYPES.get(schemaPath(child)) ?? { type: 'atomic' }) : undefined;
    if (list?.type === 'set') {
      for (const element of value as Json[])
        out.set(key([...child, `v:${JSON.stringify(element)}`]), element);
    } else if (list?.type === 'map') {
      for (const element of value as Json[]) {
        const record = isMap(element) ? element : {};
        const id = Object.fromEntries(list.keys.map((k) => [k, record[k]]));
        for (const [p, leaf] of fieldsOf(record, [...child, `k:${JSON.stringify(id)}`])) out.set(p, leaf);
      }
    } else {
      out.set(key(child), value);
    }
  }
  return out;
}

/** The object made of these leaf fields (list elements in the order their fields come). */
export function build(fields: ReadonlyMap<string, Json>): Record<string, Json> {
  const root: Record<string, Json> = {};
  for (const [p, value] of fields) {
    const path = JSON.parse(p) as string[];
    let node: Json = root;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      const next = path[i + 1];
      if (segment.startsWith('f:')) {
        const record = node as Record<string, Json>;
        const name = segment.slice(2);
        if (last) record[name] = value;
        else record[name] ??= next!.startsWith('f:') ? {} : [];
        node = record[name];
      } else if (segment.startsWith('v:')) {
        const list = node as Json[];
        if (!list.some((e) => isDeepStrictEqual(e, value))) list.push(value);
      } else {
        const list = node as Record<string, Json>[];
        const id = JSON.parse(segment.slice(2)) as Record<string, Json>;
        let element = list.find((e) => Object.entries(id).every(([k, v]) => isDeepStrictEqual(e[k], v)));
        if (element === undefined) list.push((element = { ...id }));
        node = element;
      }
    }
  }
  return root;
}

export type Operation = 'Apply' | 'Update';

/** Who owns what: (manager, operation) → field paths. */
export type Ownership = Map<string, Set<string>>;

const entryKey = (manager: string, operation: Operation) => JSON.stringify([manager, operation]);
const entryOf = (k: string) => JSON.parse(k) as [string, Operation];

/** metadata.managedFields in the API's shape (FieldsV1: nested segment keys, `.` for a list element). */
function managedFields(owners: Ownership, apiVersion: string, time: string): Json[] {
  return [...owners].map(([entry, paths]) => {
    const [manager, operation] = entryOf(entry);
    const fieldsV1: Record<string, Json> = {};
    for (const p of paths) {
      let node = fieldsV1;
      for (const segment of JSON.parse(p) as string[]) {
        node = (node[segment] ??= {}) as Record<string, Json>;
        if (!segment.startsWith('f:')) node['.'] = {};
      }
    }
    return { manager, operation, apiVersion, time, fieldsType: 'FieldsV1', fieldsV1 };
  });
}

/** A field path as kubectl prints it in a conflict: `.spec.podSelector`, `.metadata.finalizers[v:"x"]`. */
export function fieldName(p: string): string {
  return (JSON.parse(p) as string[]).map((s) => (s.startsWith('f:') ? `.${s.slice(2)}` : `[${s}]`)).join('');
}

export interface ApplyConflict {
  readonly manager: string;
  readonly field: string;
}

export type WriteResult =
  | { readonly ok: true; readonly object: Record<string, Json>; readonly owners: Ownership }
  | { readonly ok: false; readonly conflicts: readonly ApplyConflict[] };

function finish(fields: Map<string, Json>, owners: Ownership, identity: Json): Record<string, Json> {
  for (const [entry, paths] of owners) if (paths.size === 0) owners.delete(entry);
  const object = build(fields);
  const id = isMap(identity) ? identity : {};
  const metadata = (object['metadata'] ??= {}) as Record<string, Json>;
  const idMeta = isMap(id['metadata']) ? id['metadata'] : {};
  for (const k of ['name', 'namespace'] as const) if (idMeta[k] !== undefined) metadata[k] = idMeta[k];
  if (id['apiVersion'] !== undefined) object['apiVersion'] = id['apiVersion'];
  if (id['kind'] !== undefined) object['kind'] = id['kind'];
  metadata['managedFields'] = managedFields(owners, String(object['apiVersion']), new Date().toISOString());
  return object;
}

const copy = (owners: ReadonlyMap<string, ReadonlySet<string>>): Ownership =>
  new Map([...owners].map(([m, paths]) => [m, new Set(paths)]));

/**
 * Applies `config` as `manager` to `existing` (undefined: a create), given who owns which field now.
 * Returns the new object (with managedFields) and ownership, or the conflicts.
 */
export function serverSideApply(
  existing: Json,
  owners: ReadonlyMap<string, ReadonlySet<string>>,
  config: Json,
  manager: string,
  force: boolean,
): WriteResult {
  const me = entryKey(manager, 'Apply');
  const current = fieldsOf(existing ?? {});
  const applied = fieldsOf(config);
  const conflicts: ApplyConflict[] = [];
  const next = copy(owners);
  for (const [p, value] of applied) {
    if (UNOWNED.has(p)) continue;
    for (const [other, paths] of next) {
      if (other === me || !paths.has(p) || isDeepStrictEqual(current.get(p), value)) continue;
      if (force) paths.delete(p);
      else conflicts.push({ manager: entryOf(other)[0], field: fieldName(p) });
    }
  }
  if (conflicts.length > 0) return { ok: false, conflicts };

  const mine = new Set([...applied.keys()].filter((p) => !UNOWNED.has(p)));
  const fields = new Map(current);
  for (const p of next.get(me) ?? []) {
    const ownedElsewhere = [...next].some(([entry, paths]) => entry !== me && paths.has(p));
    if (!mine.has(p) && !ownedElsewhere) fields.delete(p);
  }
  for (const [p, value] of applied) fields.set(p, value);
  next.set(me, mine);
  return { ok: true, object: finish(fields, next, existing ?? config), owners: next };
}

/**
 * An Update (POST, PUT or a non-apply PATCH) by `manager` that leaves the object as `updated`:
 * never a conflict; the changed and added fields become the manager's, removed fields nobody's.
 */
export function recordUpdate(
  existing: Json,
  owners: ReadonlyMap<string, ReadonlySet<string>>,
  updated: Json,
  manager: string,
): { readonly object: Record<string, Json>; readonly owners: Ownership } {
  const me = entryKey(manager, 'Update');
  const before = fieldsOf(existing ?? {});
  const after = fieldsOf(updated);
  const next = copy(owners);
  for (const [p, value] of after) {
    if (UNOWNED.has(p) || (before.has(p) && isDeepStrictEqual(before.get(p), value))) continue;
    for (const [entry, paths] of next) if (entry !== me) paths.delete(p);
    next.set(me, (next.get(me) ?? new Set()).add(p));
  }
  for (const p of before.keys()) if (!after.has(p)) for (const paths of next.values()) paths.delete(p);
  return { object: finish(after, next, updated), owners: next };
}
