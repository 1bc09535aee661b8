// A small validator kit for untrusted, JSON-parsed input. Each validator checks one value and
// returns it, typed, without copying; on failure it throws a ValidationError, and every container
// on the way out prepends its key, so the error names the full path of the offending field.
// Objects are strict: a field that is missing or not in the shape is an error. Errors never quote
// the offending value: it may be a credential, and error details are logged and sent to the peer.

import type { ProtocolLimits } from './limits.js';
import type { JsonObject, JsonValue } from './messages.js';
import type { Format } from './formats.js';

export type Validator<T> = (value: unknown, limits: ProtocolLimits) => T;
export type Infer<V> = V extends Validator<infer T> ? T : never;

export type PathSegment = string | number;
/** `invalid`: the value breaks the message schema; `limit`: it is well-formed but too big. */
export type ValidationErrorKind = 'invalid' | 'limit';

export class ValidationError extends Error {
  readonly path: PathSegment[];

  constructor(
    readonly kind: ValidationErrorKind,
    readonly problem: string,
    path: PathSegment[] = [],
  ) {
    super(problem);
    this.name = 'ValidationError';
    this.path = path;
  }

  get detail(): string {
    return this.path.length === 0 ? this.problem : `${formatPath(this.path)}: ${this.problem}`;
  }
}

export function invalid(problem: string, ...path: PathSegment[]): never {
  throw new ValidationError('invalid', problem, path);
}

export function overLimit(problem: string, ...path: PathSegment[]): never {
  throw new ValidationError('limit', problem, path);
}

const MAX_KEY_IN_PATH = 64;
const IDENTIFIER_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${String(segment)}]`;
    else if (segment.length <= MAX_KEY_IN_PATH && IDENTIFIER_KEY.test(segment))
      out += out ? `.${segment}` : segment;
    else {
      const shown = segment.length > MAX_KEY_IN_PATH ? `${segment.slice(0, MAX_KEY_IN_PATH)}…` : segment;
      out += `[${JSON.stringify(shown)}]`;
    }
  }
  return out;
}

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function within(error: unknown, segment: PathSegment): unknown {
  if (error instanceof ValidationError) error.path.unshift(segment);
  return error;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function formatted(format: Format): Validator<string> {
  return (value) => {
    if (typeof value !== 'string') return invalid(`expected a string, got ${typeOf(value)}`);
    if (value.length > format.maxLength || !format.test(value))
      return invalid(`must be ${format.description}`);
    return value;
  };
}

/** Free text: any string up to `maxTextLength` characters. */
export const text: Validator<string> = (value, limits) => {
  if (typeof value !== 'string') return invalid(`expected a string, got ${typeOf(value)}`);
  if (value.length > limits.maxTextLength) {
    return overLimit(
      `${String(value.length)} characters exceed the limit of ${String(limits.maxTextLength)}`,
    );
  }
  return value;
};

export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): Validator<number> {
  return (value) => {
    if (typeof value !== 'number') return invalid(`expected a number, got ${typeOf(value)}`);
    if (!Number.isSafeInteger(value) || value < min || value > max || Object.is(value, -0)) {
      return invalid(`must be an integer from ${String(min)} to ${String(max)}`);
    }
    return value;
  };
}

export const boolean: Validator<boolean> = (value) => {
  if (typeof value !== 'boolean') return invalid(`expected a boolean, got ${typeOf(value)}`);
  return value;
};

export function literal<const T extends string | boolean>(expected: T): Validator<T> {
  return (value) => (value === expected ? expected : invalid(`must be ${JSON.stringify(expected)}`));
}

export function oneOf<const T extends string>(values: readonly T[]): Validator<T> {
  const allowed = new Set<string>(values);
  const described = values.map((v) => JSON.stringify(v)).join(', ');
  return (value) => {
    if (typeof value !== 'string') return invalid(`expected a string, got ${typeOf(value)}`);
    if (!allowed.has(value)) return invalid(`must be one of ${described}`);
    return value as T;
  };
}

export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (value, limits) => (value === null ? null : inner(value, limits));
}

/** A union of validators told apart by the JSON type of the value, e.g. a port number or a port name. */
export function byType<N, S>(
  cases: { number: Validator<N>; string: Validator<S> },
  description: string,
): Validator<N | S> {
  return (value, limits) => {
    if (typeof value === 'number') return cases.number(value, limits);
    if (typeof value === 'string') return cases.string(value, limits);
    return invalid(`must be ${description}`);
  };
}

export function array<T>(item: Validator<T>, maxItems: (limits: ProtocolLimits) => number): Validator<T[]> {
  return (value, limits) => {
    if (!Array.isArray(value)) return invalid(`expected an array, got ${typeOf(value)}`);
    const max = maxItems(limits);
    if (value.length > max) {
      return overLimit(`${String(value.length)} items exceed the limit of ${String(max)}`);
    }
    for (let i = 0; i < value.length; i++) {
      try {
        item(value[i], limits);
      } catch (error) {
        throw within(error, i);
      }
    }
    return value as T[];
  };
}

type Shape = Record<string, Validator<unknown>>;
export type ObjectOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

export function object<const S extends Shape>(shape: S): Validator<ObjectOf<S>> {
  const keys = Object.keys(shape);
  const checks = Object.values(shape);
  // Presence is tested as `!== undefined`, which JSON cannot produce; that is only sound while no
  // field name is also inherited from Object.prototype (plain objects inherit nothing else).
  const inherited = keys.find((key) => key in Object.prototype);
  if (inherited !== undefined) throw new Error(`field name ${inherited} shadows Object.prototype`);
  return (value, limits) => {
    if (!isPlainObject(value)) return invalid(`expected an object, got ${typeOf(value)}`);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const field = value[key];
      if (field === undefined) return invalid('is required', key);
      try {
        (checks[i] as Validator<unknown>)(field, limits);
      } catch (error) {
        throw within(error, key);
      }
    }
    let count = 0;
    for (const _ in value) count++;
    if (count !== keys.length) {
      const extra = Object.keys(value).find((key) => !Object.hasOwn(shape, key));
      return invalid('is not a known field', extra ?? '?');
    }
    return value as ObjectOf<S>;
  };
}

/** A union of object shapes told apart by the field `key`, a string or a boolean. */
export function variants<const K extends string, const V extends Record<string, Validator<object>>>(
  key: K,
  byTag: V,
): Validator<Infer<V[keyof V]>> {
  const described = Object.keys(byTag).join(', ');
  return (value, limits) => {
    if (!isPlainObject(value)) return invalid(`expected an object, got ${typeOf(value)}`);
    const tag = value[key];
    const name = typeof tag === 'string' || typeof tag === 'boolean' ? String(tag) : undefined;
    if (name === undefined || !Object.hasOwn(byTag, name)) return invalid(`must be one of ${described}`, key);
    return (byTag[name] as Validator<Infer<V[keyof V]>>)(value, limits);
  };
}

/** A string-to-string map such as Kubernetes labels, bounded by `maxLabelsPerObject`. */
export function stringMap(
  keyFormat: Format,
  valueFormat: Format,
): Validator<Readonly<Record<string, string>>> {
  const checkKey = formatted(keyFormat);
  const checkValue = formatted(valueFormat);
  return (value, limits) => {
    if (!isPlainObject(value)) return invalid(`expected an object, got ${typeOf(value)}`);
    let count = 0;
    for (const key in value) {
      if (++count > limits.maxLabelsPerObject) {
        return overLimit(`more than ${String(limits.maxLabelsPerObject)} entries`);
      }
      try {
        checkKey(key, limits);
      } catch (error) {
        throw within(error, key);
      }
      try {
        checkValue(value[key], limits);
      } catch (error) {
        throw within(error, key);
      }
    }
    return value as Readonly<Record<string, string>>;
  };
}

/** Any JSON value, nested at most `maxJsonDepth` deep, numbers finite, no `__proto__` keys. */
export const json: Validator<JsonValue> = (value, limits) => {
  checkJson(value, 0, limits.maxJsonDepth);
  return value as JsonValue;
};

export const jsonObject: Validator<JsonObject> = (value, limits) => {
  if (!isPlainObject(value)) return invalid(`expected an object, got ${typeOf(value)}`);
  checkJson(value, 0, limits.maxJsonDepth);
  return value as JsonObject;
};

function checkJson(value: unknown, depth: number, maxDepth: number): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) invalid('must be a finite number');
      return;
    case 'object':
      if (value === null) return;
      if (depth >= maxDepth) overLimit(`nesting exceeds ${String(maxDepth)} levels`);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          try {
            checkJson(value[i], depth + 1, maxDepth);
          } catch (error) {
            throw within(error, i);
          }
        }
        return;
      }
      if (!isPlainObject(value)) invalid(`expected a JSON value, got ${typeOf(value)}`);
      for (const key in value) {
        // A `__proto__` key is harmless as parsed, but a later merge or Object.assign turns it
        // into a prototype change; refusing it here is cheaper than auditing every consumer.
        if (key === '__proto__') invalid('is not an allowed key', key);
        try {
          checkJson(value[key], depth + 1, maxDepth);
        } catch (error) {
          throw within(error, key);
        }
      }
      return;
    default:
      invalid(`expected a JSON value, got ${typeOf(value)}`);
  }
}

/** Adds a cross-field rule to a validator; `check` throws with `invalid` or `overLimit`. */
export function refine<T>(
  inner: Validator<T>,
  check: (value: T, limits: ProtocolLimits) => void,
): Validator<T> {
  return (value, limits) => {
    const checked = inner(value, limits);
    check(checked, limits);
    return checked;
  };
}
