// Kubernetes manifests as CI sees them, with no API server: YAML files split into documents, each
// validated against the OpenAPI schema of its apiVersion and kind from `kubernetes-models` (the
// Kubernetes API's own schemas, compiled to JSON Schema). Kinds of add-ons (the AWS Load Balancer
// Controller's TargetGroupBinding, kustomize's Kustomization) have no schema there; validate()
// reports them as such rather than passing them silently.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [field: string]: unknown;
}

export type Validation =
  | { readonly ok: true }
  | { readonly ok: false; readonly errors: readonly string[] }
  | { readonly ok: 'no-schema' };

/** Every document of a YAML text; a YAML error throws with the file and position. */
export function parseManifests(file: string, text: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null) continue;
    out.push({ ...(value as object), file } as Manifest);
  }
  return out;
}

/** The manifests of every .yaml file under `dir`, with paths relative to `base`. */
export function loadManifests(dir: string, base = dir): Manifest[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .flatMap((path) => parseManifests(relative(base, path), readFileSync(path, 'utf8')));
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** `kubernetes-models/<group>/<version>` (the core group is `kubernetes-models/<version>`). */
async function modelClass(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  try {
    const module = (await import(path)) as Record<string, unknown>;
    const cls = module[kind];
    return typeof cls === 'function' ? (cls as ModelClass) : undefined;
  } catch {
    return undefined;
  }
}

export async function validate(manifest: Manifest): Promise<Validation> {
  const { file: _file, ...object } = manifest;
  const Model = await modelClass(manifest.apiVersion, manifest.kind);
  if (!Model) return { ok: 'no-schema' };
  try {
    new Model(object).validate();
    return { ok: true };
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    return {
      ok: false,
      errors: errors?.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()) ?? [String(err)],
    };
  }
}
