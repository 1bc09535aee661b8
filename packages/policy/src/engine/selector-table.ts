// Interns compiled selectors by canonical form and memoises, per selector, which entities match
// (two bits per entity — known, matches — filled lazily), so rule matching on the hot path is one
// read from a small, cache-friendly bitmap.

import {
  canonicalSelector,
  compileSelector,
  type LabelMatcher,
  type SelectorNode,
} from '../selector/index.js';
import type { ResolvedAddress } from './packet.js';
import type { Entity } from './world.js';

export class SelectorSlot {
  readonly matcher: LabelMatcher;
  private readonly memo: Uint32Array;

  constructor(
    readonly node: SelectorNode,
    readonly canonical: string,
    entityCount: number,
  ) {
    this.matcher = compileSelector(node);
    this.memo = new Uint32Array(Math.ceil(entityCount / 16));
  }

  matches(entity: Entity): boolean {
    const id = entity.id;
    const word = this.memo[id >>> 4]!;
    const shift = (id & 15) << 1;
    if ((word >>> shift) & 2) return ((word >>> shift) & 1) === 1;
    return this.learn(entity, word, shift);
  }

  private learn(entity: Entity, word: number, shift: number): boolean {
    const result = this.matcher(entity.labels);
    this.memo[entity.id >>> 4] = word | ((result ? 3 : 2) << shift);
    return result;
  }

  /** Whether any entity owning the address matches; reads entity objects only on a memo miss. */
  matchesAny(addr: ResolvedAddress): boolean {
    const ids = addr.ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const word = this.memo[id >>> 4]!;
      const shift = (id & 15) << 1;
      const known = (word >>> shift) & 3;
      if (known === 3) return true;
      if (known === 0 && this.learn(addr.entities[i]!, word, shift)) return true;
    }
    return false;
  }
}

export class SelectorTable {
  private readonly slots = new Map<string, SelectorSlot>();

  constructor(private readonly entityCount: number) {}

  intern(node: SelectorNode): SelectorSlot {
    const canonical = canonicalSelector(node);
    let slot = this.slots.get(canonical);
    if (!slot) this.slots.set(canonical, (slot = new SelectorSlot(node, canonical, this.entityCount)));
    return slot;
  }
}
