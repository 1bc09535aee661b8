// IP → owning entities: endpoints by exact address (a Map), network sets by CIDR. Resolutions are
// memoised per address text, so a connection's addresses cost one Map lookup after the first time.

import { cidrContains, ipKey, parseIp, type IpAddress } from './ip.js';
import type { ResolvedAddress } from './packet.js';
import type { Entity, World } from './world.js';

export class AddressIndex {
  private readonly exact = new Map<string, Entity[]>();
  private readonly netSets: readonly Entity[];
  private readonly memo = new Map<string, ResolvedAddress | null>();
  private readonly owned = new Map<IpAddress, ResolvedAddress>();

  constructor(world: World) {
    for (const e of world.endpoints) {
      for (const ip of e.ips) {
        const key = ipKey(ip);
        const list = this.exact.get(key);
        if (list) {
          if (!list.includes(e)) list.push(e);
        } else this.exact.set(key, [e]);
      }
    }
    this.netSets = world.entities.filter((e) => e.nets.length > 0);
  }

  /** Memoised by object identity: for the address objects held by endpoints. */
  resolveOwned(ip: IpAddress): ResolvedAddress {
    let r = this.owned.get(ip);
    if (!r) this.owned.set(ip, (r = this.resolveIp(ip)));
    return r;
  }

  resolveIp(ip: IpAddress): ResolvedAddress {
    const owners = [...(this.exact.get(ipKey(ip)) ?? [])];
    for (const set of this.netSets) if (set.nets.some((c) => cidrContains(c, ip))) owners.push(set);
    return { ip, entities: owners, ids: Int32Array.from(owners, (e) => e.id) };
  }

  /** The resolved address, or null when `text` is not an IP address. */
  resolve(text: string): ResolvedAddress | null {
    let r = this.memo.get(text);
    if (r === undefined) {
      const ip = parseIp(text);
      r = ip ? this.resolveIp(ip) : null;
      this.memo.set(text, r);
    }
    return r;
  }
}
