// The canonical in-memory form of a resource: defaults explicit (by re-running validation), keys in
// a fixed order (apiVersion, kind, metadata{name, namespace, labels, annotations}, spec in its
// declared field order) and label/annotation maps sorted by key. Serialisers build on this so that
// equal resources always print identically.

import { compareBytes } from '../selector/index.js';
import { validateResource } from '../resources/index.js';
import type { PolicyResource } from '../resources/types.js';

type Json = Record<string, unknown>;

const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA_ORDER = ['name', 'namespace', 'labels', 'annotations'];

function sortedMap(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(map).sort(compareBytes)) {
    Object.defineProperty(out, key, {
      value: map[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function ordered(source: Json, order: readonly string[]): Json {
  const out: Json = {};
  const keys = [
    ...order.filter((k) => Object.hasOwn(source, k)),
    ...Object.keys(source).filter((k) => !order.includes(k)),
  ];
  for (const key of keys) {
    Object.defineProperty(out, key, {
      value: source[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function sortMetadataMaps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortMetadataMaps);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const isStringMap =
      (key === 'labels' || key === 'annotations' || key === 'matchLabels') &&
      typeof v === 'object' &&
      v !== null;
    const next = isStringMap ? sortedMap(v as Record<string, string>) : sortMetadataMaps(v);
    Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Returns the canonical form of `resource`. A resource that fails validation is only reordered and
 * sorted, never dropped, so a serialiser can still show it.
 */
export function canonicalResource(resource: PolicyResource): PolicyResource {
  const normalised = validateResource(resource).resource ?? resource;
  const top = ordered(sortMetadataMaps(normalised) as Json, TOP_LEVEL_ORDER);
  if (typeof top.metadata === 'object' && top.metadata !== null)
    top.metadata = ordered(top.metadata as Json, METADATA_ORDER);
  return top as unknown as PolicyResource;
}
