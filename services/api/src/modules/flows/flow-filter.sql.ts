// Translates a FlowQuery into a SQL condition over the `flows` table (alias f) with the meaning of
// @palisade/flows' in-memory matcher (filter-match.ts), which is Goldmane's (spec §2, §6.4):
// lists OR-ed, fields AND-ed; EXACT is equality, FUZZY a case-sensitive substring; a name or
// namespace also answers to its alias (`pub` ↔ `PUBLIC NETWORK`, `pvt` ↔ `PRIVATE NETWORK`,
// `-` ↔ `Global`); a policy match looks at enforced and pending hits alike, an end-of-tier hit
// through the policy that triggered it. test/flows/flows-filter.test.ts holds the two to the same
// answers. Values only ever travel as parameters. The retention floor is part of every condition.
import { NAMESPACE_ALIASES, NAME_ALIASES } from '@palisade/flows';
import { ident, join, sql, type SqlFragment } from '../../platform/db/sql.js';
import type { FlowQuery, PolicyMatch, StringMatch } from './flow-store.js';

export const END_OF_TIER = 'eot';

const TRUE = sql`TRUE`;
const ENDPOINT_COLUMNS = ['f.source_name', 'f.source_namespace', 'f.dest_name', 'f.dest_namespace'];

/** Oldest start time the organisation may still see: now minus its retention setting. */
export function retentionFloor(orgId: string): SqlFragment {
  return sql`(now() - make_interval(days => (SELECT o.flow_retention_days FROM organizations o WHERE o.id = ${orgId}::uuid)))`;
}

/**
 * The ids of the organisation's clusters with these names (unknown names: none), or of all its
 * clusters. Flows of a deleted cluster stay stored until their day is dropped (decision 0040) but
 * are history of nothing the organisation has: no read shows them.
 */
export function clusterIdsByName(orgId: string, names: string[]): SqlFragment {
  return names.length
    ? sql`SELECT c.id FROM clusters c WHERE c.org_id = ${orgId}::uuid AND c.name = ANY(${names}::text[])`
    : sql`SELECT c.id FROM clusters c WHERE c.org_id = ${orgId}::uuid`;
}

function anyOf(parts: SqlFragment[]): SqlFragment {
  return parts.length === 0 ? TRUE : sql`(${join(parts, ' OR ')})`;
}

/** A string column against matches, where a stored value may also answer to an alias. */
function stringMatch(
  column: SqlFragment,
  matches: StringMatch[],
  aliases: Readonly<Record<string, string>>,
): SqlFragment {
  const entries = Object.entries(aliases);
  // The alias of the column's value, or NULL (strpos(NULL, …) is NULL: no match).
  const alias = entries.length
    ? sql`CASE ${join(
        entries.map(([value, a]) => sql`WHEN ${column} = ${value} THEN ${a}`),
        ' ',
      )} END`
    : sql`NULL::text`;
  const exact = matches.filter((m) => m.type === 'exact').map((m) => m.value);
  const parts: SqlFragment[] = [];
  if (exact.length) {
    // A stored value matches exactly when it, or its alias, is one of the values.
    const stored = new Set(exact);
    for (const [value, a] of entries) if (stored.has(a)) stored.add(value);
    // One value as `=`: the planner then walks the column's (org, column, time) index in time
    // order and stops at the page; `= ANY(array)` gives no order, so the newest-first page walked
    // the organisation's time index instead, through every flow when few match (decision 0191).
    const values = [...stored];
    parts.push(
      values.length === 1 ? sql`${column} = ${values[0]!}` : sql`${column} = ANY(${values}::text[])`,
    );
  }
  for (const m of matches.filter((x) => x.type === 'fuzzy'))
    parts.push(sql`(strpos(${column}, ${m.value}) > 0 OR strpos(${alias}, ${m.value}) > 0)`);
  return anyOf(parts);
}

const column = (name: string) => ident(`f.${name}`, ENDPOINT_COLUMNS);

/**
 * jsonb containment patterns for one policy match: the hit itself, and an end-of-tier hit through
 * its trigger. Hits store '' for "no namespace" and end-of-tier hits '' as their own name.
 */
export function policyPatterns(m: PolicyMatch): unknown[][] {
  const direct: Record<string, unknown> = {};
  if (m.kind) direct['kind'] = m.kind;
  if (m.tier) direct['tier'] = m.tier;
  if (m.namespace) direct['namespace'] = m.namespace;
  if (m.name) direct['name'] = m.name;
  if (m.action) direct['action'] = m.action;
  const patterns: unknown[][] = [[direct]];
  if (m.kind !== END_OF_TIER && (m.kind || m.namespace || m.name)) {
    const trigger: Record<string, unknown> = {};
    if (m.kind) trigger['kind'] = m.kind;
    if (m.namespace) trigger['namespace'] = m.namespace;
    if (m.name) trigger['name'] = m.name;
    const eot: Record<string, unknown> = { kind: END_OF_TIER, trigger };
    if (m.tier) eot['tier'] = m.tier;
    if (m.action) eot['action'] = m.action;
    patterns.push([eot]);
  } else if (m.kind === END_OF_TIER && (m.namespace || m.name)) {
    // The end of tier a given policy triggered: only the trigger carries its name.
    const trigger: Record<string, unknown> = {};
    if (m.namespace) trigger['namespace'] = m.namespace;
    if (m.name) trigger['name'] = m.name;
    const eot: Record<string, unknown> = { kind: END_OF_TIER, trigger };
    if (m.tier) eot['tier'] = m.tier;
    if (m.action) eot['action'] = m.action;
    patterns[0] = [eot];
  }
  return patterns;
}

/** The policy match inline: what migration 0006's GIN index serves, but RLS keeps it a filter. */
function policyMatch(matches: PolicyMatch[]): SqlFragment {
  const parts: SqlFragment[] = [];
  for (const m of matches)
    for (const p of policyPatterns(m))
      // The expression of the GIN index flows_policies_idx (migration 0006).
      parts.push(sql`(f.policies_enforced || f.policies_pending) @> ${JSON.stringify(p)}::jsonb`);
  return anyOf(parts);
}

/**
 * The keys of at most `cap` + 1 flows matching the query's policy conditions, in no order, from
 * flows_policy_matches (migrations 0016 and 0039, decisions 0085 and 0209): a definer function
 * scoped by app_current_org() that can use flows_policies_idx, which RLS keeps the inline `@>`
 * from using. Its window is the query's, cut at the retention floor, and its clusters are those
 * the query reads, resolved under RLS (so never a cluster outside the caller's scope): with no
 * other condition, the number of keys is the number of flows the query lists, up to `cap` + 1.
 * More than `cap` keys means the match is broad, and the time-ordered scan is then the faster plan.
 */
export function policyMatchKeys(orgId: string, q: FlowQuery, cap: number): SqlFragment {
  const patterns = q.policies.flatMap((m) => policyPatterns(m).map((p) => JSON.stringify(p)));
  const from = q.from
    ? sql`GREATEST(${retentionFloor(orgId)}, ${q.from}::timestamptz)`
    : retentionFloor(orgId);
  const ids = q.clusterIds ? sql`x.id = ANY(${q.clusterIds}::uuid[])` : TRUE;
  const clusters = sql`ARRAY(SELECT x.id FROM (${clusterIdsByName(orgId, q.clusters)}) x WHERE ${ids})`;
  return sql`SELECT m.cluster_id, m.start_time, m.flow_key
    FROM flows_policy_matches(${patterns}::jsonb[], ${clusters}, ${from}, ${q.to}::timestamptz, ${cap + 1}) m`;
}

/** The organisation, its retention floor, clusters and time window: the part every read shares. */
export function scopeCondition(
  orgId: string,
  q: { clusters: string[]; clusterIds?: string[]; from: Date | null; to: Date | null },
): SqlFragment {
  const parts = [sql`f.org_id = ${orgId}::uuid`, sql`f.start_time >= ${retentionFloor(orgId)}`];
  parts.push(sql`f.cluster_id IN (${clusterIdsByName(orgId, q.clusters)})`);
  if (q.clusterIds) parts.push(sql`f.cluster_id = ANY(${q.clusterIds}::uuid[])`);
  if (q.from) parts.push(sql`f.start_time >= ${q.from}`);
  if (q.to) parts.push(sql`f.start_time < ${q.to}`);
  return join(parts, ' AND ');
}

export function flowCondition(orgId: string, q: FlowQuery): SqlFragment {
  const parts = [scopeCondition(orgId, q)];
  if (q.sourceNames.length) parts.push(stringMatch(column('source_name'), q.sourceNames, NAME_ALIASES));
  if (q.destNames.length) parts.push(stringMatch(column('dest_name'), q.destNames, NAME_ALIASES));
  if (q.sourceNamespaces.length)
    parts.push(stringMatch(column('source_namespace'), q.sourceNamespaces, NAMESPACE_ALIASES));
  if (q.destNamespaces.length)
    parts.push(stringMatch(column('dest_namespace'), q.destNamespaces, NAMESPACE_ALIASES));
  if (q.protocols.length) parts.push(stringMatch(sql`f.proto`, q.protocols, {}));
  if (q.destPorts.length) parts.push(sql`f.dest_port = ANY(${q.destPorts}::int[])`);
  if (q.actions.length) parts.push(sql`f.action = ANY(${q.actions}::text[])`);
  if (q.pendingActions.length) parts.push(sql`f.pending_action = ANY(${q.pendingActions}::text[])`);
  if (q.reporter) parts.push(sql`f.reporter = ${q.reporter}`);
  if (q.policies.length) parts.push(policyMatch(q.policies));
  return join(parts, ' AND ');
}
