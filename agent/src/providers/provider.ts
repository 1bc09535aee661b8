// The one interface between the agent and a cluster. Everything above it (tunnel, inventory sync,
// requests) is shared by the simulated and the kubernetes provider, which is what makes the
// simulated cluster a faithful stand-in: it exercises every code path a real cluster does.
//
// A provider owns reading its cluster and applying policy to it; it never talks to the gateway.
// Policy (decision 0009): `applyDesiredState` applies a generation's validated objects and prunes
// the managed ones no longer desired (simulated: its own policy store; kubernetes: server-side
// apply with one field manager), and drift noticed between applies is reported through `onDrift`.
// Flows: a provider that can see traffic delivers it as flow records through `onFlows` (simulated:
// the traffic simulator; kubernetes: Calico's Goldmane `Flows.Stream`). The agent subscribes once,
// for the agent's lifetime, and aggregates, buffers and ships what it gets (agent/src/flows/), so a
// provider neither batches, nor retries, nor knows whether a gateway is connected.

import type { FlowRecord } from '@palisade/flows';
import type { PolicyResource } from '@palisade/policy';
import type {
  ClusterFacts,
  InventoryItems,
  JsonValue,
  NodeInfo,
  ProviderKind,
  ResourceRef,
} from '@palisade/protocol';
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
  /**
   * Subscribes to the cluster's flows; returns the unsubscribe function. A provider that cannot see
   * traffic omits it. The source runs while a listener is subscribed; `problems()` says when it
   * cannot (Goldmane unreachable, say), and the provider keeps retrying on its own.
   *
   * Each call hands over records observed since the previous one, in the current trace format, with
   * any `start_time`/`end_time` inside one 15 s bucket: the agent re-buckets by `start_time` (aligned
   * down to a multiple of 15, `end_time` = start + 15) and merges equal keys (spec flow-logs §6.2),
   * so a provider may deliver per connection, per second or per Goldmane bucket, and may deliver a
   * bucket after it has ended. Records are handed over, not lent: the provider must not touch them
   * afterwards. Delivery is synchronous and must be cheap; never throw from the listener's caller.
   */
  onFlows?(listener: (records: FlowRecord[]) => void): () => void;
  /**
   * Every node with its dataplane and WireGuard state, sorted by name (decision 0091); a provider
   * that cannot see nodes omits both.
   */
  nodes?(): NodeInfo[];
  /** Calls `listener` when `nodes()` may have changed; returns the unsubscribe function. */
  onNodes?(listener: () => void): () => void;
  /** Request methods only this provider serves (the simulated one: `traffic.evaluate`). */
  extraMethods?(): Readonly<Record<string, (params: JsonValue) => JsonValue | Promise<JsonValue>>>;
}
