// The one interface between the agent and a cluster. Everything above it (tunnel, inventory sync,
// requests) is shared by the simulated and the kubernetes provider, which is what makes the
// simulated cluster a faithful stand-in: it exercises every code path a real cluster does.
//
// A provider owns reading its cluster and applying policy to it; it never talks to the gateway.
// Policy (decision 0009): `applyDesiredState` applies a generation's validated objects and prunes
// the managed ones no longer desired (simulated: its own policy store; kubernetes: server-side
// apply with one field manager), and drift noticed between applies is reported through `onDrift`.
// Capabilities still to come: flows from the traffic simulator (simulated) or Calico's flow
// service (kubernetes).

import type { PolicyResource } from '@palisade/policy';
import type { ClusterFacts, InventoryItems, JsonValue, ProviderKind, ResourceRef } from '@palisade/protocol';
import type { InventoryCounts, InventoryDelta } from '../inventory/inventory-delta.js';
import type { ApplyOutcome } from '../policy/managed-policies.js';

export type { ApplyOutcome } from '../policy/managed-policies.js';

export interface Provider {
  readonly kind: ProviderKind;
  /** Reads the whole cluster once and starts watching it; resolves when `snapshot()` is complete. */
  start(): Promise<void>;
  /** The current inventory, complete and sorted. */
  snapshot(): InventoryItems;
  counts(): InventoryCounts;
  /** Changes after the moment of subscription, coalesced; returns the unsubscribe function. */
  onChange(listener: (delta: InventoryDelta) => void): () => void;
  /** What the hello tells the gateway about the cluster. */
  facts(): ClusterFacts;
  /** What currently keeps the inventory from being current (a refused watch, an invalid edit); empty when healthy. */
  problems(): string[];
  /** Stops watching; idempotent. */
  stop(): Promise<void>;
  /**
   * Applies the complete desired set of `generation` (already validated) and prunes managed objects
   * not in it, except those named in `keep` (pushed, but invalid: their old version stays).
   */
  applyDesiredState(
    generation: number,
    resources: readonly PolicyResource[],
    keep: readonly ResourceRef[],
  ): Promise<ApplyOutcome>;
  /** The last outcome (reported right after every welcome); null when nothing was ever applied. */
  appliedState(): ApplyOutcome | null;
  /** Drift noticed between applies, and the outcome after reverting; returns the unsubscribe function. */
  onDrift(listener: (outcome: ApplyOutcome) => void): () => void;
  /** Request methods only this provider serves (the simulated one: `traffic.evaluate`). */
  extraMethods?(): Readonly<Record<string, (params: JsonValue) => JsonValue | Promise<JsonValue>>>;
}
