// FlowStore on Postgres (migration 0006): the day-partitioned `flows` table for lists and hints,
// the per-minute rollups `flow_policy_minutes` and `flow_edge_minutes` and the hourly
// `flow_pair_hours` (built by the worker, decision 0207) for policy statistics and the service
// graph, and `cluster_flow_status` for ingestion. Every read goes through
// Database.query: one pipelined, read-only transaction with the tenant context set, so RLS applies
// on top of the org id in every WHERE, and a page and its count cost one round trip. Each
// statement is cut at the organisation's retention (flow-filter.sql.ts: retentionFloor).
//
// At fleet scale this class is what moves (decision 0045): a columnar engine (ClickHouse,
// MergeTree partitioned by day with a TTL, ordered by org, cluster and time, fed from the gateways
// through a log such as Kafka) answers the same five methods with the same SQL shapes — the
// filter translation is plain predicates and array containment, the rollups become aggregating
// materialised views — while settings and ingestion status stay in Postgres.
import { Inject, Injectable } from '@nestjs/common';
import { STAGED_POLICY_KINDS, type PolicyHit } from '@palisade/flows';
import { Database } from '../../platform/db/database.js';
import { ident, join, sql, type SqlFragment } from '../../platform/db/sql.js';
import {
  clusterIdsByName,
  END_OF_TIER,
  flowCondition,
  policyMatchKeys,
  retentionFloor,
  scopeCondition,
} from './flow-filter.sql.js';
import type {
  FlowCursor,
  FlowHintType,
  FlowQuery,
  FlowSortKey,
  FlowStore,
  FlowTenant,
  IngestionStatus,
  PolicyMatch,
  PolicyStatisticsQuery,
  PolicyStatisticsRow,
  ServiceGraphPair,
  ServiceGraphQuery,
  StoredFlow,
  StoredFlowKey,
  TrafficCounters,
} from './flow-store.js';

interface FlowRow {
  cluster_id: string;
  start_time: Date;
  end_time: Date;
  flow_key: string;
  source_type: string;
  source_namespace: string;
  source_name: string;
  source_labels: string[];
  dest_type: string;
  dest_namespace: string;
  dest_name: string;
  dest_labels: string[];
  dest_port: number;
  dest_service_namespace: string;
  dest_service_name: string;
  dest_service_port_name: string;
  dest_service_port: number;
  proto: string;
  reporter: string;
  action: string;
  pending_action: string | null;
  policies_enforced: PolicyHit[];
  policies_pending: PolicyHit[];
  packets_in: number;
  packets_out: number;
  bytes_in: number;
  bytes_out: number;
  num_flows: number;
  num_flows_started: number;
  num_flows_completed: number;
}

const SORT_COLUMNS = [
  'f.source_name',
  'f.source_namespace',
  'f.source_type',
  'f.dest_name',
  'f.dest_namespace',
  'f.dest_type',
];

const FLOW_COLUMNS = sql`f.cluster_id, f.start_time, f.end_time, encode(f.flow_key, 'hex') AS flow_key,
  f.source_type, f.source_namespace, f.source_name, f.source_labels,
  f.dest_type, f.dest_namespace, f.dest_name, f.dest_labels, f.dest_port,
  f.dest_service_namespace, f.dest_service_name, f.dest_service_port_name, f.dest_service_port,
  f.proto, f.reporter, f.action, f.pending_action, f.policies_enforced, f.policies_pending,
  f.packets_in::float8 AS packets_in, f.packets_out::float8 AS packets_out,
  f.bytes_in::float8 AS bytes_in, f.bytes_out::float8 AS bytes_out, f.num_flows::float8 AS num_flows,
  f.num_flows_started::float8 AS num_flows_started, f.num_flows_completed::float8 AS num_flows_completed`;

/** The columns of a flow key (StoredFlowKey): grouped by, so one row per key and cluster. */
const FLOW_KEY_COLUMNS = sql`f.cluster_id, f.source_type, f.source_namespace, f.source_name, f.source_labels,
  f.dest_type, f.dest_namespace, f.dest_name, f.dest_labels, f.dest_port,
  f.dest_service_namespace, f.dest_service_name, f.dest_service_port_name, f.dest_service_port,
  f.proto, f.reporter`;

type FlowKeyRow = Pick<
  FlowRow,
  | 'cluster_id'
  | 'source_type'
  | 'source_namespace'
  | 'source_name'
  | 'source_labels'
  | 'dest_type'
  | 'dest_namespace'
  | 'dest_name'
  | 'dest_labels'
  | 'dest_port'
  | 'dest_service_namespace'
  | 'dest_service_name'
  | 'dest_service_port_name'
  | 'dest_service_port'
  | 'proto'
  | 'reporter'
  | 'action'
  | 'policies_enforced'
  | 'num_flows'
> & { first_seen: Date; last_seen: Date };

const orNull = (s: string): string | null => (s === '' ? null : s);

function toFlow(r: FlowRow): StoredFlow {
  return {
    clusterId: r.cluster_id,
    flowKey: r.flow_key,
    startTime: r.start_time,
    endTime: r.end_time,
    sourceType: r.source_type,
    sourceNamespace: r.source_namespace,
    sourceName: r.source_name,
    sourceLabels: r.source_labels,
    destType: r.dest_type,
    destNamespace: r.dest_namespace,
    destName: r.dest_name,
    destLabels: r.dest_labels,
    // The store writes 0 where a protocol has no port and where no Service was addressed.
    destPort: r.dest_port === 0 ? null : r.dest_port,
    destServiceNamespace: r.dest_service_namespace,
    destServiceName: r.dest_service_name,
    destServicePortName: r.dest_service_port_name,
    destServicePort: r.dest_service_port === 0 ? null : r.dest_service_port,
    proto: r.proto,
    reporter: r.reporter,
    action: r.action,
    pendingAction: r.pending_action,
    enforced: r.policies_enforced,
    pending: r.policies_pending,
    packetsIn: r.packets_in,
    packetsOut: r.packets_out,
    bytesIn: r.bytes_in,
    bytesOut: r.bytes_out,
    numFlows: r.num_flows,
    numFlowsStarted: r.num_flows_started,
    numFlowsCompleted: r.num_flows_completed,
  };
}

/** ORDER BY and "after the cursor" for a sort: the column ascending, then newest first. */
function ordering(sort: FlowSortKey, after: FlowCursor | null): { order: SqlFragment; after: SqlFragment } {
  const key = sql`(f.start_time, f.cluster_id, f.flow_key)`;
  const keyAfter = after
    ? sql`${key} < (${new Date(after.t)}::timestamptz, ${after.c}::uuid, decode(${after.k}, 'hex'))`
    : sql`TRUE`;
  const tail = sql`f.start_time DESC, f.cluster_id DESC, f.flow_key DESC`;
  if (sort === 'time') return { order: tail, after: keyAfter };
  const col = ident(`f.${sort}`, SORT_COLUMNS);
  return {
    order: sql`${col} ASC, ${tail}`,
    after: after ? sql`(${col} > ${after.v} OR (${col} = ${after.v} AND ${keyAfter}))` : sql`TRUE`,
  };
}

// The policy a hit is about: itself, or for an end-of-tier hit the policy that triggered it.
const HIT_KIND = sql`CASE WHEN h->>'kind' = 'eot' THEN h->'trigger'->>'kind' ELSE h->>'kind' END`;
const HIT_NAMESPACE = sql`CASE WHEN h->>'kind' = 'eot' THEN h->'trigger'->>'namespace' ELSE h->>'namespace' END`;
const HIT_NAME = sql`CASE WHEN h->>'kind' = 'eot' THEN h->'trigger'->>'name' ELSE h->>'name' END`;

/** The value a hint type lists, over the flow (f) or one of its hits (h). */
function hintValue(type: FlowHintType): SqlFragment {
  switch (type) {
    case 'dest_name':
    case 'source_name':
    case 'dest_namespace':
    case 'source_namespace':
      return ident(`f.${type}`, SORT_COLUMNS);
    case 'policy_tier':
      return sql`h->>'tier'`;
    case 'policy_kind':
      return HIT_KIND;
    case 'policy_namespace':
      return HIT_NAMESPACE;
    case 'policy_name':
      return HIT_NAME;
  }
}

const ROLLUP_HINT_COLUMNS: Partial<Record<FlowHintType, string>> = {
  policy_tier: 'r.policy_tier',
  policy_kind: 'r.policy_kind',
  policy_namespace: 'r.policy_namespace',
  policy_name: 'r.policy_name',
};

/** A query that only names clusters and a window: hints can come from an index or a rollup. */
function scopeOnly(q: FlowQuery): boolean {
  return (
    q.sourceNames.length + q.sourceNamespaces.length + q.destNames.length + q.destNamespaces.length === 0 &&
    q.protocols.length + q.destPorts.length + q.actions.length + q.pendingActions.length === 0 &&
    q.policies.length === 0 &&
    q.reporter === null
  );
}

/** The time window and clusters of a rollup read (alias r, column `minute`). */
function rollupScope(
  orgId: string,
  q: { clusters: string[]; from: Date | null; to: Date | null },
): SqlFragment {
  const parts = [
    sql`r.org_id = ${orgId}::uuid`,
    // Whole minutes only: a minute that began before the floor may hold older flows.
    sql`r.minute >= ${retentionFloor(orgId)}`,
  ];
  parts.push(sql`r.cluster_id IN (${clusterIdsByName(orgId, q.clusters)})`);
  if (q.from) parts.push(sql`r.minute >= date_trunc('minute', ${q.from}::timestamptz)`);
  if (q.to) parts.push(sql`r.minute < ${q.to}`);
  return join(parts, ' AND ');
}

/** A hit of the policy rollup matching one PolicyMatch (end of tier: rule -1 of its trigger). */
function rollupPolicyMatch(m: PolicyMatch): SqlFragment {
  const parts: SqlFragment[] = [];
  if (m.kind === END_OF_TIER) parts.push(sql`r.rule_index = -1`);
  else if (m.kind) parts.push(sql`r.policy_kind = ${m.kind}`);
  if (m.tier) parts.push(sql`r.policy_tier = ${m.tier}`);
  if (m.namespace) parts.push(sql`r.policy_namespace = ${m.namespace}`);
  if (m.name) parts.push(sql`r.policy_name = ${m.name}`);
  if (m.action) parts.push(sql`r.policy_action = ${m.action}`);
  return parts.length ? sql`(${join(parts, ' AND ')})` : sql`TRUE`;
}

const COUNTERS = [
  ['packets_in', 'packetsIn'],
  ['packets_out', 'packetsOut'],
  ['bytes_in', 'bytesIn'],
  ['bytes_out', 'bytesOut'],
  ['num_flows_started', 'connectionsStarted'],
  ['num_flows_completed', 'connectionsCompleted'],
] as const;
const COUNTER_COLUMNS = COUNTERS.map(([c]) => `r.${c}`);
const SUM_PREFIXES = [
  'allowed',
  'denied',
  'passed',
  'allowed_dst',
  'allowed_src',
  'denied_src',
  'denied_dst',
] as const;
type SumPrefix = (typeof SUM_PREFIXES)[number];
const SUM_ALIASES = SUM_PREFIXES.flatMap((p) => COUNTERS.map(([c]) => `${p}_${c}`));

/** The six counters summed under their own names (the first stage of a rollup read). */
const PLAIN_SUMS = join(
  COUNTERS.map(([c]) => {
    const column = ident(`r.${c}`, COUNTER_COLUMNS);
    const alias = ident(
      c,
      COUNTERS.map(([name]) => name),
    );
    return sql`sum(${column}) AS ${alias}`;
  }),
  ', ',
);

/**
 * Rollup reads group a day of minutes (millions of rows at fleet scale) down to a few thousand
 * groups. With the default 4 MB the planner sorts them on disk; in memory it is several times
 * faster (bench/flows). Local to the read's own transaction; a hash aggregate that outgrows
 * it spills to disk rather than exceed it.
 */
const ROLLUP_WORK_MEM = sql`SET LOCAL work_mem = '64MB'`;

/**
 * The service graph groups by an eleven-column key whose groups Postgres cannot estimate (no
 * multi-column statistics on the rollup), so it guesses one group per row and sorts every minute
 * row to group them; there are in fact only pairs × reporter × action groups. Without sorts it
 * hashes them instead: measured 3–5× faster on 300 k minute rows (bench/flows). Only the
 * final top-N ordering still sorts, a few hundred rows. The lasting fix is multi-column statistics
 * (CREATE STATISTICS … (ndistinct)) on flow_edge_minutes in a migration.
 */
const GRAPH_PLAN = [
  ROLLUP_WORK_MEM,
  sql`SET LOCAL enable_sort = off`,
  sql`SET LOCAL enable_incremental_sort = off`,
  // The disabled sort above the aggregate (the busiest-first order, still a Sort: 10^10 in cost
  // however few its rows) lifted the plan past JIT's inlining and optimisation thresholds: 2.1 s
  // of compiling for 1.8 s of execution over 500 k minute rows (decision 0191).
  sql`SET LOCAL jit = off`,
] as const;

/**
 * Reads that walk an index and stop early: the newest-first page without a policy filter, and
 * the distinct names or namespaces hopped through their index. Postgres estimates a handful of
 * matching rows for them: the scoped-access policy on flows (`cluster_id <> ALL (denied
 * clusters)`, an array it cannot see at plan time) and the retention bound (`now() - retention
 * days`, a sub-select) each cut its estimate. So over 1 M flows in a day it read the whole window,
 * joined it to the organisation's clusters and sorted it for the page's 40 rows (3–5 s in
 * bench/web), each hop of the hint walk sorted the window again (over a minute per hint list),
 * and the inflated cost switched JIT on (40–90 ms per statement). Without sorts the page walks
 * flows_org_time_idx newest first and stops at the page, and each hop descends its column's
 * index once; a narrow filter with an index of its own (namespace, name) still uses it, and one
 * without reads at most the window the sort read anyway (decision 0180). JIT off: these
 * statements stop early, compiling never pays.
 */
const INDEX_WALK_PLAN = [sql`SET LOCAL jit = off`, sql`SET LOCAL enable_sort = off`] as const;

/**
 * The impact preview's grouping of a window into flow keys (decision 0205): every bucket of the
 * window (1 M rows for a day of the 2,000-pod demo) folded into a few tens of thousands of keys.
 * The same misestimate as above (the scoped-access policy alone makes Postgres expect one row)
 * made it sort the million rows on disk (64 MB with the default work_mem) to group them, and
 * switched JIT on (~0.4 s of compiling); hashed in memory instead, the statement is the scan plus
 * a hash probe per row, 3-4× faster over 1 M flows. A hash aggregate that outgrows work_mem
 * spills to disk rather than exceed it. The service graph's settings are exactly these (JIT off
 * included, decision 0191).
 */
const KEY_GROUP_PLAN = GRAPH_PLAN;

/**
 * What every source of the service graph gives (alias r): the pair, reporter, action and the
 * counters, from flow_pair_hours, flow_edge_minutes or flows alike.
 */
const GRAPH_COLUMNS = sql`r.cluster_id, r.source_type, r.source_namespace, r.source_name, r.dest_type,
  r.dest_namespace, r.dest_name, r.dest_service_namespace, r.dest_service_name, r.reporter, r.action,
  r.packets_in, r.packets_out, r.bytes_in, r.bytes_out, r.num_flows_started, r.num_flows_completed`;

/** Six summed counters under `<prefix>_<column>`, over the rows where `when` holds. */
function sums(prefix: SumPrefix, when: SqlFragment): SqlFragment {
  return join(
    COUNTERS.map(([c]) => {
      const column = ident(`r.${c}`, COUNTER_COLUMNS);
      const alias = ident(`${prefix}_${c}`, SUM_ALIASES);
      return sql`coalesce(sum(${column}) FILTER (WHERE ${when}), 0)::float8 AS ${alias}`;
    }),
    ', ',
  );
}

function counters(row: Record<string, unknown>, prefix: SumPrefix): TrafficCounters {
  const out = {} as Record<(typeof COUNTERS)[number][1], number>;
  for (const [c, name] of COUNTERS) out[name] = Number(row[`${prefix}_${c}`] ?? 0);
  return out;
}

/** A page and its count, over one condition. */
function plainListStatements(
  where: SqlFragment,
  o: { order: SqlFragment; after: SqlFragment },
  limit: number,
  countUpTo: number,
) {
  return [
    sql<FlowRow>`SELECT ${FLOW_COLUMNS} FROM flows f WHERE ${where} AND ${o.after}
      ORDER BY ${o.order} LIMIT ${limit}`,
    sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM flows f WHERE ${where}
      LIMIT ${countUpTo + 1}) c`,
  ] as const;
}

/** How many flows (up to `countUpTo` + 1) match the policy conditions in the query's scope. */
function policyMatchCount(orgId: string, query: FlowQuery, countUpTo: number) {
  return sql<{ n: number }>`SELECT count(*)::int AS n FROM (${policyMatchKeys(orgId, query, countUpTo)}) k`;
}

/**
 * A page and its count under a narrow policy filter (at most `countUpTo` matches, decisions 0085
 * and 0209): the matches are read by key through flows_policies_idx (the definer function), where
 * the inline filter would read the whole window to find them.
 */
function policyKeyListStatements(
  orgId: string,
  query: FlowQuery,
  o: { order: SqlFragment; after: SqlFragment },
  limit: number,
  countUpTo: number,
) {
  const rest = flowCondition(orgId, { ...query, policies: [] });
  const keys = sql`(f.cluster_id, f.start_time, f.flow_key) IN (SELECT * FROM pm)`;
  const pm = sql`WITH pm AS MATERIALIZED (${policyMatchKeys(orgId, query, countUpTo)})`;
  return [
    sql<FlowRow>`${pm} SELECT ${FLOW_COLUMNS} FROM flows f WHERE ${rest} AND ${keys} AND ${o.after}
      ORDER BY ${o.order} LIMIT ${limit}`,
    sql<{ n: number }>`${pm} SELECT count(*)::int AS n FROM (SELECT 1 FROM flows f WHERE ${rest} AND ${keys}
      LIMIT ${countUpTo + 1}) c`,
  ] as const;
}

@Injectable()
export class FlowsRepository implements FlowStore {
  constructor(@Inject(Database) private readonly db: Database) {}

  async list(
    tenant: FlowTenant,
    query: FlowQuery,
    sort: FlowSortKey,
    after: FlowCursor | null,
    limit: number,
    countUpTo: number,
  ): Promise<{ rows: StoredFlow[]; total: number; exact: boolean }> {
    const orgId = tenant.orgId;
    const o = ordering(sort, after);
    // The count stops one past countUpTo: an exact count of millions of rows would cost more than
    // the page itself, and "more than 10,000" is all a flow log needs to say (Elasticsearch's
    // track_total_hits makes the same trade for Calico Enterprise's flow log).
    let rows: FlowRow[];
    let count: { n: number }[];
    if (query.policies.length) return this.listByPolicy(tenant, query, sort, o, limit, countUpTo);
    if (sort === 'time')
      [, , rows, count] = await this.db.query(tenant, [
        ...INDEX_WALK_PLAN,
        ...plainListStatements(flowCondition(orgId, query), o, limit, countUpTo),
      ]);
    else
      [rows, count] = await this.db.query(
        tenant,
        plainListStatements(flowCondition(orgId, query), o, limit, countUpTo),
      );
    const n = count[0]?.n ?? 0;
    return { rows: rows.map(toFlow), total: Math.min(n, countUpTo), exact: n <= countUpTo };
  }

  /**
   * The list under a policy filter (decisions 0085, 0209). First how many flows match the policy
   * conditions in the query's scope, up to `countUpTo` + 1, through the GIN index (the bitmap scan
   * stops there). At most `countUpTo`: they are read by key. More: the match is broad, and the page
   * walks the time index newest first with the inline filter, stopping at the page (Postgres
   * underestimates `@>`, so without the walk plan it would read and sort the whole window). With
   * no condition other than policies, the first count is the count.
   */
  private async listByPolicy(
    tenant: FlowTenant,
    query: FlowQuery,
    sort: FlowSortKey,
    o: { order: SqlFragment; after: SqlFragment },
    limit: number,
    countUpTo: number,
  ): Promise<{ rows: StoredFlow[]; total: number; exact: boolean }> {
    const orgId = tenant.orgId;
    const [[probe]] = await this.db.query(tenant, [policyMatchCount(orgId, query, countUpTo)]);
    const matches = probe?.n ?? 0;
    const policiesOnly = scopeOnly({ ...query, policies: [] });
    // Narrow: by key. Broad: the inline filter, newest first on the time index when sorted by time.
    const [page, count] =
      matches <= countUpTo
        ? policyKeyListStatements(orgId, query, o, limit, countUpTo)
        : plainListStatements(flowCondition(orgId, query), o, limit, countUpTo);
    const plan = matches > countUpTo && sort === 'time' ? INDEX_WALK_PLAN : [];
    const read: unknown[][] = await this.db.query(
      tenant,
      policiesOnly ? [...plan, page] : [...plan, page, count],
    );
    const rows = read[plan.length] as FlowRow[];
    const n = policiesOnly ? matches : ((read[plan.length + 1] as { n: number }[])[0]?.n ?? 0);
    return { rows: rows.map(toFlow), total: Math.min(n, countUpTo), exact: n <= countUpTo };
  }

  async hints(
    tenant: FlowTenant,
    type: FlowHintType,
    query: FlowQuery,
    after: string | null,
    limit: number,
  ): Promise<{ values: string[]; total: number }> {
    const orgId = tenant.orgId;
    const isPolicy = type.startsWith('policy_');
    if (scopeOnly(query))
      return isPolicy
        ? this.policyHintsFromRollup(tenant, type, query, after, limit)
        : this.endpointHintsByIndex(tenant, type, query, after, limit);
    const where = flowCondition(orgId, query);
    const value = hintValue(type);
    const from = isPolicy
      ? sql`flows f CROSS JOIN LATERAL jsonb_array_elements(f.policies_enforced || f.policies_pending) h`
      : sql`flows f`;
    // Goldmane leaves profiles out of policy hints; '' is "no namespace".
    const extra = isPolicy ? sql`${HIT_KIND} <> 'pro' AND ${value} <> ''` : sql`TRUE`;
    const [rows, count] = await this.db.query(tenant, [
      sql<{ value: string }>`SELECT DISTINCT ${value} AS value FROM ${from}
        WHERE ${where} AND ${extra} AND ${after === null ? sql`TRUE` : sql`${value} > ${after}`}
        ORDER BY value LIMIT ${limit}`,
      sql<{ n: number }>`SELECT count(DISTINCT ${value})::int AS n FROM ${from} WHERE ${where} AND ${extra}`,
    ]);
    return { values: rows.map((r) => r.value), total: count[0]?.n ?? 0 };
  }

  /**
   * Distinct names or namespaces by hopping through the (org, column, time) index: each step asks
   * for the smallest value above the previous one, one index descent per partition, instead of
   * reading every flow (Postgres has no skip scan). Its text comparisons are leakproof, so RLS
   * leaves the index usable.
   */
  private async endpointHintsByIndex(
    tenant: FlowTenant,
    type: FlowHintType,
    query: FlowQuery,
    after: string | null,
    limit: number,
  ): Promise<{ values: string[]; total: number }> {
    const orgId = tenant.orgId;
    const col = ident(`f.${type}`, SORT_COLUMNS);
    const scope = scopeCondition(orgId, query);
    const above = (bound: SqlFragment | null) =>
      sql`(SELECT ${col} FROM flows f WHERE ${scope} ${bound ? sql`AND ${col} > ${bound}` : sql``}
          ORDER BY ${col} LIMIT 1)`;
    const walk = (start: SqlFragment | null) =>
      sql`WITH RECURSIVE v(value) AS (SELECT ${above(start)}
            UNION ALL SELECT ${above(sql`v.value`)} FROM v WHERE v.value IS NOT NULL)`;
    const [, , rows, count] = await this.db.query(tenant, [
      ...INDEX_WALK_PLAN,
      sql<{ value: string }>`${walk(after === null ? null : sql`${after}::text`)}
        SELECT value FROM v WHERE value IS NOT NULL LIMIT ${limit}`,
      sql<{ n: number }>`${walk(null)} SELECT count(*)::int AS n FROM v WHERE value IS NOT NULL`,
    ]);
    return { values: rows.map((r) => r.value), total: count[0]?.n ?? 0 };
  }

  /** Policy values from the per-minute policy rollup (an end of tier is stored as its trigger). */
  private async policyHintsFromRollup(
    tenant: FlowTenant,
    type: FlowHintType,
    query: FlowQuery,
    after: string | null,
    limit: number,
  ): Promise<{ values: string[]; total: number }> {
    const orgId = tenant.orgId;
    const value = ident(ROLLUP_HINT_COLUMNS[type] ?? 'r.policy_name', Object.values(ROLLUP_HINT_COLUMNS));
    const where = sql`${rollupScope(orgId, query)} AND r.policy_kind <> 'pro' AND ${value} <> ''`;
    const [, rows, count] = await this.db.query(tenant, [
      ROLLUP_WORK_MEM,
      sql<{ value: string }>`SELECT DISTINCT ${value} AS value FROM flow_policy_minutes r
        WHERE ${where} AND ${after === null ? sql`TRUE` : sql`${value} > ${after}`}
        ORDER BY value LIMIT ${limit}`,
      sql<{ n: number }>`SELECT count(DISTINCT ${value})::int AS n FROM flow_policy_minutes r WHERE ${where}`,
    ]);
    return { values: rows.map((r) => r.value), total: count[0]?.n ?? 0 };
  }

  async policyStatistics(
    tenant: FlowTenant,
    q: PolicyStatisticsQuery,
    skip: number,
    limit: number,
  ): Promise<{ rows: PolicyStatisticsRow[]; total: number }> {
    const orgId = tenant.orgId;
    const where = join(
      [
        rollupScope(orgId, q),
        sql`(r.trace = 'enforced' OR r.policy_kind = ANY(${[...STAGED_POLICY_KINDS]}::text[]))`,
        q.policies.length ? sql`(${join(q.policies.map(rollupPolicyMatch), ' OR ')})` : sql`TRUE`,
      ],
      ' AND ',
    );
    const rule = q.byRule ? sql`r.rule_index` : sql`NULL::int`;
    // First per policy (and rule) and action with plain sums, then one row per policy (and rule):
    // the FILTERed sums run over a few rows per group instead of every minute.
    const perAction = sql`SELECT r.policy_kind, r.policy_tier, r.policy_namespace, r.policy_name,
        ${rule} AS rule_index, r.policy_action, ${PLAIN_SUMS}
      FROM flow_policy_minutes r WHERE ${where}
      GROUP BY r.policy_kind, r.policy_tier, r.policy_namespace, r.policy_name, ${rule}, r.policy_action`;
    const [, rows] = await this.db.query(tenant, [
      ROLLUP_WORK_MEM,
      sql<
        Record<string, unknown> & {
          kind: string;
          tier: string;
          namespace: string;
          name: string;
          rule_index: number | null;
          total: number;
        }
      >`
        SELECT r.policy_kind AS kind, r.policy_tier AS tier, r.policy_namespace AS namespace,
               r.policy_name AS name, r.rule_index,
               ${sums('allowed', sql`r.policy_action = 'allow'`)},
               ${sums('denied', sql`r.policy_action = 'deny'`)},
               ${sums('passed', sql`r.policy_action = 'pass'`)},
               (count(*) OVER ())::int AS total
          FROM (${perAction}) r
         GROUP BY r.policy_kind, r.policy_tier, r.policy_namespace, r.policy_name, r.rule_index
         ORDER BY tier, kind, namespace, name, rule_index LIMIT ${limit} OFFSET ${skip}`,
    ]);
    // The window counts every group; only a page past the end needs the count on its own.
    const count =
      rows.length > 0 || skip === 0
        ? [{ n: rows[0]?.total ?? 0 }]
        : (
            await this.db.query(tenant, [
              ROLLUP_WORK_MEM,
              sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT DISTINCT r.policy_kind, r.policy_tier,
                r.policy_namespace, r.policy_name, r.rule_index FROM (${perAction}) r) g`,
            ])
          )[1];
    return {
      total: count[0]?.n ?? 0,
      rows: rows.map((r) => ({
        kind: r.kind,
        tier: r.tier,
        namespace: orNull(r.namespace),
        name: r.name,
        ruleIndex: r.rule_index,
        allowed: counters(r, 'allowed'),
        denied: counters(r, 'denied'),
        passed: counters(r, 'passed'),
      })),
    };
  }

  async serviceGraph(tenant: FlowTenant, q: ServiceGraphQuery): Promise<ServiceGraphPair[]> {
    const orgId = tenant.orgId;
    const clusters = sql`r.org_id = ${orgId}::uuid AND r.cluster_id IN (${clusterIdsByName(orgId, q.clusters)})`;
    const namespaces = q.namespaces.length
      ? sql`(r.source_namespace = ANY(${q.namespaces}::text[]) OR r.dest_namespace = ANY(${q.namespaces}::text[]))`
      : sql`TRUE`;
    const where = sql`${clusters} AND ${namespaces}`;
    // The minutes of the window are m >= lo (the retention floor and the start's minute) and
    // m < hi; hours [c1, c2) are the whole ones. Every minute is read from exactly one place
    // (decision 0207, migration 0036's invariants): a pending minute from its flows; a whole hour
    // with nothing pending from flow_pair_hours; every other minute from flow_edge_minutes.
    const bound = (name: 'lo' | 'hi' | 'c1' | 'c2') => ident(`b.${name}`, ['b.lo', 'b.hi', 'b.c1', 'b.c2']);
    const [lo, hi, c1, c2] = [bound('lo'), bound('hi'), bound('c1'), bound('c2')];
    const notPendingMinute = sql`NOT EXISTS (SELECT 1 FROM flow_edge_pending_minutes p
      WHERE p.cluster_id = r.cluster_id AND p.minute = r.minute)`;
    const minuteRows = (range: SqlFragment) =>
      sql`SELECT ${GRAPH_COLUMNS} FROM b, flow_edge_minutes r WHERE ${where} AND ${range} AND ${notPendingMinute}`;
    const key = sql`r.cluster_id, r.source_type, r.source_namespace, r.source_name, r.dest_type,
      r.dest_namespace, r.dest_name, r.dest_service_namespace, r.dest_service_name`;
    // Allowed traffic once: the destination's report when it made one for this pair (it saw what
    // arrived), else the source's (a destination outside Calico's view reports nothing).
    const [, , , , rows] = await this.db.query(tenant, [
      ...GRAPH_PLAN,
      sql<
        Record<string, unknown> & {
          cluster_id: string;
          source_type: string;
          source_namespace: string;
          source_name: string;
          dest_type: string;
          dest_namespace: string;
          dest_name: string;
          dest_service_namespace: string;
          dest_service_name: string;
          dst_reported: boolean;
        }
      >`
        WITH b AS MATERIALIZED (
          SELECT lo, hi, c1, greatest(c1, date_trunc('hour', hi - interval '59 minutes' - interval '1 microsecond')
                 + interval '1 hour') AS c2
            FROM (SELECT lo, hi, date_trunc('hour', lo - interval '1 microsecond') + interval '1 hour' AS c1
                    FROM (SELECT greatest(${retentionFloor(orgId)}, date_trunc('minute', ${q.from}::timestamptz)) AS lo,
                                 ${q.to}::timestamptz AS hi) t) u),
        dirty AS MATERIALIZED (
          SELECT DISTINCT d.cluster_id, d.hour
            FROM (SELECT p.cluster_id, date_trunc('hour', p.minute) AS hour FROM flow_edge_pending_minutes p
                   WHERE p.org_id = ${orgId}::uuid
                  UNION ALL
                  SELECT p.cluster_id, p.hour FROM flow_edge_pending_hours p WHERE p.org_id = ${orgId}::uuid) d, b
           WHERE d.hour >= ${c1} AND d.hour < ${c2})
        SELECT ${key},
               bool_or(r.action = 'allow' AND r.reporter = 'dst') AS dst_reported,
               ${sums('allowed_dst', sql`r.action = 'allow' AND r.reporter = 'dst'`)},
               ${sums('allowed_src', sql`r.action = 'allow' AND r.reporter = 'src'`)},
               ${sums('denied_src', sql`r.action = 'deny' AND r.reporter = 'src'`)},
               ${sums('denied_dst', sql`r.action = 'deny' AND r.reporter = 'dst'`)}
          FROM (
            SELECT ${GRAPH_COLUMNS} FROM b, flow_pair_hours r
             WHERE ${where} AND r.hour >= ${c1} AND r.hour < ${c2}
               AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.cluster_id = r.cluster_id AND d.hour = r.hour)
            UNION ALL
            ${minuteRows(sql`r.minute >= ${lo} AND r.minute < ${c1} AND r.minute < ${hi}`)}
            UNION ALL
            ${minuteRows(sql`r.minute >= ${c2} AND r.minute < ${hi}`)}
            UNION ALL
            SELECT ${GRAPH_COLUMNS} FROM dirty d
              JOIN flow_edge_minutes r ON r.cluster_id = d.cluster_id AND r.minute >= d.hour
               AND r.minute < d.hour + interval '1 hour'
             WHERE ${where} AND ${notPendingMinute}
            UNION ALL
            SELECT ${GRAPH_COLUMNS} FROM b, flow_edge_pending_minutes p
              JOIN flows r ON r.org_id = ${orgId}::uuid AND r.cluster_id = p.cluster_id
               AND r.start_time >= p.minute AND r.start_time < p.minute + interval '1 minute'
             WHERE p.org_id = ${orgId}::uuid AND p.minute >= ${lo} AND p.minute < ${hi} AND ${where}
          ) r
         GROUP BY ${key}
         ORDER BY sum(r.bytes_in + r.bytes_out) DESC, sum(r.packets_in + r.packets_out) DESC,
                  r.cluster_id, r.source_namespace, r.source_name, r.dest_namespace, r.dest_name,
                  r.dest_service_namespace, r.dest_service_name, r.source_type, r.dest_type
         LIMIT ${q.maxPairs + 1}`,
    ]);
    return rows.map((r) => ({
      clusterId: r.cluster_id,
      sourceType: r.source_type,
      sourceNamespace: r.source_namespace,
      sourceName: r.source_name,
      destType: r.dest_type,
      destNamespace: r.dest_namespace,
      destName: r.dest_name,
      destServiceNamespace: r.dest_service_namespace,
      destServiceName: r.dest_service_name,
      allowed: counters(r, r.dst_reported ? 'allowed_dst' : 'allowed_src'),
      deniedAtSource: counters(r, 'denied_src'),
      deniedAtDest: counters(r, 'denied_dst'),
    }));
  }

  async flowKeys(
    tenant: FlowTenant,
    query: FlowQuery,
    boundaries: readonly Date[] = [],
  ): Promise<StoredFlowKey[]> {
    const orgId = tenant.orgId;
    // Hash-group by the stored aggregation key (every key field, the verdict and the trace; not
    // the time), then read each group's latest bucket by primary key for its fields, verdict and
    // trace: far cheaper than grouping by the sixteen columns. The labels are the latest bucket's.
    // With boundaries, a bucket's segment is how many boundaries are at or before its start.
    const segment =
      boundaries.length === 0
        ? sql`0`
        : sql`width_bucket(f.start_time, ${boundaries.map((b) => b.toISOString())}::timestamptz[])`;
    const [, , , , rows] = await this.db.query(tenant, [
      ...KEY_GROUP_PLAN,
      sql<FlowKeyRow & { segment: number }>`WITH g AS (
          SELECT f.cluster_id, f.flow_key, ${segment} AS segment, min(f.start_time) AS first_seen,
            max(f.start_time) AS last_seen, sum(f.num_flows)::float8 AS num_flows
          FROM flows f WHERE ${flowCondition(orgId, query)}
          GROUP BY 1, 2, 3)
        SELECT ${FLOW_KEY_COLUMNS}, f.action, f.policies_enforced, g.first_seen, g.last_seen, g.num_flows,
          g.segment
        FROM g JOIN flows f
          ON f.org_id = ${orgId}::uuid AND f.cluster_id = g.cluster_id AND f.start_time = g.last_seen
            AND f.flow_key = g.flow_key`,
    ]);
    return rows.map((r) => ({
      clusterId: r.cluster_id,
      sourceType: r.source_type,
      sourceNamespace: r.source_namespace,
      sourceName: r.source_name,
      sourceLabels: r.source_labels,
      destType: r.dest_type,
      destNamespace: r.dest_namespace,
      destName: r.dest_name,
      destLabels: r.dest_labels,
      destPort: r.dest_port,
      destServiceNamespace: r.dest_service_namespace,
      destServiceName: r.dest_service_name,
      destServicePortName: r.dest_service_port_name,
      destServicePort: r.dest_service_port,
      proto: r.proto,
      reporter: r.reporter,
      action: r.action,
      enforced: r.policies_enforced,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      numFlows: r.num_flows,
      segment: r.segment,
    }));
  }

  async ingestionStatus(
    tenant: FlowTenant,
    clusterIds: readonly string[],
  ): Promise<Map<string, IngestionStatus>> {
    const orgId = tenant.orgId;
    const out = new Map<string, IngestionStatus>();
    if (clusterIds.length === 0) return out;
    const [rows] = await this.db.query(tenant, [
      sql<{
        cluster_id: string;
        last_batch_at: Date;
        seconds_since_last_batch: number;
        records_per_second: number;
        records_accepted: string;
        records_rejected: string;
        dropped_total: string;
        rejected_by_reason: Record<string, number>;
      }>`SELECT s.cluster_id, s.last_batch_at,
                extract(epoch FROM now() - s.last_batch_at)::float8 AS seconds_since_last_batch,
                s.records_per_second, s.records_accepted,
                s.records_rejected, s.dropped_total, s.rejected_by_reason
           FROM cluster_flow_status s
          WHERE s.org_id = ${orgId}::uuid AND s.cluster_id = ANY(${[...clusterIds]}::uuid[])`,
    ]);
    for (const r of rows) {
      out.set(r.cluster_id, {
        lastBatchAt: r.last_batch_at,
        secondsSinceLastBatch: r.seconds_since_last_batch,
        recordsPerSecond: r.records_per_second,
        recordsAccepted: Number(r.records_accepted),
        recordsRejected: Number(r.records_rejected),
        droppedTotal: Number(r.dropped_total),
        rejected: Object.entries(r.rejected_by_reason)
          .map(([reason, count]) => ({ reason, count: Number(count) }))
          .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      });
    }
    return out;
  }
}
