// A connection resolved against the world: numeric fields plus, for each address, the entities
// that own it (endpoints by exact IP, network sets by CIDR). Selectors match these entities.

import type { IpAddress } from './ip.js';
import type { Entity } from './world.js';

export interface ResolvedAddress {
  readonly ip: IpAddress;
  readonly entities: readonly Entity[];
}

export interface Packet {
  readonly family: 4 | 6;
  readonly protocol: number;
  /** -1 when unknown. */
  readonly srcPort: number;
  readonly dstPort: number;
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly src: ResolvedAddress;
  readonly dst: ResolvedAddress;
}
