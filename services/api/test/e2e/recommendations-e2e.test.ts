// Recommendation end to end on the shop demo (issue 14 acceptance), every component real: the
// simulated shop cluster on a stepped clock, a gateway, Postgres, GraphQL. A recommendation for
// every shop namespace is made from the traffic, accepted, previewed (its promotion denies no flow
// of the lookback) and enforced: afterwards the cluster denies none of the traffic matrix's
// connections, and denies a connection the matrix never made.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '@palisade/cluster-gateway';
import { startSimulatedAgent } from '@palisade/agent/simulated';
import { TestContext, type Caller } from '../context.js';
import { expectData } from '../factories/members.js';
import { eventually, startTestGateway } from '../support/fleet.js';
import { SteppedClock } from '../support/stepped-clock.js';

const BUCKET_MS = 15_000;
const TIMEOUT = 120_000;
const SHOP = fileURLToPath(new URL('../../../../agent/examples/shop.yaml', import.meta.url));
const NAMESPACES = ['backend', 'db', 'frontend', 'monitoring'];

let ctx: TestContext;
let editor: Caller;
let slug: string;
let gateway: RunningGateway;
let agent: Awaited<ReturnType<typeof startSimulatedAgent>>;
let clock: SteppedClock;

interface Rec {
  id: string;
  namespace: string;
  state: string;
}

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  return expectData(await ctx.gql<T>(editor, query, variables));
}

async function inSync(): Promise<void> {
  await eventually(
    'the policies applied in the cluster',
    async () => {
      const r = await gql<{ organization: { cluster: { policySync: { status: string } } } }>(
        'query($s: String!) { organization(slug: $s) { cluster(name: "shop") { policySync { status } } } }',
        { s: slug },
      );
      return r.organization.cluster.policySync.status === 'IN_SYNC';
    },
    TIMEOUT,
  );
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug } = await ctx.newOrg());
  const owner = await ctx.tokenCaller(slug, 'owner');
  editor = await ctx.tokenCaller(slug, 'editor');
  gateway = await startTestGateway(ctx);
  const token = expectData(
    await ctx.gql<{ registerCluster: { enrollmentToken: string } }>(
      owner,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }',
      { i: { orgSlug: slug, name: 'shop', labels: [{ key: 'env', value: 'demo' }] } },
    ),
  ).registerCluster.enrollmentToken;
  const dir = mkdtempSync(join(tmpdir(), 'palisade-recommendations-e2e-'));
  writeFileSync(join(dir, 'cluster.yaml'), readFileSync(SHOP, 'utf8'));
  clock = new SteppedClock(Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS - 60 * BUCKET_MS);
  agent = await startSimulatedAgent({
    file: join(dir, 'cluster.yaml'),
    gatewayUrl: `ws://127.0.0.1:${gateway.port}/v1/tunnel`,
    enrollmentToken: token,
    stateDir: join(dir, 'state'),
    watch: false,
    clock,
    trafficSeed: 5,
    timings: { backoff: { initialMs: 100, maxMs: 500 }, immediateJitterMs: 100 },
  });
  await eventually('the agent connected', () => agent.status() === 'connected', TIMEOUT);
}, TIMEOUT);

afterAll(async () => {
  await agent?.close();
  await gateway?.close();
  await ctx?.close();
});

describe('recommendations on the shop demo', () => {
  it(
    'accepted, previewed and enforced, they keep the matrix allowed and deny what it never did',
    async () => {
      // About 45 buckets of traffic (eleven minutes): every entry of the matrix, even the rare ones.
      await eventually(
        'the lookback of traffic stored',
        async () => {
          if (clock.now() < Date.now() - 15 * BUCKET_MS) {
            clock.advance(3 * BUCKET_MS);
            return false;
          }
          // Caught up once the newest bucket is stored (batches are acknowledged in order).
          const r = await gql<{ organization: { flows: { edges: { node: { startTime: string } }[] } } }>(
            'query($s: String!) { organization(slug: $s) { flows(first: 1) { edges { node { startTime } } } } }',
            { s: slug },
          );
          const newest = r.organization.flows.edges[0]?.node.startTime;
          return newest !== undefined && new Date(newest).getTime() >= clock.now() - 3 * BUCKET_MS;
        },
        TIMEOUT,
      );

      const recs = (
        await gql<{ refreshPolicyRecommendations: Rec[] }>(
          'mutation($i: RefreshPolicyRecommendationsInput!) { refreshPolicyRecommendations(input: $i) { id namespace state } }',
          { i: { orgSlug: slug, cluster: 'shop' } },
        )
      ).refreshPolicyRecommendations;
      expect(recs.map((r) => r.namespace)).toEqual(NAMESPACES);

      for (const rec of recs) {
        const accepted = await gql<{ acceptPolicyRecommendation: Rec }>(
          'mutation($i: PolicyRecommendationRefInput!) { acceptPolicyRecommendation(input: $i) { state } }',
          { i: { orgSlug: slug, id: rec.id } },
        );
        expect(accepted.acceptPolicyRecommendation.state).toBe('ACCEPTED');
        const preview = await gql<{ previewPolicyChanges: { totals: Record<string, number> } }>(
          `query($i: PreviewPolicyChangesInput!) { previewPolicyChanges(input: $i) {
          totals { newlyDenied newlyAllowed uncertain unchanged } } }`,
          {
            i: {
              orgSlug: slug,
              promote: {
                kind: 'StagedNetworkPolicy',
                namespace: rec.namespace,
                name: `namespace-isolation.${rec.namespace}`,
              },
            },
          },
        );
        expect(preview.previewPolicyChanges.totals, rec.namespace).toMatchObject({
          newlyDenied: 0,
          uncertain: 0,
        });
        expect(preview.previewPolicyChanges.totals.unchanged).toBeGreaterThan(0);
      }

      for (const ns of NAMESPACES) {
        await gql(
          'mutation($i: PromoteStagedPolicyInput!) { promoteStagedPolicy(input: $i) { enforcedKind } }',
          {
            i: {
              orgSlug: slug,
              kind: 'StagedNetworkPolicy',
              namespace: ns,
              name: `namespace-isolation.${ns}`,
            },
          },
        );
      }
      await inSync();
      await eventually(
        'the cluster holds the four enforced policies and no staged one',
        () => {
          const kinds = agent.provider.policies().map((p) => p.kind);
          return (
            kinds.filter((k) => k === 'NetworkPolicy').length === 4 && !kinds.includes('StagedNetworkPolicy')
          );
        },
        TIMEOUT,
      );

      // The cluster's own evaluator: every connection of the matrix is still allowed…
      for (const t of agent.provider.traffic()) {
        // A workload `ns/name`, an address, or a CIDR (then one address inside it).
        const to = /^\d/.test(t.to) ? t.to.replace(/\/\d+$/, '').replace(/\.0$/, '.7') : t.to;
        const verdict = agent.provider.evaluateTraffic({
          from: t.from,
          to,
          port: t.port,
          protocol: t.protocol ?? 'TCP',
        });
        expect(verdict.action, `${t.from} → ${to}:${String(t.port)}`).toBe('allow');
      }
      // …and a connection it never made is denied (recommendations are per namespace: the frontend
      // never talked to monitoring).
      expect(
        agent.provider.evaluateTraffic({
          from: 'frontend/nginx',
          to: 'monitoring/prometheus',
          port: 9090,
          protocol: 'TCP',
        }).action,
      ).toBe('deny');

      // New buckets hold no denied flow, and the recommendations are now ENFORCED.
      const since = clock.now();
      clock.advance(3 * BUCKET_MS);
      await eventually(
        'buckets after enforcement stored',
        async () => {
          const r = await gql<{ organization: { flows: { totalCount: number } } }>(
            'query($s: String!, $f: FlowFilter) { organization(slug: $s) { flows(filter: $f, first: 1) { totalCount } } }',
            { s: slug, f: { timeRange: { from: new Date(since).toISOString() } } },
          );
          return r.organization.flows.totalCount > 0;
        },
        TIMEOUT,
      );
      const denied = await gql<{ organization: { flows: { totalCount: number } } }>(
        'query($s: String!, $f: FlowFilter) { organization(slug: $s) { flows(filter: $f, first: 1) { totalCount } } }',
        { s: slug, f: { actions: ['DENY'], timeRange: { from: new Date(since).toISOString() } } },
      );
      expect(denied.organization.flows.totalCount).toBe(0);
      const after = (
        await gql<{ refreshPolicyRecommendations: Rec[] }>(
          'mutation($i: RefreshPolicyRecommendationsInput!) { refreshPolicyRecommendations(input: $i) { namespace state } }',
          { i: { orgSlug: slug, cluster: 'shop' } },
        )
      ).refreshPolicyRecommendations;
      expect(after.map((r) => r.state)).toEqual(['ENFORCED', 'ENFORCED', 'ENFORCED', 'ENFORCED']);
    },
    4 * TIMEOUT,
  );
});
