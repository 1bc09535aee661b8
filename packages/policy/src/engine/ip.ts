// IPv4/IPv6 addresses and CIDRs as plain numbers so that matching is integer comparison with no
// allocation. An address is four 32-bit words (IPv4 uses only `w3`); a CIDR keeps its network
// words already masked plus the per-word masks.

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
}

export interface Cidr extends IpAddress {
  readonly prefix: number;
  readonly m0: number;
  readonly m1: number;
  readonly m2: number;
  readonly m3: number;
}

function parseIpv4Word(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

function parseIpv6Words(text: string): [number, number, number, number] | undefined {
  let body = text;
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.')) {
    const v4 = parseIpv4Word(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  const rest = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (head === undefined || rest === undefined) return undefined;
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
  const word = (i: number): number => groups[i]! * 65536 + groups[i + 1]!;
  return [word(0), word(2), word(4), word(6)];
}

export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const w = parseIpv6Words(text);
    return w && { family: 6, w0: w[0], w1: w[1], w2: w[2], w3: w[3] };
  }
  const v4 = parseIpv4Word(text);
  return v4 === undefined ? undefined : { family: 4, w0: 0, w1: 0, w2: 0, w3: v4 };
}

function maskWord(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff - (2 ** (32 - bits) - 1)) >>> 0;
}

/** Parses `a.b.c.d/n`, `x::/n` or a bare address (host route). Host bits are masked away. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > max) return undefined;
  const bits = ip.family === 4 ? prefix + 96 : prefix;
  const m0 = maskWord(bits);
  const m1 = maskWord(bits - 32);
  const m2 = maskWord(bits - 64);
  const m3 = maskWord(bits - 96);
  return {
    family: ip.family,
    prefix,
    m0,
    m1,
    m2,
    m3,
    w0: (ip.w0 & m0) >>> 0,
    w1: (ip.w1 & m1) >>> 0,
    w2: (ip.w2 & m2) >>> 0,
    w3: (ip.w3 & m3) >>> 0,
  };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return (
    cidr.family === ip.family &&
    (ip.w3 & cidr.m3) >>> 0 === cidr.w3 &&
    (ip.w2 & cidr.m2) >>> 0 === cidr.w2 &&
    (ip.w1 & cidr.m1) >>> 0 === cidr.w1 &&
    (ip.w0 & cidr.m0) >>> 0 === cidr.w0
  );
}

/** A stable text key for an address (canonical, so `::1` and `0:0::1` agree). */
export function ipKey(ip: IpAddress): string {
  return ip.family === 4 ? String(ip.w3) : `${ip.w0}:${ip.w1}:${ip.w2}:${ip.w3}`;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = ip.w3;
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups = [ip.w0, ip.w1, ip.w2, ip.w3].flatMap((w) => [
    (w >>> 16).toString(16),
    (w & 0xffff).toString(16),
  ]);
  return groups.join(':');
}
