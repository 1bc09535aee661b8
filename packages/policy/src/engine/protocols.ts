// IP protocol names Calico accepts (case-sensitive) and their numbers; rules and connections are
// matched on the number, so `protocol: 6` and `protocol: TCP` are the same criterion.

import { PROTOCOL_NUMBERS } from '../resources/ports.js';
import type { Protocol } from '../resources/types.js';

const NAMED: Readonly<Record<string, number>> = PROTOCOL_NUMBERS;

/** The protocol number, or undefined for an unknown name or an out-of-range number. */
export function protocolNumber(p: Protocol | (string & {})): number | undefined {
  if (typeof p === 'number') return Number.isInteger(p) && p >= 1 && p <= 255 ? p : undefined;
  const named = Object.hasOwn(NAMED, p) ? NAMED[p] : undefined;
  if (named !== undefined) return named;
  if (!/^[0-9]{1,3}$/.test(p)) return undefined;
  return protocolNumber(Number(p));
}
