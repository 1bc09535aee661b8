// previewPolicyChanges over flows stored as the gateway stores them (flows/flow-rows.ts): edits as
// YAML, as structured changes and as a staged policy's promotion; targeting by cluster selector;
// classes with both traces, totals per class, cluster and namespace; class filter and pagination;
// bad input (invalid edit with path and line, window beyond retention, another organisation's
// cluster); roles; and that nothing stored changes.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/platform/db/database.js';
import { TestContext, codeOf, type Caller, type GqlResult } from '../context.js';
import { expectData } from '../factories/members.js';
import { bucketAgo, record, storeFlows } from '../flows/flow-rows.js';

let ctx: TestContext;
let slug: string;
let owner: Caller;
let editor: Caller;
let viewer: Caller;
let otherSlug: string;
const clusterIds: Record<string, string> = {};

const T = bucketAgo(30);
const TRACE = ['0|default|np:shop/cart|allow|0'];

const BASE = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: cart, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress:
    - { action: Allow, source: { selector: app == 'frontend' } }
    - { action: Allow, source: { selector: app == 'batch' } }
---
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: { name: cart, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress:
    - { action: Allow, source: { selector: app == 'frontend' } }
`;

const DROP_BATCH_IN_PROD = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: cart
  namespace: shop
  annotations: { palisade.io/cluster-selector: "env == 'prod'" }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress:
    - { action: Allow, source: { selector: app == 'frontend' } }
`;

const PREVIEW = `query($i: PreviewPolicyChangesInput!, $first: Int, $after: String, $classes: [PreviewClass!]) {
  previewPolicyChanges(input: $i) {
    from to clusters
    totals { newlyAllowed newlyDenied uncertain unchanged }
    byCluster { cluster counts { newlyDenied unchanged newlyAllowed uncertain } }
    byNamespace { cluster namespace counts { newlyDenied unchanged newlyAllowed uncertain } }
    flows(first: $first, after: $after, classes: $classes) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        cluster class sourceName destName destPort reporter recordedAction recordedTrace numFlows
        before { action trace } after { action trace }
        uncertainties { reason resource detail }
      } }
    }
  }
}`;

interface Node {
  cluster: string;
  class: string;
  sourceName: string;
  destName: string;
  destPort: number | null;
  reporter: string;
  recordedAction: string;
  recordedTrace: string[];
  numFlows: number;
  before: { action: string; trace: string[] } | null;
  after: { action: string; trace: string[] } | null;
  uncertainties: { reason: string; resource: string; detail: string }[];
}

interface Preview {
  from: string;
  to: string;
  clusters: string[];
  totals: Record<string, number>;
  byCluster: { cluster: string; counts: Record<string, number> }[];
  byNamespace: { cluster: string; namespace: string; counts: Record<string, number> }[];
  flows: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: Node }[];
  };
}

function preview(
  caller: Caller,
  input: Record<string, unknown>,
  page: { first?: number; after?: string; classes?: string[] } = {},
): Promise<GqlResult<{ previewPolicyChanges: Preview }>> {
  return ctx.gql(caller, PREVIEW, { i: { orgSlug: slug, ...input }, ...page });
}

/**
 * Moves an organisation's policy revisions `minutes` into the past (revisions are immutable to
 * every application role; the test's superuser session skips the trigger), so the policies were in
 * force when the flows it stores were seen. `revision` narrows it to one revision number.
 */
async function backdateRevisions(orgId: string, minutes: number, revision?: number): Promise<void> {
  const admin = new pg.Client({ connectionString: ctx.env.DATABASE_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query("SET session_replication_role = 'replica'");
    await admin.query(
      `UPDATE policy_revisions SET created_at = created_at - make_interval(mins => $2)
        WHERE org_id = $1 AND ($3::integer IS NULL OR revision = $3)`,
      [orgId, minutes, revision ?? null],
    );
  } finally {
    await admin.end();
  }
}

async function exported(): Promise<string> {
  return expectData(
    await ctx.gql<{ exportResources: string }>(owner, 'query($s: String!) { exportResources(orgSlug: $s) }', {
      s: slug,
    }),
  ).exportResources;
}

const from = (app: string, over: Parameters<typeof record>[0]): ReturnType<typeof record> =>
  record({
    source_name: `${app}-7d9c8b6f5-*`,
    source_labels: [`app=${app}`],
    policies: { enforced: TRACE, pending: [] },
    ...over,
  });

beforeAll(async () => {
  ctx = await TestContext.start();
  const org = await ctx.newOrg();
  slug = org.slug;
  otherSlug = (await ctx.newOrg()).slug;
  owner = await ctx.tokenCaller(slug, 'owner');
  editor = await ctx.tokenCaller(slug, 'editor');
  viewer = await ctx.tokenCaller(slug, 'viewer');
  const other = await ctx.tokenCaller(otherSlug, 'owner');
  expectData(
    await ctx.gql(
      other,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      {
        i: { orgSlug: otherSlug, name: 'foreign' },
      },
    ),
  );
  for (const [name, env] of [
    ['prod', 'prod'],
    ['staging', 'staging'],
  ] as const) {
    const r = expectData(
      await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
        owner,
        'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
        { i: { orgSlug: slug, name, labels: [{ key: 'env', value: env }] } },
      ),
    );
    clusterIds[name] = r.registerCluster.cluster.id;
  }
  expectData(
    await ctx.gql(owner, 'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }', {
      i: { orgSlug: slug, yaml: BASE, dryRun: false },
    }),
  );
  // In force before every flow below was seen.
  await backdateRevisions(org.orgId, 4 * 24 * 60);
  for (const cluster of ['prod', 'staging']) {
    await storeFlows(ctx, org.orgId, clusterIds[cluster]!, [
      from('frontend', { start_time: T }),
      from('frontend', { start_time: T + 15 }),
      from('batch', { start_time: T }),
      from('ops', {
        start_time: T,
        action: 'deny',
        policies: { enforced: ['0|default|np:shop/cart|deny|-1'], pending: [] },
      }),
      // Three days ago: outside the default window, inside retention.
      from('legacy', { start_time: bucketAgo(3 * 24 * 60) }),
    ]);
  }
}, 120_000);

afterAll(async () => {
  await ctx?.close();
});

describe('previewPolicyChanges', () => {
  it('a YAML edit for prod newly denies exactly the flow it drops, with both traces, and changes nothing stored', async () => {
    const stored = await exported();
    const p = expectData(await preview(editor, { yaml: DROP_BATCH_IN_PROD })).previewPolicyChanges;
    // The stored resource targets every cluster, the edit only prod: both are reached (staging loses it).
    expect(p.clusters).toEqual(['prod', 'staging']);
    expect(new Date(p.to).getTime() - new Date(p.from).getTime()).toBe(24 * 3600 * 1000);
    const denied = p.flows.edges.map((e) => e.node).filter((n) => n.class === 'NEWLY_DENIED');
    expect(denied).toEqual([
      expect.objectContaining({
        cluster: 'prod',
        sourceName: 'batch-7d9c8b6f5-*',
        destName: 'cart-5f6d7c8b9-*',
        destPort: 8080,
        reporter: 'DST',
        recordedAction: 'ALLOW',
        recordedTrace: TRACE,
        before: { action: 'ALLOW', trace: ['0|default|np:shop/cart|allow|1'] },
        after: { action: 'DENY', trace: ['0|default|np:shop/cart|deny|-1'] },
        uncertainties: [],
      }),
    ]);
    // In staging the policy is gone: the ops flow denied at end of tier is newly allowed.
    expect(p.byCluster).toEqual([
      { cluster: 'prod', counts: { newlyDenied: 1, unchanged: 2, newlyAllowed: 0, uncertain: 0 } },
      { cluster: 'staging', counts: { newlyDenied: 0, unchanged: 2, newlyAllowed: 1, uncertain: 0 } },
    ]);
    expect(p.totals).toEqual({ newlyAllowed: 1, newlyDenied: 1, uncertain: 0, unchanged: 4 });
    expect(p.byNamespace).toEqual([
      {
        cluster: 'prod',
        namespace: 'shop',
        counts: { newlyDenied: 1, unchanged: 2, newlyAllowed: 0, uncertain: 0 },
      },
      {
        cluster: 'staging',
        namespace: 'shop',
        counts: { newlyDenied: 0, unchanged: 2, newlyAllowed: 1, uncertain: 0 },
      },
    ]);
    // The two frontend buckets are one flow key.
    const frontend = p.flows.edges
      .map((e) => e.node)
      .find((n) => n.cluster === 'prod' && n.sourceName.startsWith('frontend'));
    expect(frontend?.numFlows).toBe(4);
    expect(await exported()).toBe(stored);
  });

  it('filters by class and pages with cursors; flow filters and cluster names narrow the replay', async () => {
    const first = expectData(
      await preview(editor, { yaml: DROP_BATCH_IN_PROD }, { first: 2 }),
    ).previewPolicyChanges;
    expect(first.flows.totalCount).toBe(6);
    expect(first.flows.edges.map((e) => e.node.class)).toEqual(['NEWLY_DENIED', 'NEWLY_ALLOWED']);
    const rest = expectData(
      await preview(
        editor,
        { yaml: DROP_BATCH_IN_PROD },
        { first: 10, after: first.flows.pageInfo.endCursor! },
      ),
    ).previewPolicyChanges;
    expect(rest.flows.edges.map((e) => e.node.class)).toEqual([
      'UNCHANGED',
      'UNCHANGED',
      'UNCHANGED',
      'UNCHANGED',
    ]);
    expect(rest.flows.pageInfo.hasNextPage).toBe(false);
    const onlyDenied = expectData(
      await preview(editor, { yaml: DROP_BATCH_IN_PROD }, { classes: ['NEWLY_DENIED'] }),
    ).previewPolicyChanges;
    expect(onlyDenied.flows.totalCount).toBe(1);
    const narrowed = expectData(
      await preview(editor, {
        yaml: DROP_BATCH_IN_PROD,
        filter: { clusters: ['prod'], sourceNames: [{ value: 'batch', type: 'FUZZY' }] },
      }),
    ).previewPolicyChanges;
    expect(narrowed.clusters).toEqual(['prod']);
    expect(narrowed.totals).toEqual({ newlyAllowed: 0, newlyDenied: 1, uncertain: 0, unchanged: 0 });
    const wide = expectData(
      await preview(editor, {
        yaml: DROP_BATCH_IN_PROD,
        filter: {
          clusters: ['prod'],
          timeRange: { from: new Date(Date.now() - 4 * 86_400_000).toISOString() },
        },
      }),
    ).previewPolicyChanges;
    expect(wide.flows.edges.map((e) => e.node.sourceName)).toContain('legacy-7d9c8b6f5-*');
  });

  it('structured changes: deleting the policy newly allows what its end of tier denied', async () => {
    const p = expectData(
      await preview(editor, {
        changes: [{ op: 'DELETE', resource: { kind: 'NetworkPolicy', namespace: 'shop', name: 'cart' } }],
        filter: { clusters: ['prod'] },
      }),
    ).previewPolicyChanges;
    const allowed = p.flows.edges.filter((e) => e.node.class === 'NEWLY_ALLOWED').map((e) => e.node);
    expect(allowed).toMatchObject([
      {
        sourceName: 'ops-7d9c8b6f5-*',
        after: { action: 'ALLOW', trace: ['0|__PROFILE__|pro:kns.shop|allow|0'] },
      },
    ]);
  });

  it('an edit that needs a label the aggregated pods do not share marks the flows uncertain, saying why', async () => {
    const p = expectData(
      await preview(editor, {
        changes: [
          {
            op: 'APPLY',
            object: {
              apiVersion: 'projectcalico.org/v3',
              kind: 'GlobalNetworkPolicy',
              metadata: { name: 'canary' },
              spec: { selector: "version == 'canary'", types: ['Ingress'], ingress: [{ action: 'Deny' }] },
            },
          },
        ],
        filter: { clusters: ['prod'] },
      }),
    ).previewPolicyChanges;
    expect(p.totals.uncertain).toBe(3);
    expect(p.flows.edges[0]!.node.uncertainties).toEqual([
      {
        reason: 'AGGREGATED_LABELS',
        resource: 'GlobalNetworkPolicy/canary',
        detail: 'label "version" of destination shop/cart-5f6d7c8b9-*',
      },
    ]);
  });

  it("a staged policy's promotion is previewed as stage → enforce would apply it", async () => {
    const stored = await exported();
    const p = expectData(
      await preview(editor, {
        promote: { kind: 'StagedNetworkPolicy', namespace: 'shop', name: 'cart' },
        filter: { clusters: ['staging'] },
      }),
    ).previewPolicyChanges;
    expect(
      p.flows.edges.filter((e) => e.node.class === 'NEWLY_DENIED').map((e) => e.node.sourceName),
    ).toEqual(['batch-7d9c8b6f5-*']);
    expect(await exported()).toBe(stored);
  });

  it('bad input: an invalid edit by path and line, a window beyond retention, a cluster of another organisation', async () => {
    const bad = await preview(editor, {
      yaml: `${DROP_BATCH_IN_PROD.replace("selector: app == 'cart'", "selector: app === 'cart'")}`,
    });
    expect(codeOf(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions?.field).toEqual(['input', 'yaml', 'spec', 'selector']);
    expect(bad.errors?.[0]?.message).toMatch(/line 8/);
    const missingTier = await preview(editor, {
      yaml: DROP_BATCH_IN_PROD.replace('spec:\n', 'spec:\n  tier: nowhere\n'),
    });
    expect(codeOf(missingTier)).toBe('VALIDATION_FAILED');
    expect(missingTier.errors?.[0]?.extensions?.field).toEqual(['input', 'yaml', 'spec', 'tier']);
    const old = await preview(editor, {
      yaml: DROP_BATCH_IN_PROD,
      filter: { timeRange: { from: new Date(Date.now() - 400 * 86_400_000).toISOString() } },
    });
    expect(codeOf(old)).toBe('VALIDATION_FAILED');
    expect(old.errors?.[0]?.extensions?.field).toEqual(['input', 'filter', 'timeRange', 'from']);
    const foreign = await preview(editor, { yaml: DROP_BATCH_IN_PROD, filter: { clusters: ['foreign'] } });
    expect(codeOf(foreign)).toBe('NOT_FOUND');
    const nothing = await preview(editor, {});
    expect(codeOf(nothing)).toBe('VALIDATION_FAILED');
    const missing = await preview(editor, {
      changes: [{ op: 'DELETE', resource: { kind: 'NetworkPolicy', namespace: 'shop', name: 'nope' } }],
    });
    expect(codeOf(missing)).toBe('NOT_FOUND');
  });

  it('only a role that may make the change may preview it', async () => {
    expect(codeOf(await preview(viewer, { yaml: DROP_BATCH_IN_PROD }))).toBe('FORBIDDEN');
    expect(codeOf(await preview(owner, { yaml: DROP_BATCH_IN_PROD }))).toBeUndefined();
  });

  it("groups the window's flows into keys in one round trip, hashed without JIT (decision 0205)", async () => {
    const query = vi.spyOn(ctx.app.get(Database), 'query');
    try {
      expectData(await preview(editor, { yaml: DROP_BATCH_IN_PROD }));
      const statements = query.mock.calls.map(([, qs]) =>
        qs.map((q) => q.text.trim().split(/\s+/).slice(0, 3).join(' ')),
      );
      expect(statements).toContainEqual([
        'SET LOCAL work_mem',
        'SET LOCAL enable_sort',
        'SET LOCAL enable_incremental_sort',
        'SET LOCAL jit',
        'WITH g AS',
      ]);
    } finally {
      query.mockRestore();
    }
  });
});

describe('previewPolicyChanges over a window in which the policies changed', () => {
  const V1 = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: cart, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress:
    - { action: Allow, source: { selector: "app in { 'frontend', 'batch', 'cron' }" } }
`;
  const V2 = V1.replace(`"app in { 'frontend', 'batch', 'cron' }"`, "app == 'frontend'");
  let historySlug: string;
  let historyEditor: Caller;

  beforeAll(async () => {
    const org = await ctx.newOrg();
    historySlug = org.slug;
    const historyOwner = await ctx.tokenCaller(historySlug, 'owner');
    historyEditor = await ctx.tokenCaller(historySlug, 'editor');
    const r = expectData(
      await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
        historyOwner,
        'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
        { i: { orgSlug: historySlug, name: 'hist' } },
      ),
    );
    const apply = async (yaml: string) =>
      expectData(
        await ctx.gql(
          historyOwner,
          'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }',
          { i: { orgSlug: historySlug, yaml, dryRun: false } },
        ),
      );
    // v1 (frontend, batch and cron allowed) three hours ago; v2 (frontend only) an hour ago.
    await apply(V1);
    await backdateRevisions(org.orgId, 180, 1);
    await apply(V2);
    await backdateRevisions(org.orgId, 60, 2);
    await storeFlows(ctx, org.orgId, r.registerCluster.cluster.id, [
      // Seen under v1: allowed then.
      from('batch', { start_time: bucketAgo(120) }),
      // Seen under v2: denied at its end of tier.
      from('cron', {
        start_time: bucketAgo(30),
        action: 'deny',
        policies: { enforced: ['0|default|np:shop/cart|deny|-1'], pending: [] },
      }),
      // One key seen under both.
      from('frontend', { start_time: bucketAgo(120) }),
      from('frontend', { start_time: bucketAgo(30) }),
    ]);
  }, 120_000);

  it('replays each flow against the revisions in force when it was seen', async () => {
    // The edit re-applies what is stored (v2): only history makes a difference.
    const p = expectData(
      await ctx.gql<{ previewPolicyChanges: Preview }>(historyEditor, PREVIEW, {
        i: { orgSlug: historySlug, yaml: V2 },
      }),
    ).previewPolicyChanges;
    const nodes = p.flows.edges.map((e) => e.node);
    const bySource = (app: string) => nodes.find((n) => n.sourceName.startsWith(app));
    // Allowed by v1 when seen; v2, stored now, denies it.
    expect(bySource('batch')).toMatchObject({
      class: 'NEWLY_DENIED',
      before: { action: 'ALLOW', trace: ['0|default|np:shop/cart|allow|0'] },
      after: { action: 'DENY', trace: ['0|default|np:shop/cart|deny|-1'] },
    });
    // Seen under v2 already: nothing changes for it.
    expect(bySource('cron')).toMatchObject({
      class: 'UNCHANGED',
      before: { action: 'DENY', trace: ['0|default|np:shop/cart|deny|-1'] },
    });
    // Allowed under both revisions: one row for the whole window.
    expect(nodes.filter((n) => n.sourceName.startsWith('frontend'))).toEqual([
      expect.objectContaining({ class: 'UNCHANGED', numFlows: 4 }),
    ]);
    expect(p.totals).toEqual({ newlyAllowed: 0, newlyDenied: 1, uncertain: 0, unchanged: 2 });
  });
});
