// ObjectMeta validation: name rules per kind, namespace scope, label and annotation syntax and the
// labels Calico reserves for itself. Read-only fields that exported objects carry (uid,
// resourceVersion, …) are accepted and dropped so that `kubectl get -o yaml` output can be applied.

import type { ObjectMeta } from './types.js';
import type { Path } from './issues.js';
import { compact, type Reader } from './reader.js';
import { checkLabelValue, checkName, checkQualifiedName, NAME_RULES, type NameRule } from './names.js';

export const NAMESPACE_LABEL = 'projectcalico.org/namespace';
export const TIER_LABEL = 'projectcalico.org/tier';
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const METADATA_FIELDS = ['name', 'namespace', 'labels', 'annotations'];
const READ_ONLY_METADATA_FIELDS = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'finalizers',
  'ownerReferences',
];

export interface MetadataRules {
  kind: string;
  namespaced: boolean;
  name: NameRule;
  forbiddenLabels?: readonly string[];
}

export interface MetadataOptions {
  defaultNamespace: string;
  extraFields: readonly string[];
}

function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

export function readMetadata(
  r: Reader,
  value: unknown,
  rules: MetadataRules,
  opts: MetadataOptions,
): ObjectMeta | undefined {
  const path: Path = ['metadata'];
  if (value === undefined || value === null)
    return r.fail(path, 'metadata is required (at least metadata.name)');
  const raw = r.object(value, path, [...METADATA_FIELDS, ...READ_ONLY_METADATA_FIELDS, ...opts.extraFields], {
    generateName: 'generateName is not supported: give the resource a metadata.name',
  });
  if (raw === undefined) return undefined;

  const name = r.requiredString(raw.name, [...path, 'name'], 'metadata.name');
  if (name !== undefined) {
    const problem = checkName(name, rules.name, `${rules.kind} name`);
    if (problem) r.fail([...path, 'name'], problem);
  }

  let namespace = r.string(raw.namespace, [...path, 'namespace']);
  if (namespace === '') namespace = undefined;
  if (rules.namespaced) {
    namespace ??= opts.defaultNamespace;
    const problem = checkName(namespace, NAME_RULES.namespace, 'namespace');
    if (problem) r.fail([...path, 'namespace'], problem);
  } else if (namespace !== undefined) {
    r.fail([...path, 'namespace'], `${rules.kind} is cluster-scoped and cannot have a namespace`);
    namespace = undefined;
  }

  const labels = r.stringMap(raw.labels, [...path, 'labels']);
  for (const [key, v] of Object.entries(labels ?? {})) {
    const problem = checkQualifiedName(key, 'label key') ?? checkLabelValue(v);
    if (problem) r.fail([...path, 'labels', key], problem);
    if (rules.forbiddenLabels?.includes(key)) {
      r.fail(
        [...path, 'labels', key],
        `the label "${key}" is reserved: Calico sets it itself on a ${rules.kind}`,
      );
    }
  }

  const annotations = r.stringMap(raw.annotations, [...path, 'annotations']);
  let size = 0;
  for (const [key, v] of Object.entries(annotations ?? {})) {
    const problem = checkQualifiedName(key, 'annotation key');
    if (problem) r.fail([...path, 'annotations', key], problem);
    size += utf8Length(key) + utf8Length(v);
  }
  if (size > MAX_ANNOTATIONS_BYTES)
    r.fail([...path, 'annotations'], `annotations may total at most 256 KiB (these are ${size} bytes)`);

  if (name === undefined) return undefined;
  return compact<ObjectMeta>({ name, namespace, labels, annotations });
}
