// IPv4 arithmetic for the simulated cluster's address pools: addresses as unsigned 32-bit numbers.

export interface Ipv4Cidr {
  /** The network address. */
  readonly base: number;
  readonly prefix: number;
  /** Usable host addresses: the network and broadcast addresses excluded. */
  readonly hosts: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function ipv4ToNumber(text: string): number {
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `undefined` unless `text` is `a.b.c.d/len` with 0 ≤ len ≤ 32. The address is masked to its network. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const [address, length, ...rest] = text.split('/');
  if (address === undefined || length === undefined || rest.length > 0 || !isIpv4(address)) return undefined;
  if (!/^\d{1,2}$/.test(length) || Number(length) > 32) return undefined;
  const prefix = Number(length);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(ipv4ToNumber(address) / size) * size;
  return { base, prefix, hosts: Math.max(size - 2, prefix === 32 ? 1 : 0) };
}
