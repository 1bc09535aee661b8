// Address arithmetic for the reachability index: addresses as bigint, "public" as Calico's flow
// logs see it (not RFC 1918, not loopback/link-local/unspecified/multicast/reserved; for IPv6,
// global unicast 2000::/3), and the split of an address family into regions that no CIDR boundary
// crosses — every address of a region is treated alike by every CIDR-based criterion.

import { parseCidr, type Cidr, type IpAddress } from '../engine/ip.js';

export function toBigInt(ip: IpAddress): bigint {
  return (BigInt(ip.w0) << 96n) | (BigInt(ip.w1) << 64n) | (BigInt(ip.w2) << 32n) | BigInt(ip.w3);
}

export function fromBigInt(value: bigint, family: 4 | 6): IpAddress {
  const word = (shift: bigint): number => Number((value >> shift) & 0xffffffffn);
  return family === 4
    ? { family, w0: 0, w1: 0, w2: 0, w3: word(0n) }
    : { family, w0: word(96n), w1: word(64n), w2: word(32n), w3: word(0n) };
}

/** [first, last] of a CIDR as bigint. */
export function cidrRange(c: Cidr): [bigint, bigint] {
  const start = toBigInt(c);
  const size = 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix);
  return [start, start + size - 1n];
}

const NOT_PUBLIC_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
].map((t) => cidrRange(parseCidr(t)!));
const GLOBAL_UNICAST_V6 = cidrRange(parseCidr('2000::/3')!);

export function isPublic(value: bigint, family: 4 | 6): boolean {
  if (family === 6) return value >= GLOBAL_UNICAST_V6[0] && value <= GLOBAL_UNICAST_V6[1];
  return !NOT_PUBLIC_V4.some(([lo, hi]) => value >= lo && value <= hi);
}

/** Boundaries that make the non-public ranges regions of their own. */
export function notPublicBoundaries(family: 4 | 6): bigint[] {
  if (family === 6) return [GLOBAL_UNICAST_V6[0], GLOBAL_UNICAST_V6[1] + 1n];
  return NOT_PUBLIC_V4.flatMap(([lo, hi]) => [lo, hi + 1n]);
}

/** The first address of every region of [0, max] cut at `boundaries`. */
export function regionStarts(boundaries: Iterable<bigint>, max: bigint): bigint[] {
  const starts = new Set<bigint>([0n]);
  for (const b of boundaries) if (b > 0n && b <= max) starts.add(b);
  return [...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
