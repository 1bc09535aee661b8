// A desired set larger than one tunnel frame, end to end (decision 0013), with every component
// real: the API (GraphQL), cluster gateways on the same database and Redis prefix, simulated
// agents, PostgreSQL and Redis. About 3,000 NetworkPolicies with long selectors and annotations
// (over 3 MiB) reach an agent in chunks and the cluster reports IN_SYNC with every one of them; a
// gateway whose per-cluster limit is below that size reports FAILED with the reason through the
// same policy sync status, instead of leaving the cluster PENDING. Policies are applied in
// batches of 750 (one applyResources transaction per batch, under the 1 MiB body limit), so each cluster passes through
// smaller generations first, as a growing organisation would.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TUNING, startGateway, type RunningGateway } from '@palisade/cluster-gateway';
import { startSimulatedAgent } from '@palisade/agent/simulated';
import { TestContext, type Caller } from '../context.js';
import { SHOP_EXAMPLE, eventually, gatewayDatabaseUrl, startTestGateway } from '../support/fleet.js';

type Agent = Awaited<ReturnType<typeof startSimulatedAgent>>;

const POLICIES = 3_000;
const PER_BATCH = 750;
const TIMEOUT = 240_000;
const CAPPED_BYTES = 2 * 1024 * 1024;

let ctx: TestContext;
let owner: Caller & { secret: string };
let slug: string;
const gateways: RunningGateway[] = [];
const agents: Agent[] = [];

interface SyncView {
  generation: number | null;
  appliedGeneration: number | null;
  status: string;
  error: string | null;
  resources: { name: string; status: string; message: string | null }[];
}

const POLICY_SYNC = `query($s: String!, $n: String!) { organization(slug: $s) { cluster(name: $n) {
  status policySync { generation appliedGeneration status error resources { name status message } } } } }`;

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await ctx.gql<T>(owner, query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

async function register(name: string): Promise<string> {
  const r = await gql<{ registerCluster: { enrollmentToken: string } }>(
    `mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }`,
    { i: { orgSlug: slug, name, labels: [{ key: 'env', value: 'prod' }] } },
  );
  return r.registerCluster.enrollmentToken;
}

async function connect(name: string, gateway: RunningGateway): Promise<Agent> {
  const agent = await startSimulatedAgent({
    file: SHOP_EXAMPLE,
    gatewayUrl: `ws://127.0.0.1:${String(gateway.port)}/v1/tunnel`,
    enrollmentToken: await register(name),
    stateDir: mkdtempSync(join(tmpdir(), `palisade-chunked-${name}-`)),
    watch: false,
    timings: { backoff: { initialMs: 100, maxMs: 500 }, immediateJitterMs: 100 },
  });
  agents.push(agent);
  return agent;
}

/** About 1.1 KB of YAML: eight selector terms, a long description annotation. */
function policyYaml(i: number): string {
  const terms = Array.from({ length: 8 }, (_, t) => `team-${String(t)} == 'squad-${String(i)}'`).join(' && ');
  return `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: allow-squad-${String(i)}
  namespace: backend
  annotations:
    example.com/description: "${`Owned by squad ${String(i)}; reviewed quarterly. `.repeat(12)}"
spec:
  tier: default
  order: ${String(100 + (i % 500))}
  selector: ${terms}
  types: [Ingress]
  ingress:
    - action: Allow
      protocol: TCP
      source:
        selector: app == 'storefront-${String(i)}'
      destination:
        ports: [${String(8000 + (i % 1000))}]
`;
}

async function sync(name: string): Promise<SyncView> {
  const r = await gql<{ organization: { cluster: { policySync: SyncView } } }>(POLICY_SYNC, {
    s: slug,
    n: name,
  });
  return r.organization.cluster.policySync;
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  gateways.push(await startTestGateway(ctx));
  gateways.push(
    await startGateway({
      databaseUrl: gatewayDatabaseUrl(ctx),
      redisUrl: ctx.env.REDIS_URL,
      redisPrefix: ctx.env.REDIS_PREFIX,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      tuning: { protocolLimits: { ...DEFAULT_TUNING.protocolLimits, maxDesiredStateBytes: CAPPED_BYTES } },
    }),
  );
  const [roomy, capped] = gateways as [RunningGateway, RunningGateway];
  await connect('large', roomy);
  await connect('capped', capped);
  await eventually(
    'both agents connected',
    () => (agents.every((a) => a.status() === 'connected') ? true : undefined),
    TIMEOUT,
  );
  for (let start = 0; start < POLICIES; start += PER_BATCH) {
    const yaml = Array.from({ length: PER_BATCH }, (_, k) => policyYaml(start + k)).join('---\n');
    const r = await gql<{ applyResources: { applied: boolean } }>(
      `mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }`,
      { i: { orgSlug: slug, yaml } },
    );
    expect(r.applyResources.applied).toBe(true);
  }
}, TIMEOUT);

afterAll(async () => {
  for (const a of agents) await a.close().catch(() => undefined);
  for (const g of gateways) await g.close().catch(() => undefined);
  await ctx?.close();
});

describe('a desired set larger than one frame', () => {
  it(
    'reaches the agent in chunks and the cluster reports IN_SYNC with every policy',
    async () => {
      const [row] = await ctx.sql<{ bytes: string; count: number }>(
        `SELECT octet_length(d.resources::text) AS bytes, jsonb_array_length(d.resources) AS count
           FROM cluster_desired_state d JOIN clusters c ON c.id = d.cluster_id WHERE c.name = 'large'`,
      );
      expect(row?.count).toBe(POLICIES);
      expect(Number(row?.bytes)).toBeGreaterThan(3 * DEFAULT_TUNING.protocolLimits.maxFrameBytes);

      const status = await eventually(
        'large IN_SYNC with every policy',
        async () => {
          const s = await sync('large');
          return s.status === 'IN_SYNC' &&
            s.appliedGeneration === s.generation &&
            s.resources.length === POLICIES &&
            s.resources.every((r) => r.status === 'IN_SYNC')
            ? s
            : undefined;
        },
        TIMEOUT,
      );
      expect(status.error).toBeNull();
      const applied = agents[0]!.provider.policies().map((p) => p.metadata.name);
      expect(applied).toHaveLength(POLICIES);
      expect(new Set(applied)).toEqual(
        new Set(Array.from({ length: POLICIES }, (_, i) => `allow-squad-${String(i)}`)),
      );
    },
    TIMEOUT,
  );

  it(
    'is FAILED with the reason, for the cluster and each policy, where it exceeds the limit',
    async () => {
      const status = await eventually(
        'capped FAILED',
        async () => {
          const s = await sync('capped');
          return s.status === 'FAILED' && s.appliedGeneration === s.generation ? s : undefined;
        },
        TIMEOUT,
      );
      expect(status.error).toMatch(
        /^not delivered to the agent: the desired set encodes to [\d.]+ MiB, more than the limit of 2 MiB per cluster$/,
      );
      expect(status.resources).toHaveLength(POLICIES);
      expect(status.resources.every((r) => r.status === 'FAILED' && r.message === status.error)).toBe(true);
      // The agent keeps the last set it was given (one of the smaller generations along the way):
      // an undeliverable set prunes nothing.
      const kept = agents[1]!.provider.policies().length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(POLICIES);
    },
    TIMEOUT,
  );
});
