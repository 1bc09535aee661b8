// The one interface between the agent and a cluster. Everything above it (tunnel, inventory sync,
// requests) is shared by the simulated and the kubernetes provider, which is what makes the
// simulated cluster a faithful stand-in: it exercises every code path a real cluster does.
//
// A provider owns reading its cluster; it never talks to the gateway. Capabilities arrive with the
// issues that need them, as further members here, implemented by both providers:
// TODO(#5) `applyDesiredState(generation, resources): Promise<ApplyOutcome>` (simulated: its own
// policy store; kubernetes: server-side apply with one field manager) and drift reports;
// flows from the traffic simulator (simulated) or Calico's flow service (kubernetes).

import type { ClusterFacts, InventoryItems, ProviderKind } from '@palisade/protocol';
import type { InventoryCounts, InventoryDelta } from '../inventory/inventory-delta.js';

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
}
