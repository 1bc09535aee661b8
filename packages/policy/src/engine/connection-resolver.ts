// Turns a Connection into a packet: looks up the endpoints, picks the address family (the
// explicit address's, else IPv4 when both endpoints have one), resolves both addresses to their
// owning entities, and maps the protocol to its number. Errors name the offending field. It fills
// a caller-supplied packet and keeps the endpoint states in fields, so resolving allocates nothing.

import type { AddressIndex } from './address-index.js';
import { ConnectionError, type Connection, type Peer } from './connection.js';
import type { EndpointState } from './endpoint-state.js';
import type { MutablePacket, ResolvedAddress } from './packet.js';
import { protocolNumber } from './protocols.js';

export class ConnectionResolver {
  src: EndpointState | undefined;
  dst: EndpointState | undefined;

  constructor(
    private readonly states: ReadonlyMap<string, EndpointState>,
    private readonly addresses: AddressIndex,
  ) {}

  state(key: string, path: string): EndpointState {
    const s = this.states.get(key);
    if (!s) throw new ConnectionError(path, `unknown endpoint "${key}"`);
    return s;
  }

  /** The endpoint's first address of `family`, resolved once and kept on its state. */
  endpointAddress(s: EndpointState, family: 4 | 6): ResolvedAddress | null {
    let r = family === 4 ? s.v4 : s.v6;
    if (r === undefined) {
      const ip = s.entity.ips.find((a) => a.family === family);
      r = ip ? this.addresses.resolveOwned(ip) : null;
      if (family === 4) s.v4 = r;
      else s.v6 = r;
    }
    return r;
  }

  private address(peer: Peer, s: EndpointState | undefined, family: 4 | 6, path: string): ResolvedAddress {
    if (peer.ip !== undefined) {
      const r = this.addresses.resolve(peer.ip);
      if (!r) throw new ConnectionError(`${path}.ip`, `invalid IP address "${peer.ip}"`);
      return r;
    }
    const r = this.endpointAddress(s!, family);
    if (!r) throw new ConnectionError(`${path}.endpoint`, `endpoint has no IPv${family} address`);
    return r;
  }

  private family(conn: Connection, src: EndpointState | undefined, dst: EndpointState | undefined): 4 | 6 {
    const explicit = conn.source.ip ?? conn.destination.ip;
    if (explicit !== undefined) return explicit.includes(':') ? 6 : 4;
    if (this.endpointAddress(src!, 4) && this.endpointAddress(dst!, 4)) return 4;
    return this.endpointAddress(src!, 6) && this.endpointAddress(dst!, 6) ? 6 : 4;
  }

  /** Fills `into` from `conn` and sets `src`/`dst`. */
  fill(conn: Connection, into: MutablePacket): void {
    const src =
      conn.source.endpoint === undefined ? undefined : this.state(conn.source.endpoint, 'source.endpoint');
    const dst =
      conn.destination.endpoint === undefined
        ? undefined
        : this.state(conn.destination.endpoint, 'destination.endpoint');
    if (!src && conn.source.ip === undefined)
      throw new ConnectionError('source', 'needs an endpoint or an ip');
    if (!dst && conn.destination.ip === undefined) {
      throw new ConnectionError('destination', 'needs an endpoint or an ip');
    }
    const family = this.family(conn, src, dst);
    const protocol = protocolNumber(conn.protocol);
    if (protocol === undefined) throw new ConnectionError('protocol', `unknown protocol "${conn.protocol}"`);
    const srcAddr = this.address(conn.source, src, family, 'source');
    const dstAddr = this.address(conn.destination, dst, family, 'destination');
    if (srcAddr.ip.family !== dstAddr.ip.family) {
      throw new ConnectionError('destination', 'address family differs from source');
    }
    into.family = srcAddr.ip.family;
    into.protocol = protocol;
    into.srcPort = conn.sourcePort ?? -1;
    into.dstPort = conn.port ?? -1;
    into.icmpType = conn.icmpType ?? -1;
    into.icmpCode = conn.icmpCode ?? -1;
    into.src = srcAddr;
    into.dst = dstAddr;
    this.src = src;
    this.dst = dst;
  }
}
