// What the API needs from flow history, independent of the engine that keeps it. The one
// implementation is Postgres (flows.repository.ts); decision 0045 says how a columnar engine
// would take its place. Every method takes the organisation first and answers only from flows
// younger than the organisation's retention setting: the store, not its callers, owns that rule,
// so no new read path can forget it.

import type { PolicyHit } from '@palisade/flows';
import type { TenantContext } from '../../platform/db/database.js';

/** String values are the store's own (spec §6.1): `wep`, `allow`, `src`, `CalicoNetworkPolicy`, … */
export interface StringMatch {
  value: string;
  type: 'exact' | 'fuzzy';
}

/** Unset parts match anything. */
export interface PolicyMatch {
  kind?: string | null | undefined;
  tier?: string | null | undefined;
  namespace?: string | null | undefined;
  name?: string | null | undefined;
  action?: string | null | undefined;
}

/** Goldmane's Filter plus clusters and a time window; empty lists match everything. */
export interface FlowQuery {
  /** Cluster names (a name the organisation does not have matches nothing); empty: every cluster. */
  clusters: string[];
  /** Cluster ids, AND-ed with `clusters` (the live path knows the id of the cluster that sent). */
  clusterIds?: string[];
  from: Date | null;
  to: Date | null;
  sourceNames: StringMatch[];
  sourceNamespaces: StringMatch[];
  destNames: StringMatch[];
  destNamespaces: StringMatch[];
  protocols: StringMatch[];
  destPorts: number[];
  actions: string[];
  /** The final pending verdict (the last pending hit's action). */
  pendingActions: string[];
  policies: PolicyMatch[];
  reporter: string | null;
}

export type FlowSortKey =
  'time' | 'source_name' | 'source_namespace' | 'source_type' | 'dest_name' | 'dest_namespace' | 'dest_type';

/** Position after a row of a sorted list: its sort value, then its key (start, cluster, flow key). */
export interface FlowCursor {
  /** The sort column's value; null for TIME. */
  v: string | null;
  /** start_time, Unix milliseconds. */
  t: number;
  c: string;
  /** flow_key, hex. */
  k: string;
}

export interface StoredFlow {
  clusterId: string;
  /** The aggregation key's hash, hex: with cluster and start time, the row's identity. */
  flowKey: string;
  startTime: Date;
  endTime: Date;
  sourceType: string;
  sourceNamespace: string;
  sourceName: string;
  sourceLabels: string[];
  destType: string;
  destNamespace: string;
  destName: string;
  destLabels: string[];
  destPort: number | null;
  destServiceNamespace: string;
  destServiceName: string;
  destServicePortName: string;
  destServicePort: number | null;
  proto: string;
  reporter: string;
  action: string;
  pendingAction: string | null;
  /** Hits as @palisade/flows structures them ('' for no namespace), by policy index. */
  enforced: PolicyHit[];
  pending: PolicyHit[];
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  numFlows: number;
  numFlowsStarted: number;
  numFlowsCompleted: number;
}

export type FlowHintType =
  | 'dest_name'
  | 'source_name'
  | 'dest_namespace'
  | 'source_namespace'
  | 'policy_tier'
  | 'policy_name'
  | 'policy_kind'
  | 'policy_namespace';

export interface TrafficCounters {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  connectionsStarted: number;
  connectionsCompleted: number;
}

export interface PolicyStatisticsQuery {
  clusters: string[];
  from: Date | null;
  to: Date | null;
  /** Restricts to hits matching any of these (an end-of-tier verdict counts for its trigger). */
  policies: PolicyMatch[];
  byRule: boolean;
}

export interface PolicyStatisticsRow {
  kind: string;
  tier: string;
  namespace: string | null;
  name: string;
  ruleIndex: number | null;
  allowed: TrafficCounters;
  denied: TrafficCounters;
  passed: TrafficCounters;
}

export interface ServiceGraphQuery {
  clusters: string[];
  from: Date;
  to: Date;
  /** Flows with either end in one of these namespaces; empty: all. */
  namespaces: string[];
  /** Most traffic first, at most this many endpoint pairs. */
  maxPairs: number;
}

/** Traffic between two endpoints (and the Service it was addressed to) over the window. */
export interface ServiceGraphPair {
  clusterId: string;
  sourceType: string;
  sourceNamespace: string;
  sourceName: string;
  destType: string;
  destNamespace: string;
  destName: string;
  destServiceNamespace: string;
  destServiceName: string;
  allowed: TrafficCounters;
  deniedAtSource: TrafficCounters;
  deniedAtDest: TrafficCounters;
}

export interface IngestionStatus {
  lastBatchAt: Date | null;
  /** Since the last batch, by the store's clock (which stamped it); null without one. */
  secondsSinceLastBatch: number | null;
  /** Accepted records per second, smoothed over about a minute by the gateway, as of its last batch. */
  recordsPerSecond: number;
  recordsAccepted: number;
  recordsRejected: number;
  droppedTotal: number;
  /** By reason, most first. */
  rejected: { reason: string; count: number }[];
}

/**
 * One flow key of a window (every replay-relevant field of a flow: no time, verdict or counters),
 * as the impact preview replays it; the latest bucket gives the recorded verdict and trace.
 */
export interface StoredFlowKey {
  clusterId: string;
  sourceType: string;
  sourceNamespace: string;
  sourceName: string;
  sourceLabels: string[];
  destType: string;
  destNamespace: string;
  destName: string;
  destLabels: string[];
  /** 0 where the protocol has no port (as stored, unlike StoredFlow). */
  destPort: number;
  destServiceNamespace: string;
  destServiceName: string;
  destServicePortName: string;
  destServicePort: number;
  proto: string;
  reporter: string;
  action: string;
  enforced: PolicyHit[];
  firstSeen: Date;
  lastSeen: Date;
  numFlows: number;
  /**
   * Which part of the window the key's buckets fall in, when `flowKeys` was given boundaries: the
   * number of boundaries at or before its buckets' start (0 without boundaries).
   */
  segment: number;
}

/** Whose flows: the organisation, and the caller's scope in it (flows of clusters outside it are hidden). */
export type FlowTenant = TenantContext & { orgId: string };

export interface FlowStore {
  /**
   * One page in `sort` order after `after`, `limit` rows at most, and how many match, counted up
   * to `countUpTo` (`exact` false: at least that many).
   */
  list(
    tenant: FlowTenant,
    query: FlowQuery,
    sort: FlowSortKey,
    after: FlowCursor | null,
    limit: number,
    countUpTo: number,
  ): Promise<{ rows: StoredFlow[]; total: number; exact: boolean }>;

  /** Distinct values of one field in the matching flows, in order, after `after`. */
  hints(
    tenant: FlowTenant,
    type: FlowHintType,
    query: FlowQuery,
    after: string | null,
    limit: number,
  ): Promise<{ values: string[]; total: number }>;

  policyStatistics(
    tenant: FlowTenant,
    query: PolicyStatisticsQuery,
    skip: number,
    limit: number,
  ): Promise<{ rows: PolicyStatisticsRow[]; total: number }>;

  /** Endpoint pairs with the most traffic first, `maxPairs + 1` at most (the extra one says "more"). */
  serviceGraph(tenant: FlowTenant, query: ServiceGraphQuery): Promise<ServiceGraphPair[]>;

  /**
   * The distinct flow keys of the matching flows (for the impact preview), in no set order; with
   * `boundaries` (ascending times inside the window), per key and segment between boundaries.
   */
  flowKeys(tenant: FlowTenant, query: FlowQuery, boundaries?: readonly Date[]): Promise<StoredFlowKey[]>;

  /** For several clusters in one read; a cluster that never sent a batch has no entry. */
  ingestionStatus(tenant: FlowTenant, clusterIds: readonly string[]): Promise<Map<string, IngestionStatus>>;
}

export const FLOW_STORE = Symbol('FlowStore');
