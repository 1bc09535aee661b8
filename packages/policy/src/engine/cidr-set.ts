// A rule's `nets`/`notNets` compiled once: IPv4 CIDRs become sorted, merged numeric ranges
// searched by bisection; IPv6 CIDRs (rare in practice) stay a short list of masked prefixes.

import { cidrContains, type Cidr, type IpAddress } from './ip.js';

export interface CidrSet {
  /** The merged ranges as text: equal keys, equal sets. */
  readonly key: string;
  readonly hasV4: boolean;
  readonly hasV6: boolean;
  contains(ip: IpAddress): boolean;
}

export function compileCidrSet(cidrs: readonly Cidr[]): CidrSet {
  const ranges = cidrs
    .filter((c) => c.family === 4)
    .map((c) => [c.w3, c.w3 + 2 ** (32 - c.prefix) - 1] as const)
    .sort((a, b) => a[0] - b[0]);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [start, end] of ranges) {
    const last = ends.length - 1;
    if (last >= 0 && start <= ends[last]! + 1) ends[last] = Math.max(ends[last]!, end);
    else {
      starts.push(start);
      ends.push(end);
    }
  }
  const v4Starts = Float64Array.from(starts);
  const v4Ends = Float64Array.from(ends);
  const v6 = cidrs.filter((c) => c.family === 6);
  return {
    key: `${starts.map((a, i) => `${a}-${ends[i]}`).join(',')}|${v6
      .map((c) => `${c.w0}.${c.w1}.${c.w2}.${c.w3}/${c.prefix}`)
      .sort()
      .join(',')}`,
    hasV4: v4Starts.length > 0,
    hasV6: v6.length > 0,
    contains(ip: IpAddress): boolean {
      if (ip.family === 6) {
        for (const c of v6) if (cidrContains(c, ip)) return true;
        return false;
      }
      const x = ip.w3;
      let lo = 0;
      let hi = v4Starts.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (v4Starts[mid]! > x) hi = mid - 1;
        else if (v4Ends[mid]! < x) lo = mid + 1;
        else return true;
      }
      return false;
    },
  };
}
