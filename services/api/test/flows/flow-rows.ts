// Flow records for the flow suites, and storing them as the gateway does (migration 0006): the
// flow rows with their structured traces, trace hash, pending verdict and 16-byte key, and, in the
// same statement, the per-minute edge and policy rollups summed from exactly those rows (an
// end-of-tier hit counts for the policy that triggered it, rule -1). Written as the system role.
import { createHash } from 'node:crypto';
import { aggregationKey, parsePolicies, pendingAction, traceHash, type FlowRecord } from '@palisade/flows';
import type { TestContext } from '../context.js';

/** A whole-minute Unix time, 15-second aligned, `minutesAgo` before now. */
export function bucketAgo(minutesAgo: number, nowMs = Date.now()): number {
  return Math.floor(nowMs / 60_000) * 60 - minutesAgo * 60;
}

export function record(over: Partial<FlowRecord> & { start_time: number }): FlowRecord {
  return {
    end_time: over.start_time + 15,
    source_type: 'wep',
    source_namespace: 'shop',
    source_name: 'frontend-7d9c8b6f5-*',
    source_labels: ['app=frontend'],
    dest_type: 'wep',
    dest_namespace: 'shop',
    dest_name: 'cart-5f6d7c8b9-*',
    dest_labels: ['app=cart'],
    dest_port: 8080,
    dest_service_namespace: '-',
    dest_service_name: '-',
    dest_service_port_name: '-',
    dest_service_port: 0,
    proto: 'tcp',
    reporter: 'dst',
    action: 'allow',
    policies: { enforced: ['0|default|np:shop/allow-frontend|allow|0'], pending: [] },
    packets_in: 10,
    packets_out: 8,
    bytes_in: 1000,
    bytes_out: 800,
    num_flows: 2,
    num_flows_started: 1,
    num_flows_completed: 1,
    ...over,
  };
}

/** Makes the UTC day partitions of every record exist (the worker does this ahead in production). */
async function ensurePartitions(ctx: TestContext, records: FlowRecord[]): Promise<void> {
  const days = new Set(records.map((r) => new Date(r.start_time * 1000).toISOString().slice(0, 10)));
  for (const day of days) await ctx.sql('SELECT flows_ensure_partitions($1::date)', [day]);
}

const STORE = `
WITH ins AS (
  INSERT INTO flows (org_id, cluster_id, start_time, end_time, flow_key, source_type, source_namespace,
    source_name, source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port,
    dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, proto,
    reporter, action, policies_enforced, policies_pending, trace_hash, pending_action, packets_in,
    packets_out, bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
  SELECT $1::uuid, $2::uuid, to_timestamp(r.start_time), to_timestamp(r.end_time), decode(r.flow_key, 'hex'),
    r.source_type, r.source_namespace, r.source_name, r.source_labels, r.dest_type, r.dest_namespace,
    r.dest_name, r.dest_labels, r.dest_port, r.dest_service_namespace, r.dest_service_name,
    r.dest_service_port_name, r.dest_service_port, r.proto, r.reporter, r.action, r.policies_enforced,
    r.policies_pending, r.trace_hash, r.pending_action, r.packets_in, r.packets_out, r.bytes_in,
    r.bytes_out, r.num_flows, r.num_flows_started, r.num_flows_completed
  FROM jsonb_to_recordset($3::jsonb) AS r(start_time bigint, end_time bigint, flow_key text,
    source_type text, source_namespace text, source_name text, source_labels jsonb, dest_type text,
    dest_namespace text, dest_name text, dest_labels jsonb, dest_port int, dest_service_namespace text,
    dest_service_name text, dest_service_port_name text, dest_service_port int, proto text,
    reporter text, action text, policies_enforced jsonb, policies_pending jsonb, trace_hash text,
    pending_action text, packets_in bigint, packets_out bigint, bytes_in bigint, bytes_out bigint,
    num_flows bigint, num_flows_started bigint, num_flows_completed bigint)
  RETURNING *
), edges AS (
  INSERT INTO flow_edge_minutes (org_id, cluster_id, minute, edge_key, source_type, source_namespace,
    source_name, dest_type, dest_namespace, dest_name, dest_service_namespace, dest_service_name,
    dest_service_port_name, dest_service_port, dest_port, proto, reporter, action, packets_in,
    packets_out, bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
  SELECT org_id, cluster_id, date_trunc('minute', start_time),
    md5(concat_ws('|', source_type, source_namespace, source_name, dest_type, dest_namespace, dest_name,
      dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, dest_port,
      proto, reporter, action))::uuid,
    source_type, source_namespace, source_name, dest_type, dest_namespace, dest_name,
    dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, dest_port,
    proto, reporter, action, sum(packets_in), sum(packets_out), sum(bytes_in), sum(bytes_out),
    sum(num_flows), sum(num_flows_started), sum(num_flows_completed)
  FROM ins
  GROUP BY org_id, cluster_id, date_trunc('minute', start_time), source_type, source_namespace,
    source_name, dest_type, dest_namespace, dest_name, dest_service_namespace, dest_service_name,
    dest_service_port_name, dest_service_port, dest_port, proto, reporter, action
  ON CONFLICT (cluster_id, minute, edge_key) DO UPDATE SET
    packets_in = flow_edge_minutes.packets_in + excluded.packets_in,
    packets_out = flow_edge_minutes.packets_out + excluded.packets_out,
    bytes_in = flow_edge_minutes.bytes_in + excluded.bytes_in,
    bytes_out = flow_edge_minutes.bytes_out + excluded.bytes_out,
    num_flows = flow_edge_minutes.num_flows + excluded.num_flows,
    num_flows_started = flow_edge_minutes.num_flows_started + excluded.num_flows_started,
    num_flows_completed = flow_edge_minutes.num_flows_completed + excluded.num_flows_completed
  RETURNING 1
), hits AS (
  SELECT ins.*, t.trace, h.value AS hit,
    CASE WHEN h.value->>'kind' = 'eot' THEN h.value->'trigger' ELSE h.value END AS policy
  FROM ins CROSS JOIN LATERAL (VALUES ('enforced', ins.policies_enforced), ('pending', ins.policies_pending)) AS t(trace, hits)
  CROSS JOIN LATERAL jsonb_array_elements(t.hits) AS h(value)
), policies AS (
  INSERT INTO flow_policy_minutes (org_id, cluster_id, minute, hit_key, trace, policy_kind, policy_tier,
    policy_namespace, policy_name, rule_index, policy_action, reporter, packets_in, packets_out,
    bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
  SELECT org_id, cluster_id, date_trunc('minute', start_time),
    md5(concat_ws('|', trace, policy->>'kind', hit->>'tier', policy->>'namespace', policy->>'name',
      hit->>'rule_index', hit->>'action', reporter))::uuid,
    trace, policy->>'kind', hit->>'tier', policy->>'namespace', policy->>'name',
    (hit->>'rule_index')::int, hit->>'action', reporter, sum(packets_in), sum(packets_out),
    sum(bytes_in), sum(bytes_out), sum(num_flows), sum(num_flows_started), sum(num_flows_completed)
  FROM hits
  GROUP BY org_id, cluster_id, date_trunc('minute', start_time), trace, policy->>'kind', hit->>'tier',
    policy->>'namespace', policy->>'name', hit->>'rule_index', hit->>'action', reporter
  ON CONFLICT (cluster_id, minute, hit_key) DO UPDATE SET
    packets_in = flow_policy_minutes.packets_in + excluded.packets_in,
    packets_out = flow_policy_minutes.packets_out + excluded.packets_out,
    bytes_in = flow_policy_minutes.bytes_in + excluded.bytes_in,
    bytes_out = flow_policy_minutes.bytes_out + excluded.bytes_out,
    num_flows = flow_policy_minutes.num_flows + excluded.num_flows,
    num_flows_started = flow_policy_minutes.num_flows_started + excluded.num_flows_started,
    num_flows_completed = flow_policy_minutes.num_flows_completed + excluded.num_flows_completed
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS flows`;

/** Stores records of one cluster (distinct aggregation keys) with their rollups. */
export async function storeFlows(
  ctx: TestContext,
  orgId: string,
  clusterId: string,
  records: FlowRecord[],
): Promise<void> {
  await ensurePartitions(ctx, records);
  const rows = records.map((r) => {
    const hits = parsePolicies(r.policies);
    const { policies: _policies, ...fields } = r;
    return {
      ...fields,
      flow_key: createHash('sha256').update(aggregationKey(r)).digest('hex').slice(0, 32),
      policies_enforced: hits.enforced,
      policies_pending: hits.pending,
      trace_hash: traceHash(r.policies),
      pending_action: pendingAction(r.policies),
    };
  });
  const [stored] = await ctx.sql<{ flows: number }>(STORE, [orgId, clusterId, JSON.stringify(rows)]);
  if (stored?.flows !== records.length)
    throw new Error(`stored ${String(stored?.flows)} of ${records.length}`);
}
