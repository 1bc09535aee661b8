// Addresses as BigInt for the reference evaluator: deliberately the simplest correct encoding,
// sharing nothing with the word-based fast path in ip.ts.

export interface RefIp {
  readonly v6: boolean;
  readonly value: bigint;
}

export function refParseIp(text: string): RefIp | undefined {
  if (!text.includes(':')) {
    const parts = text.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255))
      return undefined;
    return { v6: false, value: parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n) };
  }
  let text6 = text;
  const dotted = /^(.*:)([0-9]+\.[0-9.]+)$/.exec(text6);
  if (dotted) {
    const v4 = refParseIp(dotted[2]!);
    if (!v4 || v4.v6) return undefined;
    text6 = `${dotted[1]!}${(v4.value >> 16n).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const [head, tail, extra] = text6.split('::');
  if (extra !== undefined) return undefined;
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { v6: true, value: all.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n) };
}

/** True when `ip` lies inside `cidr` (a CIDR or a bare address). */
export function refInCidr(ip: RefIp, cidr: string): boolean {
  const [addr, len] = cidr.split('/');
  const net = refParseIp(addr!);
  if (!net || net.v6 !== ip.v6) return false;
  const bits = net.v6 ? 128n : 32n;
  const prefix = len === undefined ? bits : BigInt(len);
  const shift = bits - prefix;
  return ip.value >> shift === net.value >> shift;
}

export function refIsV6Cidr(cidr: string): boolean {
  return cidr.includes(':');
}
