// IPv4 address classes for the `pub`/`pvt` sides of flow records: which part of a class a rule's
// CIDRs cover (all of it, none of it, or part — then the verdict depends on the address the record
// does not carry), and a representative address of a class that no network set holds (a record
// names an address `pub`/`pvt` only when no network set holds it). Records do not say the family;
// the preview assumes IPv4, where the 10/8 · 172.16/12 · 192.168/16 split is defined.

import { parseIp, type Cidr, type IpAddress } from '../engine/ip.js';

type Range = readonly [number, number];
const ALL: Range = [0, 0xffffffff];
const PRIVATE: readonly Range[] = [
  [0x0a000000, 0x0affffff],
  [0xac100000, 0xac1fffff],
  [0xc0a80000, 0xc0a8ffff],
];
const PUBLIC: readonly Range[] = [
  [ALL[0], 0x09ffffff],
  [0x0b000000, 0xac0fffff],
  [0xac200000, 0xc0a7ffff],
  [0xc0a90000, ALL[1]],
];
const CANDIDATES = {
  pub: ['198.51.100.1', '203.0.113.1', '192.0.2.1', '8.8.8.8', '1.1.1.1', '100.127.255.254'],
  pvt: ['10.255.255.254', '172.31.255.254', '192.168.255.254', '10.0.0.1', '172.16.0.1', '192.168.0.1'],
} as const;

export type Coverage = 'all' | 'none' | 'partial';

export function cidrRange(c: Cidr): Range {
  const size = 2 ** (32 - c.prefix);
  const lo = (c.w3 >>> 0) - ((c.w3 >>> 0) % size);
  return [lo, lo + size - 1];
}

function overlap(a: Range, b: Range): number {
  const lo = Math.max(a[0], b[0]);
  const hi = Math.min(a[1], b[1]);
  return hi >= lo ? hi - lo + 1 : 0;
}

/** How much of `ranges` the union of the IPv4 `cidrs` covers. */
export function coverage(ranges: readonly Range[], cidrs: readonly Cidr[]): Coverage {
  const merged = mergeRanges(cidrs.filter((c) => c.family === 4).map(cidrRange));
  const total = ranges.reduce((n, r) => n + r[1] - r[0] + 1, 0);
  let covered = 0;
  for (const r of ranges) for (const m of merged) covered += overlap(r, m);
  return covered === 0 ? 'none' : covered === total ? 'all' : 'partial';
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function classRanges(name: 'pub' | 'pvt'): readonly Range[] {
  return name === 'pvt' ? PRIVATE : PUBLIC;
}

/** The ranges of a set of CIDRs (IPv4 only). */
export function cidrRanges(cidrs: readonly Cidr[]): Range[] {
  return cidrs.filter((c) => c.family === 4).map(cidrRange);
}

/** A representative address of the class outside every CIDR of `sets`. */
export function classAddress(name: 'pub' | 'pvt', sets: readonly Cidr[]): string {
  const ranges = cidrRanges(sets);
  const free = CANDIDATES[name].find((text) => {
    const v = parseIp(text)!.w3 >>> 0;
    return !ranges.some(([lo, hi]) => v >= lo && v <= hi);
  });
  return free ?? CANDIDATES[name][0];
}

/** The first address of a set's first IPv4 CIDR. */
export function setAddress(nets: readonly Cidr[]): string | undefined {
  const first = nets.find((c) => c.family === 4);
  if (!first) return undefined;
  const lo = cidrRange(first)[0];
  return [lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255].join('.');
}

export function inRanges(ip: IpAddress, ranges: readonly Range[]): boolean {
  if (ip.family !== 4) return false;
  const v = ip.w3 >>> 0;
  return ranges.some(([lo, hi]) => v >= lo && v <= hi);
}
