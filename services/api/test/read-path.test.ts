// The pipelined read path (Database.query): tenant scoping by RLS, read-only, the first error
// reported, and a connection that goes back to the pool clean (no tenant context, no open
// transaction) whatever happened. Runs as palisade_app on a real database, one connection, so every
// call reuses the connection the previous one left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/platform/db/database.js';
import { sql } from '../src/platform/db/sql.js';
import { type Caller, TestContext } from './context.js';

let ctx: TestContext;
let db: Database;
let a: { slug: string; orgId: string };
let b: { slug: string; orgId: string };

beforeAll(async () => {
  ctx = await TestContext.start();
  db = new Database(ctx.env.DATABASE_URL, 1);
  a = await ctx.newOrg();
  b = await ctx.newOrg();
  await ctx.newMember(b.slug, 'viewer');
});
afterAll(async () => {
  await db?.close();
  await ctx?.close();
});

const contextLeft = () =>
  db.queryGlobal(sql<{ org: string; txid: string | null }>`
    SELECT current_setting('app.org_id', true) AS org, txid_current_if_assigned()::text AS txid`);

describe('Database.query', () => {
  it('sees only the tenant’s rows, even with no WHERE clause', async () => {
    const [rows] = await db.query({ orgId: a.orgId }, [
      sql<{ org_id: string }>`SELECT org_id FROM memberships`,
    ]);
    expect(rows.length).toBe(1);
    expect(rows.every((r) => r.org_id === a.orgId)).toBe(true);
    const [none] = await db.query({}, [sql<{ org_id: string }>`SELECT org_id FROM memberships`]);
    expect(none).toEqual([]);
  });

  it('returns each statement’s rows in order', async () => {
    const [one, two, three] = await db.query({ orgId: b.orgId }, [
      sql<{ n: number }>`SELECT 1 AS n`,
      sql<{ n: number }>`SELECT count(*)::int AS n FROM memberships`,
      sql<{ slug: string }>`SELECT slug FROM organizations`,
    ]);
    expect(one).toEqual([{ n: 1 }]);
    expect(two).toEqual([{ n: 2 }]);
    expect(three).toEqual([{ slug: b.slug }]);
  });

  it('cannot write, and the refused write changes nothing', async () => {
    await expect(
      db.query({ orgId: a.orgId }, [
        sql`UPDATE organizations SET name = 'changed' WHERE id = ${a.orgId}::uuid`,
      ]),
    ).rejects.toMatchObject({ code: '25006' });
    const [org] = await ctx.sql<{ name: string }>('SELECT name FROM organizations WHERE id = $1', [a.orgId]);
    expect(org?.name).toBe(`Org ${a.slug}`);
  });

  it('rejects with the failing statement’s own error, not the aborted transaction after it', async () => {
    await expect(
      db.query({ orgId: a.orgId }, [sql`SELECT 1`, sql`SELECT 1 / 0`, sql`SELECT 2`]),
    ).rejects.toMatchObject({ code: '22012' });
  });

  it('hands the connection back with no tenant context and no open transaction', async () => {
    await db.query({ orgId: a.orgId, userId: null, email: 'x@example.com' }, [sql`SELECT 1`]);
    expect(await contextLeft()).toEqual([{ org: '', txid: null }]);
    await db.query({ orgId: a.orgId }, [sql`SELECT 1 / 0`]).catch(() => undefined);
    expect(await contextLeft()).toEqual([{ org: '', txid: null }]);
  });
});

describe('the organisation in a token request', () => {
  it('is read with the token, so a rename shows on the next request', async () => {
    const token: Caller = await ctx.tokenCaller(a.slug, 'viewer');
    const q = 'query($s: String!) { organization(slug: $s) { name slug } }';
    expect((await ctx.gql<{ organization: { name: string } }>(token, q, { s: a.slug })).data).toEqual({
      organization: { name: `Org ${a.slug}`, slug: a.slug },
    });
    await ctx.sql('UPDATE organizations SET name = $1 WHERE id = $2', ['Renamed', a.orgId]);
    expect((await ctx.gql(token, q, { s: a.slug })).data).toEqual({
      organization: { name: 'Renamed', slug: a.slug },
    });
  });
});
