// flows_policy_matches (migrations 0016 and 0039, decisions 0085 and 0209): the definer function
// through which the API's policy filter reaches flows_policies_idx under RLS. It bypasses RLS by
// design, so its tenant guarantee is its own: called as the API's role, it returns only keys of the
// organisation in app.org_id, nothing without one, and only within the window and the clusters it
// is given.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext } from '../context.js';
import { expectData } from '../factories/members.js';
import { bucketAgo, record, storeFlows } from './flow-rows.js';

let ctx: TestContext;
let app: pg.Client;
const orgs: { orgId: string; clusterId: string }[] = [];
const T = bucketAgo(10);
const DENY = '0|security|gnp:block-all|deny|0';

/** The keys the function returns to palisade_app with `org` as the tenant context. */
async function matches(
  org: string | null,
  patterns: unknown[],
  from: number | null = null,
  limit: number | null = null,
  clusters: string[] = orgs.map((o) => o.clusterId),
) {
  await app.query('BEGIN');
  try {
    if (org) await app.query("SELECT set_config('app.org_id', $1, true)", [org]);
    const r = await app.query<{ cluster_id: string; start_time: Date }>(
      `SELECT cluster_id, start_time
         FROM flows_policy_matches($1::jsonb[], $2::uuid[], $3::timestamptz, NULL, $4::int)`,
      [patterns.map((p) => JSON.stringify(p)), clusters, from === null ? null : new Date(from * 1000), limit],
    );
    return r.rows.map((x) => `${x.cluster_id}@${x.start_time.getTime() / 1000}`).sort();
  } finally {
    await app.query('ROLLBACK');
  }
}

beforeAll(async () => {
  ctx = await TestContext.start();
  for (let i = 0; i < 2; i++) {
    const { orgId } = await ctx.newOrg();
    const [c] = await ctx.sql<{ id: string }>(
      `INSERT INTO clusters (org_id, name) VALUES ($1, 'prod') RETURNING id`,
      [orgId],
    );
    orgs.push({ orgId, clusterId: c!.id });
    // The same two flows in both organisations: one denied by block-all, one allowed.
    await storeFlows(ctx, orgId, c!.id, [
      record({ start_time: T, policies: { enforced: [DENY], pending: [] }, action: 'deny' }),
      record({ start_time: T + 15, source_name: 'other-*' }),
      record({ start_time: T - 60, policies: { enforced: [], pending: [DENY] } }),
    ]);
  }
  app = new pg.Client({ connectionString: ctx.env.DATABASE_URL });
  await app.connect();
});
afterAll(async () => {
  await app?.end();
  await ctx?.close();
});

describe('flows_policy_matches', () => {
  it('returns the matching flows of the organisation in app.org_id, enforced and pending hits alike', async () => {
    for (const { orgId, clusterId } of orgs) {
      expect(await matches(orgId, [[{ name: 'block-all' }]])).toEqual(
        [`${clusterId}@${T - 60}`, `${clusterId}@${T}`].sort(),
      );
    }
  });

  it('never returns another organisation’s flows, and nothing without a tenant context', async () => {
    const [a, b] = orgs as [(typeof orgs)[0], (typeof orgs)[0]];
    const seenByA = await matches(a.orgId, [[{ kind: 'gnp' }], [{ kind: 'np' }]]);
    expect(seenByA).toHaveLength(3);
    expect(seenByA.every((k) => k.startsWith(a.clusterId))).toBe(true);
    expect(seenByA.some((k) => k.startsWith(b.clusterId))).toBe(false);
    expect(await matches(null, [[{ kind: 'gnp' }], [{ kind: 'np' }]])).toEqual([]);
  });

  it('keeps to the window, the clusters and the number of keys it is given', async () => {
    const { orgId, clusterId } = orgs[0]!;
    expect(await matches(orgId, [[{ name: 'block-all' }]], T)).toEqual([`${clusterId}@${T}`]);
    expect(await matches(orgId, [[{ kind: 'gnp' }], [{ kind: 'np' }]], null, 2)).toHaveLength(2);
    expect(await matches(orgId, [[{ name: 'block-all' }]], null, null, [orgs[1]!.clusterId])).toEqual([]);
  });

  it('may be called by the API role only', async () => {
    const grantees = await ctx.sql<{ grantee: string }>(
      `SELECT a.grantee::regrole::text AS grantee
         FROM pg_proc p, aclexplode(p.proacl) a
        WHERE p.proname = 'flows_policy_matches' AND a.privilege_type = 'EXECUTE'`,
    );
    expect(grantees.map((g) => g.grantee).sort()).toEqual(['palisade_app', 'palisade_system']);
  });
});

describe('the flows query under a policy filter', () => {
  it('answers the same whether the match is read by key (few) or filtered inline (more than 10,000)', async () => {
    const { slug, orgId } = await ctx.newOrg();
    const viewer = await ctx.tokenCaller(slug, 'viewer');
    const [c] = await ctx.sql<{ id: string }>(
      `INSERT INTO clusters (org_id, name) VALUES ($1, 'big') RETURNING id`,
      [orgId],
    );
    // 10,100 flows hit `everywhere`; the 7 newest of them also hit `rare`; 50 hit neither.
    const everywhere = '0|default|gnp:everywhere|allow|0';
    const records = Array.from({ length: 10_150 }, (_, i) =>
      record({
        start_time: T - 15 * Math.floor(i / 100),
        source_name: `app-${String(i)}-*`,
        policies: {
          enforced: i < 10_100 ? (i < 7 ? ['0|default|gnp:rare|pass|0', everywhere] : [everywhere]) : [],
          pending: [],
        },
      }),
    );
    await storeFlows(ctx, orgId, c!.id, records);
    type Page = {
      organization: {
        flows: { totalCount: number; edges: { node: { sourceName: string; startTime: string } }[] };
      };
    };
    const page = async (name: string) =>
      expectData(
        await ctx.gql<Page>(
          viewer,
          `query($s: String!, $f: FlowFilter) { organization(slug: $s) { flows(filter: $f, first: 10) {
            totalCount edges { node { sourceName startTime } } } } }`,
          { s: slug, f: { policies: [{ name }] } },
        ),
      ).organization.flows;
    const broad = await page('everywhere');
    // Counted up to 10,000, as without a policy filter; the page is the newest bucket's matches.
    expect(broad.totalCount).toBe(10_000);
    expect(broad.edges).toHaveLength(10);
    for (const e of broad.edges) expect(Number(e.node.sourceName.split('-')[1])).toBeLessThan(10_100);
    const times = broad.edges.map((e) => Date.parse(e.node.startTime));
    expect(times).toEqual(Array.from({ length: 10 }, () => T * 1000));
    const rare = await page('rare');
    expect(rare.totalCount).toBe(7);
    expect(rare.edges.map((e) => e.node.sourceName).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `app-${String(i)}-*`).sort(),
    );
  });

  it('counts and pages alike by key and inline, whatever other filter, cluster or scope narrows them', async () => {
    // Two clusters; `shared` hits 10,020 flows of prod (20 of them in namespace pay) and 30 of dev.
    const { slug, orgId } = await ctx.newOrg();
    const owner = await ctx.tokenCaller(slug, 'owner');
    const ids: Record<string, string> = {};
    for (const [name, env] of [
      ['prod', 'prod'],
      ['dev', 'dev'],
    ] as const) {
      const [c] = await ctx.sql<{ id: string }>(
        `INSERT INTO clusters (org_id, name, labels) VALUES ($1, $2, $3) RETURNING id`,
        [orgId, name, JSON.stringify({ env })],
      );
      ids[name] = c!.id;
    }
    const shared = '0|default|gnp:shared|allow|0';
    const flows = (n: number, ns: (i: number) => string) =>
      Array.from({ length: n }, (_, i) =>
        record({
          start_time: T - 15 * Math.floor(i / 100),
          source_name: `app-${String(i)}-*`,
          dest_namespace: ns(i),
          policies: { enforced: [shared], pending: [] },
        }),
      );
    await storeFlows(
      ctx,
      orgId,
      ids['prod']!,
      flows(10_020, (i) => (i < 20 ? 'pay' : 'shop')),
    );
    await storeFlows(
      ctx,
      orgId,
      ids['dev']!,
      flows(30, () => 'pay'),
    );
    const created = expectData(
      await ctx.gql<{ createApiToken: { secret: string } }>(
        owner,
        `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }`,
        {
          i: { orgSlug: slug, name: 'dev only', role: 'VIEWER', scope: { clusterSelector: 'env == "dev"' } },
        },
      ),
    );
    const devOnly = {
      label: 'dev-only',
      headers: { authorization: `Bearer ${created.createApiToken.secret}` },
    };
    type Page = {
      organization: { flows: { totalCount: number; edges: { node: { cluster: { name: string } } }[] } };
    };
    const list = async (caller: typeof owner | typeof devOnly, filter: Record<string, unknown>) =>
      expectData(
        await ctx.gql<Page>(
          caller,
          `query($s: String!, $f: FlowFilter) { organization(slug: $s) { flows(filter: $f, first: 100) {
            totalCount edges { node { cluster { name } } } } } }`,
          { s: slug, f: { policies: [{ name: 'shared' }], ...filter } },
        ),
      ).organization.flows;
    const clustersOf = (p: Page['organization']['flows']) => [
      ...new Set(p.edges.map((e) => e.node.cluster.name)),
    ];
    // Broad (10,050 matches): counted up to 10,000 with no other filter.
    expect((await list(owner, {})).totalCount).toBe(10_000);
    // Broad, narrowed by another filter: counted inline (20 in prod + 30 in dev).
    const pay = await list(owner, { destNamespaces: [{ value: 'pay' }] });
    expect(pay.totalCount).toBe(50);
    expect(pay.edges).toHaveLength(50);
    // Narrow by cluster: 30 keys, the count is the first count.
    const dev = await list(owner, { clusters: ['dev'] });
    expect(dev.totalCount).toBe(30);
    expect(clustersOf(dev)).toEqual(['dev']);
    // Narrow by key, with another filter.
    const devPay = await list(owner, { clusters: ['dev'], destNamespaces: [{ value: 'pay' }] });
    expect(devPay.totalCount).toBe(30);
    // A caller scoped to dev: prod's 10,020 matches are neither counted nor listed.
    const scoped = await list(devOnly, {});
    expect(scoped.totalCount).toBe(30);
    expect(clustersOf(scoped)).toEqual(['dev']);
  });
});
