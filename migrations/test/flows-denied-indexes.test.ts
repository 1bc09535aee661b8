// The denied-flow indexes (migration 0040, decision 0212) against real PostgreSQL: a page or a count
// of denied flows, alone or in a namespace, reads denied flows only. Before 0040 a namespace with
// no denied flows had its page and count read every flow of the namespace in the window, each
// removed by the action filter (5.4 s at 10 M flows, decision 0209). Asked as the API asks: as its role, under
// RLS, with the action as an array parameter.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, type TestDatabase } from '../src/test-databases.js';

/** 20 namespaces × 1,000 flows; every denied flow goes to ns-0 (a tenth of all). */
const FLOWS = 20_000;
let db: TestDatabase;
let orgId: string;

interface PlanNode {
  'Node Type': string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Rows the plan read and threw away, and rows its table scans returned. */
async function readAs(statement: string, values: unknown[]): Promise<{ removed: number; scanned: number }> {
  const c = new pg.Client({ connectionString: db.urlAs('palisade_app') });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
    const { rows } = await c.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`,
      values,
    );
    const all = nodes(rows[0]!['QUERY PLAN'][0].Plan);
    return {
      removed: all.reduce(
        (n, p) => n + (p['Rows Removed by Filter'] ?? 0) + (p['Rows Removed by Index Recheck'] ?? 0),
        0,
      ),
      scanned: all
        // Table reads (a bitmap's index scan and its heap scan return the same rows: the heap's).
        .filter((p) => p['Node Type'].includes('Scan') && p['Node Type'] !== 'Bitmap Index Scan')
        .reduce((n, p) => n + p['Actual Rows'] * p['Actual Loops'], 0),
    };
  } finally {
    await c.end();
  }
}

const WINDOW = "f.org_id = $1::uuid AND f.start_time >= now() - interval '1 day'";
const page = (condition: string): string =>
  `SELECT f.flow_key FROM flows f WHERE ${WINDOW} AND ${condition} ORDER BY f.start_time DESC LIMIT 50`;
const count = (condition: string): string =>
  `SELECT count(*) FROM (SELECT 1 FROM flows f WHERE ${WINDOW} AND ${condition} LIMIT 10001) x`;

beforeAll(async () => {
  db = await createMigratedDatabase('palisade_denied_idx');
  const c = new pg.Client({ connectionString: db.adminUrl });
  await c.connect();
  try {
    orgId = (
      await c.query<{ id: string }>("INSERT INTO organizations (slug, name) VALUES ('d', 'D') RETURNING id")
    ).rows[0]!.id;
    const clusterId = (
      await c.query<{ id: string }>("INSERT INTO clusters (org_id, name) VALUES ($1, 'c') RETURNING id", [
        orgId,
      ])
    ).rows[0]!.id;
    // The last ten minutes, which may begin the day before.
    await c.query('SELECT flows_ensure_partitions(current_date), flows_ensure_partitions(current_date - 1)');
    await c.query(
      `INSERT INTO flows (org_id, cluster_id, start_time, end_time, flow_key, source_type, source_namespace,
         source_name, source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port,
         dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, proto,
         reporter, action, policies_enforced, policies_pending, trace_hash, pending_action, packets_in,
         packets_out, bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
       SELECT $1, $2, t, t + interval '15 seconds', decode(md5(i::text), 'hex'), 'wep', 'ns-' || (i % 20),
         'src-*', '[]', 'wep', 'ns-' || CASE WHEN i % 10 = 0 THEN 0 ELSE i % 20 END, 'dst-*', '[]', 80,
         '-', '-', '-', 0, 'tcp', 'dst', CASE WHEN i % 10 = 0 THEN 'deny' ELSE 'allow' END, '[]', '[]', 'h',
         NULL, 1, 1, 1, 1, 1, 1, 1
         FROM generate_series(1, $3::int) AS i,
              LATERAL (SELECT date_trunc('minute', now()) - (i % 40) * interval '15 seconds' AS t) AS s`,
      [orgId, clusterId, FLOWS],
    );
    await c.query('ANALYZE flows');
  } finally {
    await c.end();
  }
});
afterAll(async () => db?.drop());

describe('denied-flow indexes', () => {
  const deny = ['deny'];

  it('pages and counts a namespace with no denied flow without reading its allowed flows', async () => {
    for (const statement of [page, count]) {
      const condition = 'f.dest_namespace = $2 AND f.action = ANY($3::text[])';
      expect(await readAs(statement(condition), [orgId, 'ns-3', deny])).toEqual({ removed: 0, scanned: 0 });
      const source = 'f.source_namespace = $2 AND f.action = ANY($3::text[])';
      const denied = await readAs(statement(source), [orgId, 'ns-3', deny]);
      expect(denied.removed).toBe(0);
    }
  });

  it('counts the denied flows of the organisation reading denied flows only', async () => {
    const read = await readAs(count('f.action = ANY($2::text[])'), [orgId, deny]);
    expect(read).toEqual({ removed: 0, scanned: FLOWS / 10 });
  });
});
