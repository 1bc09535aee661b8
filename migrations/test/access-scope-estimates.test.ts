// The scoped-access policies (migrations 0029, 0038) against real PostgreSQL: they hide exactly the
// denied clusters' rows, and Postgres' estimate of what they let through does not collapse when a
// column holds one value (decision 0208). Before 0038, an organisation with one cluster got an
// estimate of one row out of thousands, and plans built on it sorted whole partitions.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, type TestDatabase } from '../src/test-databases.js';

const NODES = 5_000;
let db: TestDatabase;
let orgId: string;
let clusterId: string;

async function run<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** As the API's role, in a transaction with the tenant and (optionally) a denied cluster list. */
function asApp<T>(denied: string[] | null, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return run(db.urlAs('palisade_app'), async (c) => {
    await c.query('BEGIN');
    try {
      await c.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
      if (denied)
        await c.query("SELECT set_config('app.denied_clusters', $1, true)", [`{${denied.join(',')}}`]);
      return await fn(c);
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

async function estimatedRows(c: pg.Client, statement: string): Promise<number> {
  const { rows } = await c.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `EXPLAIN (FORMAT JSON) ${statement}`,
  );
  return rows[0]!['QUERY PLAN'][0].Plan['Plan Rows'];
}

beforeAll(async () => {
  db = await createMigratedDatabase('palisade_scope_est');
  await run(db.adminUrl, async (c) => {
    orgId = (
      await c.query<{ id: string }>(
        "INSERT INTO organizations (slug, name) VALUES ('est', 'Est') RETURNING id",
      )
    ).rows[0]!.id;
    clusterId = (
      await c.query<{ id: string }>("INSERT INTO clusters (org_id, name) VALUES ($1, 'only') RETURNING id", [
        orgId,
      ])
    ).rows[0]!.id;
    await c.query(
      `INSERT INTO cluster_nodes (cluster_id, org_id, name, dataplane, wireguard_enabled, wireguard_public_key)
       SELECT $1, $2, 'node-' || i, 'nftables', false, false FROM generate_series(1, $3::int) AS i`,
      [clusterId, orgId, NODES],
    );
    await c.query('ANALYZE cluster_nodes');
  });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

describe('scoped-access policies', () => {
  it('hide the denied cluster’s rows and nothing else', async () => {
    const count = 'SELECT count(*)::int AS n FROM cluster_nodes';
    const seen = async (denied: string[] | null) =>
      asApp(denied, async (c) => (await c.query<{ n: number }>(count)).rows[0]!.n);
    expect(await seen(null)).toBe(NODES);
    expect(await seen([])).toBe(NODES);
    expect(await seen(['00000000-0000-4000-8000-000000000000'])).toBe(NODES);
    expect(await seen([clusterId])).toBe(0);
  });

  it('leave the planner an estimate of the same order as the rows a one-cluster organisation has', async () => {
    for (const denied of [null, ['00000000-0000-4000-8000-000000000000']]) {
      const rows = await asApp(denied, (c) => estimatedRows(c, 'SELECT * FROM cluster_nodes'));
      // The truth is NODES; the old form estimated 1.
      expect(rows, `estimate with denied=${JSON.stringify(denied)}`).toBeGreaterThanOrEqual(NODES / 4);
    }
  });

  it('every scoped-access policy short-circuits for an unscoped caller', async () => {
    const policies = await run(db.adminUrl, async (c) => {
      const { rows } = await c.query<{ name: string; qual: string }>(
        "SELECT policyname AS name, qual FROM pg_policies WHERE qual LIKE '%app_denied(%'",
      );
      return rows;
    });
    expect(policies.length).toBeGreaterThanOrEqual(18);
    for (const p of policies) expect(p.qual, p.name).toContain('app_denies_none(');
  });
});
