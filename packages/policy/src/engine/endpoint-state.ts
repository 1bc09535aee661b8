// Everything the hot path needs about one endpoint, kept together in one object so a verdict
// touches one cache line per endpoint instead of several scattered arrays: its resolved address
// per family, its rule plans per (direction, mode, stage) and its profile outcome.

import type { Hit } from './hit.js';
import type { ResolvedAddress } from './packet.js';
import type { RulePlan } from './rule-plan.js';
import type { Entity } from './world.js';

/** 2 directions × 2 modes (enforced, pending) × 3 stages. */
export const PLAN_SLOTS = 12;

export class EndpointState {
  readonly plans: (RulePlan | undefined)[] = new Array<RulePlan | undefined>(PLAN_SLOTS).fill(undefined);
  /** undefined: not looked up yet; null: the endpoint has no address of that family. */
  v4: ResolvedAddress | null | undefined = undefined;
  v6: ResolvedAddress | null | undefined = undefined;
  profileHit: Hit | undefined = undefined;
  readonly isHost: boolean;

  constructor(readonly entity: Entity) {
    this.isHost = entity.kind === 'hep';
  }
}
