// Server-side apply as the Kubernetes API server documents it, for the test API server
// (fake-kube-api.ts), over the fields the agent manages: each field of an object is owned by the
// field managers that set it; an apply sets the fields of its configuration, removes the fields its
// manager set before and no longer sets (unless another manager also owns them), keeps everyone
// else's, and fails with a 409 Conflict naming the fields when it would change a value another
// manager owns — unless forced, which takes the ownership over. Maps merge key by key; lists are
// atomic (the schemas of NetworkPolicy and of Calico's kinds declare their rule lists atomic).
// Not modelled: defaulting, list-type=map/set merges, Update operations' ownership.
import { isDeepStrictEqual } from 'node:util';

type Json = unknown;
type Path = readonly string[];

/** Identity and server-owned fields: never owned by a manager, never removed by an apply. */
const UNOWNED = new Set(['["apiVersion"]', '["kind"]', '["metadata","name"]', '["metadata","namespace"]']);
const SERVER_FIELDS = new Set(['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp']);

const key = (path: Path) => JSON.stringify(path);

/** Leaf fields of an object: scalars and lists (atomic), with their paths. */
export function fieldsOf(object: Json, path: Path = []): Map<string, Json> {
  const out = new Map<string, Json>();
  if (object !== null && typeof object === 'object' && !Array.isArray(object)) {
    for (const [k, v] of Object.entries(object as Record<string, Json>)) {
      if (path.length === 1 && path[0] === 'metadata' && SERVER_FIELDS.has(k)) continue;
      const child = [...path, k];
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0)
        for (const [p, leaf] of fieldsOf(v, child)) out.set(p, leaf);
      else out.set(key(child), v);
    }
  }
  return out;
}

function build(fields: ReadonlyMap<string, Json>): Record<string, Json> {
  const root: Record<string, Json> = {};
  for (const [p, value] of fields) {
    const path = JSON.parse(p) as string[];
    let node = root;
    for (const k of path.slice(0, -1)) node = (node[k] ??= {}) as Record<string, Json>;
    node[path.at(-1)!] = value;
  }
  return root;
}

/** managedFields entries in the API's shape (FieldsV1: nested `f:<name>` keys). */
function managedFields(owners: ReadonlyMap<string, ReadonlySet<string>>, apiVersion: string): Json[] {
  return [...owners].map(([manager, paths]) => {
    const fieldsV1: Record<string, Json> = {};
    for (const p of paths) {
      let node = fieldsV1;
      for (const k of JSON.parse(p) as string[]) node = (node[`f:${k}`] ??= {}) as Record<string, Json>;
    }
    return { manager, operation: 'Apply', apiVersion, fieldsType: 'FieldsV1', fieldsV1 };
  });
}

export interface ApplyConflict {
  readonly manager: string;
  readonly field: string;
}

export type ApplyResult =
  | { readonly ok: true; readonly object: Record<string, Json>; readonly owners: Map<string, Set<string>> }
  | { readonly ok: false; readonly conflicts: readonly ApplyConflict[] };

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
): ApplyResult {
  const current = fieldsOf(existing ?? {});
  const applied = fieldsOf(config);
  const conflicts: ApplyConflict[] = [];
  const next = new Map([...owners].map(([m, paths]) => [m, new Set(paths)]));
  for (const [p, value] of applied) {
    if (UNOWNED.has(p)) continue;
    for (const [other, paths] of next) {
      if (other === manager || !paths.has(p) || isDeepStrictEqual(current.get(p), value)) continue;
      if (force) paths.delete(p);
      else conflicts.push({ manager: other, field: `.${(JSON.parse(p) as string[]).join('.')}` });
    }
  }
  if (conflicts.length > 0) return { ok: false, conflicts };

  const mine = new Set([...applied.keys()].filter((p) => !UNOWNED.has(p)));
  const fields = new Map(current);
  for (const p of next.get(manager) ?? []) {
    const sharedElsewhere = [...next].some(([m, paths]) => m !== manager && paths.has(p));
    if (!mine.has(p) && !sharedElsewhere) fields.delete(p);
  }
  for (const [p, value] of applied) fields.set(p, value);
  next.set(manager, mine);
  for (const [m, paths] of next) if (paths.size === 0) next.delete(m);

  const object = build(fields);
  const metadata = (object['metadata'] ??= {}) as Record<string, Json>;
  metadata['managedFields'] = managedFields(next, String(object['apiVersion']));
  return { ok: true, object, owners: next };
}
