// IP protocol names Calico accepts (case-sensitive) and their numbers; rules and connections are
// matched on the number, so `protocol: 6` and `protocol: TCP` are the same criterion.

import type { Protocol } from '../resources/types.js';

const NAMED: Readonly<Record<string, number>> = {
  TCP: 6,
  UDP: 17,
  ICMP: 1,
  ICMPv6: 58,
  SCTP: 132,
  UDPLite: 136,
};

/** The protocol number, or undefined for an unknown name or an out-of-range number. */
export function protocolNumber(p: Protocol | (string & {})): number | undefined {
  if (typeof p === 'number') return Number.isInteger(p) && p >= 1 && p <= 255 ? p : undefined;
  const named = NAMED[p];
  if (named !== undefined) return named;
  if (!/^[0-9]{1,3}$/.test(p)) return undefined;
  return protocolNumber(Number(p));
}
