// Translates a FlowQuery into a SQL condition over the `flows` table (alias f), Goldmane's rules
// (spec §2, §6.4): lists OR-ed, fields AND-ed; EXACT is equality, FUZZY a case-sensitive
// substring; the aliases `PUBLIC NETWORK` / `PRIVATE NETWORK` (names of `net` endpoints `pub` /
// `pvt`) and `Global` (namespace `-`); a policy match looks at enforced and pending hits alike,
// and an EndOfTier hit also matches through the policy that triggered it. Values only ever travel
// as parameters. The retention floor is part of every condition.
import { ident, join, sql, type SqlFragment } from '../../platform/db/sql.js';
import type { FlowQuery, PolicyMatch, StringMatch } from './flow-store.js';

export const END_OF_TIER = 'eot';

const NAME_ALIASES: Record<string, string> = { 'PUBLIC NETWORK': 'pub', 'PRIVATE NETWORK': 'pvt' };
const NAMESPACE_ALIASES: Record<string, string> = { Global: '-' };

type NameColumn = 'source_name' | 'dest_name';
type NamespaceColumn = 'source_namespace' | 'dest_namespace';

const TRUE = sql`TRUE`;
const ENDPOINT_COLUMNS = [
  'f.source_name',
  'f.source_namespace',
  'f.source_type',
  'f.dest_name',
  'f.dest_namespace',
  'f.dest_type',
];

/** Oldest start time the organisation may still see: now minus its retention setting. */
export function retentionFloor(orgId: string): SqlFragment {
  return sql`(now() - make_interval(days => (SELECT o.flow_retention_days FROM organizations o WHERE o.id = ${orgId}::uuid)))`;
}

/** The ids of the organisation's clusters with these names (unknown names: none). */
export function clusterIdsByName(orgId: string, names: string[]): SqlFragment {
  return sql`SELECT c.id FROM clusters c WHERE c.org_id = ${orgId}::uuid AND c.name = ANY(${names}::text[])`;
}

function anyOf(parts: SqlFragment[]): SqlFragment {
  return parts.length === 0 ? TRUE : sql`(${join(parts, ' OR ')})`;
}

function exactAndFuzzy(
  matches: StringMatch[],
  exact: (values: string[]) => SqlFragment,
  fuzzy: (value: string) => SqlFragment,
): SqlFragment {
  const exactValues = matches.filter((m) => m.type === 'exact').map((m) => m.value);
  const parts = matches.filter((m) => m.type === 'fuzzy').map((m) => fuzzy(m.value));
  if (exactValues.length > 0) parts.unshift(exact(exactValues));
  return anyOf(parts);
}

function nameMatch(column: NameColumn, typeColumn: 'source_type' | 'dest_type', m: StringMatch[]) {
  const col = ident(`f.${column}`, ENDPOINT_COLUMNS);
  const typ = ident(`f.${typeColumn}`, ENDPOINT_COLUMNS);
  // The display form of a network endpoint's name, for FUZZY matches against the alias.
  const display = sql`CASE WHEN ${typ} = 'net' AND ${col} = 'pub' THEN 'PUBLIC NETWORK' WHEN ${typ} = 'net' AND ${col} = 'pvt' THEN 'PRIVATE NETWORK' END`;
  return exactAndFuzzy(
    m,
    (values) => sql`${col} = ANY(${values.map((v) => NAME_ALIASES[v] ?? v)}::text[])`,
    (v) => sql`(strpos(${col}, ${v}) > 0 OR strpos(${display}, ${v}) > 0)`,
  );
}

function namespaceMatch(column: NamespaceColumn, m: StringMatch[]) {
  const col = ident(`f.${column}`, ENDPOINT_COLUMNS);
  return exactAndFuzzy(
    m,
    (values) => sql`${col} = ANY(${values.map((v) => NAMESPACE_ALIASES[v] ?? v)}::text[])`,
    (v) => sql`(strpos(${col}, ${v}) > 0 OR (${col} = '-' AND strpos('Global', ${v}) > 0))`,
  );
}

/** jsonb containment patterns for one policy match: the hit itself, and EndOfTier by trigger. */
export function policyPatterns(m: PolicyMatch): unknown[][] {
  const direct: Record<string, unknown> = {};
  if (m.kind) direct['kind'] = m.kind;
  if (m.tier) direct['tier'] = m.tier;
  if (m.namespace) direct['namespace'] = m.namespace;
  if (m.name) direct['name'] = m.name;
  if (m.action) direct['action'] = m.action;
  const patterns: unknown[][] = [[direct]];
  const byTrigger = (m.kind && m.kind !== END_OF_TIER) || m.namespace || m.name;
  if (byTrigger) {
    const trigger: Record<string, unknown> = {};
    if (m.kind) trigger['kind'] = m.kind;
    if (m.namespace) trigger['namespace'] = m.namespace;
    if (m.name) trigger['name'] = m.name;
    const eot: Record<string, unknown> = { kind: END_OF_TIER, trigger };
    if (m.tier) eot['tier'] = m.tier;
    if (m.action) eot['action'] = m.action;
    patterns.push([eot]);
  }
  return patterns;
}

function policyMatch(matches: PolicyMatch[]): SqlFragment {
  const parts: SqlFragment[] = [];
  for (const m of matches) {
    for (const p of policyPatterns(m)) {
      const json = JSON.stringify(p);
      // The expression of the GIN index flows_policies_idx (migration 0006).
      parts.push(sql`(f.policies_enforced || f.policies_pending) @> ${json}::jsonb`);
    }
  }
  return anyOf(parts);
}

/** The organisation, its retention floor, clusters and time window: the part every read shares. */
export function scopeCondition(
  orgId: string,
  q: { clusters: string[]; clusterIds?: string[]; from: Date | null; to: Date | null },
): SqlFragment {
  const parts = [sql`f.org_id = ${orgId}::uuid`, sql`f.start_time >= ${retentionFloor(orgId)}`];
  if (q.clusters.length) parts.push(sql`f.cluster_id IN (${clusterIdsByName(orgId, q.clusters)})`);
  if (q.clusterIds) parts.push(sql`f.cluster_id = ANY(${q.clusterIds}::uuid[])`);
  if (q.from) parts.push(sql`f.start_time >= ${q.from}`);
  if (q.to) parts.push(sql`f.start_time < ${q.to}`);
  return join(parts, ' AND ');
}

export function flowCondition(orgId: string, q: FlowQuery): SqlFragment {
  const parts = [scopeCondition(orgId, q)];
  if (q.sourceNames.length) parts.push(nameMatch('source_name', 'source_type', q.sourceNames));
  if (q.destNames.length) parts.push(nameMatch('dest_name', 'dest_type', q.destNames));
  if (q.sourceNamespaces.length) parts.push(namespaceMatch('source_namespace', q.sourceNamespaces));
  if (q.destNamespaces.length) parts.push(namespaceMatch('dest_namespace', q.destNamespaces));
  if (q.protocols.length)
    parts.push(
      exactAndFuzzy(
        q.protocols.map((p) => ({ ...p, value: p.value.toLowerCase() })),
        (values) => sql`f.proto = ANY(${values}::text[])`,
        (v) => sql`strpos(f.proto, ${v}) > 0`,
      ),
    );
  if (q.destPorts.length) parts.push(sql`f.dest_port = ANY(${q.destPorts}::int[])`);
  if (q.actions.length) parts.push(sql`f.action = ANY(${q.actions}::text[])`);
  if (q.pendingActions.length) parts.push(sql`f.pending_action = ANY(${q.pendingActions}::text[])`);
  if (q.reporter) parts.push(sql`f.reporter = ${q.reporter}`);
  if (q.policies.length) parts.push(policyMatch(q.policies));
  return join(parts, ' AND ');
}
