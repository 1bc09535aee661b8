// Deterministic JSON for diffs and content hashes. `canonicalJson` keeps the canonical resource key
// order (readable diffs); `stableStringify` sorts every object's keys (order-independent hashing of
// any JSON value).

import { compareBytes } from '../selector/index.js';
import type { PolicyResource } from '../resources/types.js';
import { canonicalResource } from './canonical-resource.js';

export function canonicalJson(resource: PolicyResource, indent?: number): string {
  return JSON.stringify(canonicalResource(resource), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareBytes)) {
    const v = sortKeys((value as Record<string, unknown>)[key]);
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** JSON with object keys sorted by UTF-8 byte order at every depth; `undefined` members are dropped. */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent) ?? 'null';
}
