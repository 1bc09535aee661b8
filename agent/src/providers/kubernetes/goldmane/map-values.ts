// Scalar conversions from Goldmane's wire values: 64-bit integers (decimal strings) to safe
// JavaScript integers, and enum names to Palisade's closed value sets. Every refusal names the field,
// so a flow Palisade cannot represent is reported precisely instead of being guessed at.

import type { EnumValue, Int64 } from './goldmane-api.js';
import { FlowMappingError } from './flow-mapping-error.js';

/** An int64 that must fit a JavaScript number exactly, within [min, MAX_SAFE_INTEGER]. */
export function safeInteger(value: Int64, field: string, min = 0): number {
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new FlowMappingError(field, `${String(value)} is not a safe integer`);
  if (n < min) throw new FlowMappingError(field, `${n} is below ${min}`);
  return n;
}

/** Looks an enum name up in a table; unknown names and numbers (a newer proto) are refused. */
export function enumValue<T>(table: Readonly<Record<string, T>>, value: EnumValue, field: string): T {
  const mapped = typeof value === 'string' && Object.hasOwn(table, value) ? table[value] : undefined;
  if (mapped === undefined) {
    throw new FlowMappingError(
      field,
      `${typeof value === 'string' ? value : `enum value ${value}`} is not one of ${Object.keys(table).join(', ')}`,
    );
  }
  return mapped;
}
