// Interns compiled selectors by canonical form and memoises, per selector, which entities match
// (two bits per entity — known, matches — filled lazily), so rule matching on the hot path is one
// read from a small, cache-friendly bitmap.

import {
  canonicalSelector,
  compileSelector,
  type LabelMatcher,
  type SelectorNode,
} from '../selector/index.js';
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
    const result = this.matcher(entity.labels);
    this.memo[id >>> 4] = word | ((result ? 3 : 2) << shift);
    return result;
  }

  matchesAny(entities: readonly Entity[]): boolean {
    for (let i = 0; i < entities.length; i++) if (this.matches(entities[i]!)) return true;
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
