// Which aggregate network an address outside every known endpoint and network set belongs to:
// `pvt` for RFC 1918 (10/8, 172.16/12, 192.168/16), `pub` for everything else, all IPv6 included,
// as Felix names them (calico-semantics §4.1).

import type { NetworkName } from './flow-record.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** Throws on a string that is not an IPv4 or IPv6 address. */
export function networkClass(ip: string): NetworkName {
  const v4 = IPV4.exec(ip);
  if (v4 === null) {
    if (ip.includes(':') && IPV6.test(ip)) return 'pub';
    throw new Error(`${JSON.stringify(ip)} is not an IP address`);
  }
  const octets = v4.slice(1).map(Number);
  if (octets.some((o) => o > 255)) throw new Error(`${JSON.stringify(ip)} is not an IP address`);
  const [a, b] = octets as [number, number, number, number];
  if (a === 10) return 'pvt';
  if (a === 172 && b >= 16 && b <= 31) return 'pvt';
  if (a === 192 && b === 168) return 'pvt';
  return 'pub';
}
