// The preview bench's data: one organisation with one cluster shaped like the 2 000-pod demo
// (200 workloads × 10 replicas in 20 namespaces, 20 000 flow keys), `rows` stored flows over the
// last 23 h (each key in rows / 20 000 buckets, 10 % denied), written in SQL straight into `flows`
// as the gateway's writer stores them.
import type pg from 'pg';

export const KEYS = 20_000;
const CHUNK = 100_000;

export interface BenchFlows {
  orgId: string;
  clusterId: string;
  /** Unix seconds the rows were generated against. */
  now: number;
}

export async function storeBenchFlows(
  admin: pg.Pool,
  rows: number,
  progress: (stored: number) => void = () => undefined,
): Promise<BenchFlows> {
  const { rows: orgs } = await admin.query<{ id: string }>(
    "INSERT INTO organizations (slug, name) VALUES ('bench', 'Bench') RETURNING id",
  );
  const orgId = orgs[0]!.id;
  const { rows: clusters } = await admin.query<{ id: string }>(
    `INSERT INTO clusters (org_id, name, labels) VALUES ($1, 'demo', '{"env":"prod"}') RETURNING id`,
    [orgId],
  );
  const clusterId = clusters[0]!.id;
  const now = Math.floor(Date.now() / 1000);
  const start = now - (now % 15) - 23 * 3600;
  for (const day of new Set([start, now].map((t) => new Date(t * 1000).toISOString().slice(0, 10)))) {
    await admin.query('SELECT flows_ensure_partitions($1::date)', [day]);
  }
  const buckets = Math.ceil(rows / KEYS);
  const spacing = Math.max(15, Math.floor((23 * 3600) / buckets / 15) * 15);
  for (let from = 0; from < rows; from += CHUNK) {
    const to = Math.min(rows, from + CHUNK) - 1;
    // Row i: key k = i % KEYS, bucket i / KEYS. Workload w in namespace w % 20, 10% denied.
    await admin.query(
      `INSERT INTO flows (org_id, cluster_id, start_time, end_time, flow_key, source_type, source_namespace,
         source_name, source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port,
         dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, proto, reporter,
         action, policies_enforced, policies_pending, trace_hash, pending_action, packets_in, packets_out,
         bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
       SELECT $1::uuid, $2::uuid, to_timestamp($3 + (i / ${KEYS}) * $4), to_timestamp($3 + (i / ${KEYS}) * $4 + 15),
         decode(md5(k::text), 'hex'), 'wep', 'ns-' || (s % 20), 'app-' || s || '-5f6d7c8b9-*',
         jsonb_build_array('app=app-' || s, 'tier=web'), 'wep', 'ns-' || (d % 20), 'app-' || d || '-7d9c8b6f5-*',
         jsonb_build_array('app=app-' || d), 8000 + (k / 8000), '-', '-', '-', 0, 'tcp',
         CASE WHEN k % 2 = 0 THEN 'src' ELSE 'dst' END,
         CASE WHEN k % 10 = 0 THEN 'deny' ELSE 'allow' END,
         CASE WHEN k % 10 = 0
           THEN jsonb_build_array(jsonb_build_object('policy_index', 0, 'tier', 'default', 'kind', 'eot',
             'namespace', '', 'name', '', 'action', 'deny', 'rule_index', -1,
             'trigger', jsonb_build_object('kind', 'np', 'namespace', 'ns-' || (d % 20), 'name', 'deny-all')))
           ELSE jsonb_build_array(jsonb_build_object('policy_index', 0, 'tier', '__PROFILE__', 'kind', 'pro',
             'namespace', '', 'name', 'kns.ns-' || (d % 20), 'action', 'allow', 'rule_index', 0, 'trigger', null))
         END,
         '[]'::jsonb, 'bench', NULL, 10, 10, 1000, 1000, 1, 1, 1
       FROM (SELECT i, i % ${KEYS} AS k, (i % ${KEYS}) % 200 AS s, ((i % ${KEYS}) / 200 * 7 + (i % ${KEYS})) % 200 AS d
             FROM generate_series($5::int, $6::int) AS i) g`,
      [orgId, clusterId, start, spacing, from, to],
    );
    progress(to + 1);
  }
  return { orgId, clusterId, now };
}
