// Protocol and port syntax of Calico rules (numorstring.Protocol / numorstring.Port, §2.4), parsed
// into their normal JSON form: a single port is a number, a range is "a:b", a name is a string.

import type { Port, Protocol } from './types.js';
import { isPortName } from './names.js';

export const NAMED_PROTOCOLS = ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite'] as const;

export const PROTOCOL_NUMBERS: Readonly<Record<(typeof NAMED_PROTOCOLS)[number], number>> = {
  TCP: 6,
  UDP: 17,
  ICMP: 1,
  ICMPv6: 58,
  SCTP: 132,
  UDPLite: 136,
};

export function protocolNumber(p: Protocol): number {
  return typeof p === 'number' ? p : PROTOCOL_NUMBERS[p];
}

/** TCP, UDP and SCTP (by name or number) are the protocols that have ports. */
export function protocolHasPorts(p: Protocol): boolean {
  const n = protocolNumber(p);
  return n === 6 || n === 17 || n === 132;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseProtocol(value: unknown): ParseResult<Protocol> {
  if (typeof value === 'string') {
    if ((NAMED_PROTOCOLS as readonly string[]).includes(value)) return { ok: true, value: value as Protocol };
    if (/^[0-9]+$/.test(value)) return parseProtocol(Number(value));
    const hint = NAMED_PROTOCOLS.find((p) => p.toLowerCase() === value.toLowerCase());
    return {
      ok: false,
      message: hint
        ? `protocol names are case-sensitive: write "${hint}", not "${value}"`
        : `protocol must be one of ${NAMED_PROTOCOLS.join(', ')} or a number from 1 to 255, not "${value}"`,
    };
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 255)
    return { ok: true, value };
  return {
    ok: false,
    message: 'protocol must be one of TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number from 1 to 255',
  };
}

export type PortKind = 'numeric' | 'named';

function portNumber(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

const PORT_SYNTAX = 'a port is a number from 1 to 65535, a range "min:max", or a port name';

export function parsePort(value: unknown): ParseResult<{ port: Port; kind: PortKind }> {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1 && value <= 65535)
      return { ok: true, value: { port: value, kind: 'numeric' } };
    return { ok: false, message: `port ${value} is out of range: ${PORT_SYNTAX}` };
  }
  if (typeof value !== 'string') return { ok: false, message: PORT_SYNTAX };
  const colon = value.indexOf(':');
  if (colon >= 0) {
    const min = portNumber(value.slice(0, colon));
    const max = portNumber(value.slice(colon + 1));
    if (min === undefined || max === undefined)
      return { ok: false, message: `port range "${value}" is not valid: ${PORT_SYNTAX}` };
    if (min > max) return { ok: false, message: `port range "${value}" starts after it ends` };
    return { ok: true, value: { port: min === max ? min : `${min}:${max}`, kind: 'numeric' } };
  }
  const single = portNumber(value);
  if (single !== undefined) return { ok: true, value: { port: single, kind: 'numeric' } };
  if (/^[0-9]+$/.test(value)) return { ok: false, message: `port ${value} is out of range: ${PORT_SYNTAX}` };
  if (isPortName(value)) return { ok: true, value: { port: value, kind: 'named' } };
  return {
    ok: false,
    message: `"${value}" is not a valid port name: use at most 15 lowercase letters, digits and single "-", with at least one letter`,
  };
}
