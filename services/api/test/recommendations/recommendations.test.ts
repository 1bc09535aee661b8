// Policy recommendations through GraphQL over flows stored as the gateway stores them: built per
// namespace from uncovered flows (excluded namespaces and covered flows left out), each rule naming
// its flows; idempotent refresh; accept stores the staged policy and its tier; previewing its
// promotion denies none of the flows it came from while a connection never seen is denied;
// promotion makes it ENFORCED; dismissed ones stay dismissed; the repeatable job refreshes due
// organisations; roles and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/platform/db/database.js';
import { FlowsRepository } from '../../src/modules/flows/flows.repository.js';
import { RecommendationsRefreshProcessor } from '../../src/modules/recommendations/jobs/recommendations-refresh.processor.js';
import { RecommendationRefresher } from '../../src/modules/recommendations/recommendation-refresher.js';
import { RecommendationsRepository } from '../../src/modules/recommendations/recommendations.repository.js';
import { TestContext, codeOf, type Caller } from '../context.js';
import { expectData } from '../factories/members.js';
import { bucketAgo, record, storeFlows } from '../flows/flow-rows.js';

let ctx: TestContext;
let slug: string;
let orgId: string;
let clusterId: string;
let editor: Caller;
let viewer: Caller;

const T = bucketAgo(20);
const PROFILE = (ns: string) => ({ enforced: [`0|__PROFILE__|pro:kns.${ns}|allow|0`], pending: [] });

const FLOWS = [
  // shop/web → shop/api, both ends; shop/web → db/pg, both ends; db/pg → pvt; kube-system (excluded).
  record({
    start_time: T,
    source_name: 'web-1-*',
    source_labels: ['app=web'],
    dest_name: 'api-2-*',
    dest_labels: ['app=api'],
    dest_port: 8000,
    reporter: 'src',
    policies: PROFILE('shop'),
  }),
  record({
    start_time: T,
    source_name: 'web-1-*',
    source_labels: ['app=web'],
    dest_name: 'api-2-*',
    dest_labels: ['app=api'],
    dest_port: 8000,
    reporter: 'dst',
    policies: PROFILE('shop'),
  }),
  record({
    start_time: T,
    source_name: 'web-1-*',
    source_labels: ['app=web'],
    dest_namespace: 'db',
    dest_name: 'pg-3-*',
    dest_labels: ['app=pg'],
    dest_port: 5432,
    reporter: 'src',
    policies: PROFILE('shop'),
  }),
  record({
    start_time: T,
    source_name: 'web-1-*',
    source_labels: ['app=web'],
    dest_namespace: 'db',
    dest_name: 'pg-3-*',
    dest_labels: ['app=pg'],
    dest_port: 5432,
    reporter: 'dst',
    policies: PROFILE('db'),
  }),
  record({
    start_time: T,
    source_namespace: 'db',
    source_name: 'pg-3-*',
    source_labels: ['app=pg'],
    dest_type: 'net',
    dest_namespace: '-',
    dest_name: 'pvt',
    dest_labels: [],
    dest_port: 443,
    reporter: 'src',
    policies: PROFILE('db'),
  }),
  record({
    start_time: T,
    source_namespace: 'kube-system',
    source_name: 'dns-4-*',
    source_labels: ['k8s-app=dns'],
    dest_namespace: 'kube-system',
    dest_name: 'dns-4-*',
    dest_labels: ['k8s-app=dns'],
    dest_port: 53,
    proto: 'udp',
    reporter: 'src',
    policies: PROFILE('kube-system'),
  }),
  // Covered by a policy: no recommendation comes from it.
  record({
    start_time: T,
    source_name: 'web-1-*',
    source_labels: ['app=web'],
    dest_name: 'api-2-*',
    dest_labels: ['app=api'],
    dest_port: 9999,
    reporter: 'src',
    policies: { enforced: ['0|default|np:shop/x|allow|0'], pending: [] },
  }),
];

interface Rec {
  id: string;
  cluster: string;
  namespace: string;
  state: string;
  yaml: string;
  rules: { direction: string; index: number; flowKeys: string[] }[];
  changedAt: string;
}
const REC = 'id cluster namespace state yaml rules { direction index flowKeys } changedAt';

async function refresh(caller: Caller = editor) {
  return ctx.gql<{ refreshPolicyRecommendations: Rec[] }>(
    caller,
    `mutation($i: RefreshPolicyRecommendationsInput!) { refreshPolicyRecommendations(input: $i) { ${REC} } }`,
    { i: { orgSlug: slug, cluster: 'prod' } },
  );
}

async function list(): Promise<Rec[]> {
  return expectData(
    await ctx.gql<{ organization: { policyRecommendations: { edges: { node: Rec }[] } } }>(
      viewer,
      `query($s: String!) { organization(slug: $s) { policyRecommendations(first: 100) { edges { node { ${REC} } } } } }`,
      { s: slug },
    ),
  ).organization.policyRecommendations.edges.map((e) => e.node);
}

async function mutate(name: 'acceptPolicyRecommendation' | 'dismissPolicyRecommendation', id: string) {
  return ctx.gql<Record<string, Rec>>(
    editor,
    `mutation($i: PolicyRecommendationRefInput!) { ${name}(input: $i) { ${REC} } }`,
    { i: { orgSlug: slug, id } },
  );
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug, orgId } = await ctx.newOrg());
  const owner = await ctx.tokenCaller(slug, 'owner');
  editor = await ctx.tokenCaller(slug, 'editor');
  viewer = await ctx.tokenCaller(slug, 'viewer');
  clusterId = expectData(
    await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
      owner,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      { i: { orgSlug: slug, name: 'prod', labels: [{ key: 'env', value: 'prod' }] } },
    ),
  ).registerCluster.cluster.id;
  await storeFlows(ctx, orgId, clusterId, FLOWS);
}, 120_000);

afterAll(async () => {
  await ctx?.close();
});

describe('policy recommendations', () => {
  it('recommends one staged policy per namespace from uncovered flows, each rule naming its flows', async () => {
    const recs = expectData(await refresh()).refreshPolicyRecommendations;
    expect(recs.map((r) => [r.cluster, r.namespace, r.state])).toEqual([
      ['prod', 'db', 'RECOMMENDED'],
      ['prod', 'shop', 'RECOMMENDED'],
    ]);
    const shop = recs.find((r) => r.namespace === 'shop')!;
    expect(shop.yaml).toContain('kind: StagedNetworkPolicy');
    expect(shop.yaml).toContain('tier: namespace-isolation');
    expect(shop.yaml).toContain("selector: projectcalico.org/namespace == 'shop'");
    expect(shop.yaml).toContain("namespaceSelector: projectcalico.org/name == 'db'");
    expect(shop.yaml).not.toContain('9999');
    // Every rule built from flows says which; only the always-present DNS rule has none.
    expect(shop.rules.filter((r) => r.flowKeys.length === 0)).toEqual([
      {
        direction: 'egress',
        index: shop.rules.filter((r) => r.direction === 'egress').length - 1,
        flowKeys: [],
      },
    ]);
    const db = recs.find((r) => r.namespace === 'db')!;
    expect(db.yaml).toContain('10.0.0.0/8');
    // Same flows, same recommendation: a refresh changes nothing.
    const again = expectData(await refresh()).refreshPolicyRecommendations;
    expect(again.map((r) => r.changedAt)).toEqual(recs.map((r) => r.changedAt));
  });

  it('accepting stores the staged policy and its tier; its promotion denies none of its flows; promoting makes it ENFORCED', async () => {
    const shop = (await list()).find((r) => r.namespace === 'shop')!;
    const accepted = expectData(
      await mutate('acceptPolicyRecommendation', shop.id),
    ).acceptPolicyRecommendation!;
    expect(accepted.state).toBe('ACCEPTED');
    const exported = expectData(
      await ctx.gql<{ exportResources: string }>(
        editor,
        'query($s: String!) { exportResources(orgSlug: $s) }',
        { s: slug },
      ),
    ).exportResources;
    expect(exported).toContain('name: namespace-isolation.shop');
    expect(exported).toMatch(/kind: Tier\nmetadata:\n {2}name: namespace-isolation/);
    expect(exported).toContain(`palisade.io/cluster-selector: env == "prod"`);

    // Previewed as enforced: none of the flows it came from is denied; the one flow it was not built
    // from (recorded as covered by a policy this organisation does not store) is.
    const preview = expectData(
      await ctx.gql<{
        previewPolicyChanges: {
          totals: Record<string, number>;
          flows: { edges: { node: { class: string; destPort: number } }[] };
        };
      }>(
        editor,
        `query($i: PreviewPolicyChangesInput!) { previewPolicyChanges(input: $i) {
          totals { newlyDenied newlyAllowed uncertain unchanged } flows(first: 100) { edges { node { class destPort } } } } }`,
        {
          i: {
            orgSlug: slug,
            promote: { kind: 'StagedNetworkPolicy', namespace: 'shop', name: 'namespace-isolation.shop' },
          },
        },
      ),
    ).previewPolicyChanges;
    const denied = preview.flows.edges
      .filter((e) => e.node.class === 'NEWLY_DENIED')
      .map((e) => e.node.destPort);
    expect(denied).toEqual([9999]);
    expect(preview.totals.uncertain).toBe(0);
    expect(preview.totals.unchanged).toBeGreaterThanOrEqual(4);

    expectData(
      await ctx.gql(
        editor,
        'mutation($i: PromoteStagedPolicyInput!) { promoteStagedPolicy(input: $i) { enforcedKind } }',
        {
          i: {
            orgSlug: slug,
            kind: 'StagedNetworkPolicy',
            namespace: 'shop',
            name: 'namespace-isolation.shop',
          },
        },
      ),
    );
    expectData(await refresh());
    expect((await list()).find((r) => r.namespace === 'shop')!.state).toBe('ENFORCED');
  });

  it('a dismissed recommendation stays dismissed and cannot be accepted', async () => {
    const db = (await list()).find((r) => r.namespace === 'db')!;
    expect(
      expectData(await mutate('dismissPolicyRecommendation', db.id)).dismissPolicyRecommendation!.state,
    ).toBe('DISMISSED');
    await storeFlows(ctx, orgId, clusterId, [
      record({
        start_time: T + 15,
        source_namespace: 'db',
        source_name: 'pg-3-*',
        source_labels: ['app=pg'],
        dest_type: 'net',
        dest_namespace: '-',
        dest_name: 'pub',
        dest_labels: [],
        dest_port: 80,
        reporter: 'src',
        policies: PROFILE('db'),
      }),
    ]);
    expectData(await refresh());
    const after = (await list()).find((r) => r.namespace === 'db')!;
    expect(after.state).toBe('DISMISSED');
    expect(after.yaml).toBe(db.yaml);
    expect(codeOf(await mutate('acceptPolicyRecommendation', db.id))).toBe('PRECONDITION_FAILED');
  });

  it('the repeatable job refreshes organisations whose enabled scope is due', async () => {
    expectData(
      await ctx.gql(
        editor,
        'mutation($i: SetRecommendationScopeInput!) { setRecommendationScope(input: $i) { enabled } }',
        {
          i: { orgSlug: slug, enabled: true, excludedNamespacePrefixes: ['kube-', 'ops'] },
        },
      ),
    );
    await storeFlows(ctx, orgId, clusterId, [
      record({
        start_time: T + 30,
        source_namespace: 'billing',
        source_name: 'inv-5-*',
        source_labels: ['app=inv'],
        dest_namespace: 'db',
        dest_name: 'pg-3-*',
        dest_labels: ['app=pg'],
        dest_port: 5432,
        reporter: 'src',
        policies: PROFILE('billing'),
      }),
    ]);
    const db = new Database(ctx.env.DATABASE_URL, 2);
    try {
      const repo = new RecommendationsRepository(db);
      const job = new RecommendationsRefreshProcessor(
        repo,
        new RecommendationRefresher(db, repo, new FlowsRepository(db)),
      );
      expect((await job.run()).refreshed).toBeGreaterThanOrEqual(1);
      expect((await list()).map((r) => r.namespace)).toContain('billing');
      // Just refreshed: not due again within its interval.
      const due = await repo.due();
      expect(due).not.toContain(orgId);
    } finally {
      await db.close();
    }
  });

  it('roles and bad input', async () => {
    expect(codeOf(await refresh(viewer))).toBe('FORBIDDEN');
    expect(codeOf(await mutate('acceptPolicyRecommendation', '00000000-0000-4000-8000-000000000000'))).toBe(
      'NOT_FOUND',
    );
    const notId = await mutate('dismissPolicyRecommendation', 'nope');
    expect(codeOf(notId)).toBe('VALIDATION_FAILED');
    const unknown = await ctx.gql(
      editor,
      'mutation($i: RefreshPolicyRecommendationsInput!) { refreshPolicyRecommendations(input: $i) { id } }',
      { i: { orgSlug: slug, cluster: 'nowhere' } },
    );
    expect(codeOf(unknown)).toBe('NOT_FOUND');
  });
});
