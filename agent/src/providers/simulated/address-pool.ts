// Hands out addresses from a CIDR and keeps them: an object that stays in the description keeps its
// address across edits, so scaling one workload never renumbers another. New objects take the lowest
// free address, in the order they are given, which makes a fresh start deterministic.

import { numberToIpv4, parseIpv4Cidr, type Ipv4Cidr } from './ipv4.js';

export class AddressPool {
  readonly #cidr: Ipv4Cidr;
  readonly #byKey = new Map<string, number>();
  readonly #used = new Set<number>();
  /** Host offsets below this are taken (e.g. the first service address, kept for `kubernetes`). */
  readonly #firstOffset: number;
  #cursor: number;

  constructor(cidr: string, reserved = 0) {
    const parsed = parseIpv4Cidr(cidr);
    if (parsed === undefined) throw new RangeError(`not an IPv4 CIDR: ${cidr}`);
    this.#cidr = parsed;
    this.#firstOffset = 1 + reserved;
    this.#cursor = this.#firstOffset;
  }

  /** Keeps the addresses of `keys` and frees every other. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, offset] of this.#byKey) {
      if (keys.has(key)) continue;
      this.#byKey.delete(key);
      this.#used.delete(offset);
      if (offset < this.#cursor) this.#cursor = offset;
    }
  }

  /** The address of `key`, allocating one if it has none; throws when the pool is exhausted. */
  addressOf(key: string): string {
    let offset = this.#byKey.get(key);
    if (offset === undefined) {
      const last = this.#cidr.hosts;
      while (this.#cursor <= last && this.#used.has(this.#cursor)) this.#cursor++;
      if (this.#cursor > last)
        throw new RangeError(
          `address pool ${numberToIpv4(this.#cidr.base)}/${String(this.#cidr.prefix)} is exhausted`,
        );
      offset = this.#cursor++;
      this.#byKey.set(key, offset);
      this.#used.add(offset);
    }
    return numberToIpv4(this.#cidr.base + offset);
  }
}
