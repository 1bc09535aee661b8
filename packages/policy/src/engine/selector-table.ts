// Interns compiled selectors by canonical form and memoises, per selector, which entities match
// (one byte per entity, filled lazily), so rule matching on the hot path is an array read.

import {
  canonicalSelector,
  compileSelector,
  type LabelMatcher,
  type SelectorNode,
} from '../selector/index.js';
import type { Entity } from './world.js';

const UNKNOWN = 0;
const YES = 1;
const NO = 2;

export class SelectorSlot {
  readonly matcher: LabelMatcher;
  private readonly memo: Uint8Array;

  constructor(
    readonly node: SelectorNode,
    readonly canonical: string,
    entityCount: number,
  ) {
    this.matcher = compileSelector(node);
    this.memo = new Uint8Array(entityCount);
  }

  matches(entity: Entity): boolean {
    const known = this.memo[entity.id];
    if (known !== UNKNOWN) return known === YES;
    const result = this.matcher(entity.labels);
    this.memo[entity.id] = result ? YES : NO;
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
