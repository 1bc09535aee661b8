// Strict readers for scenario documents: each throws a ScenarioError naming the bad field, so the
// command can exit 2 with a message a person can act on.

import { ScenarioError } from './scenario.js';

export type Obj = Readonly<Record<string, unknown>>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object(v: unknown, path: string, allowed: readonly string[]): Obj {
  if (!isObject(v)) throw new ScenarioError(path, 'must be a mapping');
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key))
      throw new ScenarioError(path === '' ? key : `${path}.${key}`, 'unknown field');
  }
  return v;
}

export function list(v: unknown, path: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ScenarioError(path, 'must be a list');
  return v;
}

export function string(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw new ScenarioError(path, 'must be a non-empty string');
  return v;
}

export function optionalString(v: unknown, path: string): string | undefined {
  return v === undefined || v === null ? undefined : string(v, path);
}

export function integer(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ScenarioError(path, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

export function optionalInteger(v: unknown, path: string, min: number, max: number): number | undefined {
  return v === undefined || v === null ? undefined : integer(v, path, min, max);
}

export function labels(v: unknown, path: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new ScenarioError(path, 'must be a mapping of label keys to strings');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') throw new ScenarioError(`${path}.${k}`, 'label values must be strings');
    out[k] = value;
  }
  return out;
}

export function stringList(v: unknown, path: string): string[] {
  return list(v, path).map((item, i) => string(item, `${path}[${i}]`));
}
