// IPv4/IPv6 address and CIDR parsing without platform libraries. Follows Go's net.ParseIP and
// net.ParseCIDR (which Calico and Kubernetes use): no leading zeros in IPv4 octets, IPv6 with `::`
// compression and an optional trailing dotted quad, zones rejected.

export interface ParsedCidr {
  version: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
  /** True when the text had no `/prefix` part. */
  bare: boolean;
}

function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseHextets(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIPv4(g);
      if (v4 === undefined) return undefined;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
  }
  return out;
}

function parseIPv6(text: string): Uint8Array | undefined {
  const gap = text.indexOf('::');
  let hextets: number[] | undefined;
  if (gap < 0) {
    hextets = parseHextets(text);
    if (hextets?.length !== 8) return undefined;
  } else {
    if (text.indexOf('::', gap + 1) >= 0) return undefined;
    const head = parseHextets(text.slice(0, gap));
    const tail = parseHextets(text.slice(gap + 2));
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    hextets = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const out = new Uint8Array(16);
  hextets.forEach((h, i) => {
    out[2 * i] = h >> 8;
    out[2 * i + 1] = h & 0xff;
  });
  return out;
}

export function parseIp(text: string): { version: 4 | 6; bytes: Uint8Array } | undefined {
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    return bytes && { version: 6, bytes };
  }
  const bytes = parseIPv4(text);
  return bytes && { version: 4, bytes };
}

/** Parses `ip/prefix` or a bare IP (as a full-length prefix). */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (ip === undefined) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  if (slash < 0) return { ...ip, prefix: bits, bare: true };
  const prefixText = text.slice(slash + 1);
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  return { ...ip, prefix, bare: false };
}

/** True when no address bit beyond the prefix is set (e.g. `10.0.0.0/8`, not `10.0.0.1/8`). */
export function isMasked(cidr: ParsedCidr): boolean {
  for (let bit = cidr.prefix; bit < cidr.bytes.length * 8; bit++) {
    if ((cidr.bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

/** True when `inner` lies inside `outer` and is strictly smaller. */
export function isStrictSubnet(inner: ParsedCidr, outer: ParsedCidr): boolean {
  if (inner.version !== outer.version || inner.prefix <= outer.prefix) return false;
  for (let bit = 0; bit < outer.prefix; bit++) {
    const mask = 1 << (7 - (bit & 7));
    if ((inner.bytes[bit >> 3]! & mask) !== (outer.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}
