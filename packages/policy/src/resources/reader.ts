// Typed, error-reporting access to untrusted input. Each reader reports at most one issue for the
// field it reads and returns `undefined` when the value is absent or unusable; JSON/YAML `null`
// counts as absent, as it does for the Kubernetes API.

import type { IssueSink, Path } from './issues.js';

export type RawObject = Readonly<Record<string, unknown>>;

export function isPlainObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

export class Reader {
  constructor(readonly sink: IssueSink) {}

  fail(path: Path, message: string): undefined {
    this.sink.report(path, message);
    return undefined;
  }

  object(
    value: unknown,
    path: Path,
    allowed: readonly string[],
    hints: Readonly<Record<string, string>> = {},
  ): RawObject | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) return this.fail(path, `must be an object, not ${describeType(value)}`);
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const hint = Object.hasOwn(hints, key) ? hints[key] : undefined;
      this.sink.report([...path, key], hint ?? `unknown field "${key}"`);
    }
    return value;
  }

  string(value: unknown, path: Path): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return this.fail(path, `must be a string, not ${describeType(value)}`);
    return value;
  }

  requiredString(value: unknown, path: Path, what: string): string | undefined {
    if (value === undefined || value === null || value === '') return this.fail(path, `${what} is required`);
    return this.string(value, path);
  }

  boolean(value: unknown, path: Path): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean')
      return this.fail(path, `must be true or false, not ${describeType(value)}`);
    return value;
  }

  number(value: unknown, path: Path): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return this.fail(path, `must be a finite number, not ${describeType(value)}`);
    }
    return value;
  }

  integer(value: unknown, path: Path, min: number, max: number): number | undefined {
    const n = this.number(value, path);
    if (n === undefined) return undefined;
    if (!Number.isInteger(n) || n < min || n > max) {
      return this.fail(path, `must be a whole number from ${min} to ${max}`);
    }
    return n;
  }

  oneOf<T extends string>(value: unknown, path: Path, choices: readonly T[]): T | undefined {
    const s = this.string(value, path);
    if (s === undefined) return undefined;
    if (!(choices as readonly string[]).includes(s)) {
      return this.fail(path, `must be one of ${choices.join(', ')} (case-sensitive), not "${s}"`);
    }
    return s as T;
  }

  /** Reads a list, validating each item; items that fail are dropped from the result. */
  list<T>(
    value: unknown,
    path: Path,
    max: number,
    item: (v: unknown, p: Path) => T | undefined,
  ): T[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) return this.fail(path, `must be a list, not ${describeType(value)}`);
    if (value.length > max) this.fail(path, `must have at most ${max} entries (has ${value.length})`);
    const out: T[] = [];
    value.forEach((v: unknown, i) => {
      const parsed = item(v, [...path, i]);
      if (parsed !== undefined) out.push(parsed);
    });
    return out;
  }

  stringList(
    value: unknown,
    path: Path,
    max: number,
    check?: (s: string, p: Path) => void,
  ): string[] | undefined {
    return this.list(value, path, max, (v, p) => {
      const s = this.string(v, p);
      if (s !== undefined) check?.(s, p);
      return s;
    });
  }

  stringMap(value: unknown, path: Path): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) return this.fail(path, `must be a map of strings, not ${describeType(value)}`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = this.string(v, [...path, k]);
      if (s !== undefined)
        Object.defineProperty(out, k, { value: s, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  uniqueStrings(values: readonly string[] | undefined, path: Path, what: string): void {
    const seen = new Set<string>();
    values?.forEach((v, i) => {
      if (seen.has(v)) this.fail([...path, i], `${what} "${v}" is listed more than once`);
      seen.add(v);
    });
  }
}

/** Copies only defined values, keeping insertion order (exactOptionalPropertyTypes-friendly). */
export function compact<T extends object>(fields: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as T;
}
