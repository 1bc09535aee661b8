// A connection resolved against the world: numeric fields plus, for each address, the entities
// that own it (endpoints by exact IP, network sets by CIDR). Selectors match these entities.

import type { IpAddress } from './ip.js';
import type { Entity } from './world.js';

export interface ResolvedAddress {
  readonly ip: IpAddress;
  readonly entities: readonly Entity[];
  /** The ids of `entities`, read on the hot path without touching the entity objects. */
  readonly ids: Int32Array;
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

const NOWHERE: ResolvedAddress = {
  ip: { family: 4, w0: 0, w1: 0, w2: 0, w3: 0 },
  entities: [],
  ids: new Int32Array(0),
};

/** A reusable packet: the engine refills one instance per connection instead of allocating. */
export class MutablePacket implements Packet {
  family: 4 | 6 = 4;
  protocol = 0;
  srcPort = -1;
  dstPort = -1;
  icmpType = -1;
  icmpCode = -1;
  src: ResolvedAddress = NOWHERE;
  dst: ResolvedAddress = NOWHERE;
}
