// Policy rollout end to end (issue 5, decision 0009), over loopback with every component real: the
// API (GraphQL), a cluster gateway on the same database (as palisade_gateway) and Redis prefix,
// simulated agents with their own policy stores, PostgreSQL and Redis. A policy targeting
// `env == 'prod'` reaches only the prod clusters and shows IN_SYNC; the policy the agent applied
// changes the verdicts of its engine; an invalid batch stores and pushes nothing; relabelling adds
// and prunes; drift is reported with what differs and, in revert mode, reverted; rollback restores
// the old version everywhere; an agent restart, an offline cluster coming back and a gateway crash
// all converge without anyone acting. Every wait is bounded polling for a condition.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '@palisade/cluster-gateway';
import { runEditCommand, startSimulatedAgent } from '@palisade/agent/simulated';
import { TestContext, type Caller } from '../context.js';
import { SHOP_EXAMPLE, eventually, startTestGateway } from '../support/fleet.js';

type Agent = Awaited<ReturnType<typeof startSimulatedAgent>>;

let ctx: TestContext;
let owner: Caller & { secret: string };
let slug: string;
let gateway: RunningGateway;
let gatewayPort: number;
const stateDirs = new Map<string, string>();
const agents = new Map<string, Agent>();
const AGENT_TIMINGS = { backoff: { initialMs: 100, maxMs: 500 }, immediateJitterMs: 100 };
const TIMEOUT = 90_000;

interface SyncView {
  generation: number | null;
  appliedGeneration: number | null;
  status: string;
  error: string | null;
  resources: {
    kind: string;
    namespace: string | null;
    name: string;
    status: string;
    message: string | null;
    diff: unknown;
  }[];
}

const POLICY_SYNC = `query($s: String!, $n: String!) { organization(slug: $s) { cluster(name: $n) {
  status policySync { generation appliedGeneration status error resources { kind namespace name status message diff } } } } }`;
const CLUSTER_STATUS = `query($s: String!) { organization(slug: $s) {
  policyResource(kind: NetworkPolicy, namespace: "backend", name: "deny-api") {
    revision clusterStatus { cluster { name } status message } } } }`;

function denyApi(port: number, selector = "env == 'prod'"): string {
  return `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: deny-api
  namespace: backend
  annotations:
    palisade.io/cluster-selector: "${selector}"
spec:
  tier: default
  order: 100
  selector: app == 'api'
  types: [Ingress]
  ingress:
    - action: Deny
      protocol: TCP
      destination:
        ports: [${String(port)}]
`;
}

const STOREFRONT_TO_API = {
  from: 'frontend/storefront',
  to: 'backend/api',
  port: 8000,
  protocol: 'TCP',
} as const;

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await ctx.gql<T>(owner, query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

async function register(name: string, env: string): Promise<string> {
  const r = await gql<{ registerCluster: { enrollmentToken: string } }>(
    `mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }`,
    { i: { orgSlug: slug, name, labels: [{ key: 'env', value: env }] } },
  );
  return r.registerCluster.enrollmentToken;
}

async function relabel(name: string, env: string): Promise<void> {
  await gql(`mutation($i: UpdateClusterLabelsInput!) { updateClusterLabels(input: $i) { id } }`, {
    i: { orgSlug: slug, name, labels: [{ key: 'env', value: env }] },
  });
}

async function startAgent(name: string, token: string | null = null): Promise<Agent> {
  let dir = stateDirs.get(name);
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), `palisade-rollout-${name}-`));
    stateDirs.set(name, dir);
  }
  const agent = await startSimulatedAgent({
    file: SHOP_EXAMPLE,
    gatewayUrl: `ws://127.0.0.1:${String(gatewayPort)}/v1/tunnel`,
    enrollmentToken: token,
    stateDir: dir,
    watch: false,
    watchPolicies: true,
    timings: AGENT_TIMINGS,
  });
  agents.set(name, agent);
  return agent;
}

async function stopAgent(name: string): Promise<void> {
  await agents.get(name)?.close();
  agents.delete(name);
}

function agent(name: string): Agent {
  const a = agents.get(name);
  if (a === undefined) throw new Error(`no agent ${name}`);
  return a;
}

async function apply(yaml: string): Promise<{ applied: boolean; results: { action: string }[] }> {
  const r = await gql<{ applyResources: { applied: boolean; results: { action: string }[] } }>(
    `mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied results { action } } }`,
    { i: { orgSlug: slug, yaml } },
  );
  return r.applyResources;
}

async function sync(name: string): Promise<SyncView & { connection: string }> {
  const r = await gql<{ organization: { cluster: { status: string; policySync: SyncView } } }>(POLICY_SYNC, {
    s: slug,
    n: name,
  });
  return { ...r.organization.cluster.policySync, connection: r.organization.cluster.status };
}

/** IN_SYNC at the desired generation, with exactly these policy names applied. */
async function inSync(name: string, policies: string[]): Promise<SyncView> {
  return eventually(
    `${name} IN_SYNC with [${policies.join(', ')}]`,
    async () => {
      const s = await sync(name);
      const names = s.resources.map((r) => r.name).sort();
      return s.status === 'IN_SYNC' &&
        s.appliedGeneration === s.generation &&
        JSON.stringify(names) === JSON.stringify(policies) &&
        s.resources.every((r) => r.status === 'IN_SYNC')
        ? s
        : undefined;
    },
    TIMEOUT,
  );
}

function deniedPorts(name: string): number[] {
  return agent(name)
    .provider.policies()
    .filter((p) => p.metadata.name === 'deny-api')
    .flatMap((p) => {
      const spec = (p as unknown as { spec: { ingress: { destination: { ports: number[] } }[] } }).spec;
      return spec.ingress.flatMap((rule) => rule.destination.ports);
    });
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  gateway = await startTestGateway(ctx);
  gatewayPort = gateway.port;
  for (const [name, env] of [
    ['prod-a', 'prod'],
    ['prod-b', 'prod'],
    ['dev', 'dev'],
  ] as const) {
    await startAgent(name, await register(name, env));
  }
  await eventually(
    'every agent connected',
    () => ([...agents.values()].every((a) => a.status() === 'connected') ? true : undefined),
    TIMEOUT,
  );
}, TIMEOUT);

afterAll(async () => {
  for (const a of agents.values()) await a.close().catch(() => undefined);
  await gateway?.close().catch(() => undefined);
  await ctx?.close();
});

describe('policy rollout across a fleet', () => {
  it(
    "reaches only the clusters its selector targets, shows IN_SYNC, and changes the agent's verdicts",
    async () => {
      expect(agent('prod-a').provider.evaluateTraffic(STOREFRONT_TO_API).action).toBe('allow');
      const applied = await apply(denyApi(8000));
      expect(applied.applied).toBe(true);
      await inSync('prod-a', ['deny-api']);
      await inSync('prod-b', ['deny-api']);
      await inSync('dev', []);
      expect(deniedPorts('prod-a')).toEqual([8000]);
      expect(agent('dev').provider.policies()).toEqual([]);
      const verdict = agent('prod-a').provider.evaluateTraffic(STOREFRONT_TO_API);
      expect(verdict.action).toBe('deny');
      expect(verdict.ingress?.trace.join(' ')).toContain('deny-api');
      expect(agent('dev').provider.evaluateTraffic(STOREFRONT_TO_API).action).toBe('allow');

      const status = await gql<{
        organization: { policyResource: { clusterStatus: { cluster: { name: string }; status: string }[] } };
      }>(CLUSTER_STATUS, { s: slug });
      expect(
        status.organization.policyResource.clusterStatus.map((c) => [c.cluster.name, c.status]).sort(),
      ).toEqual([
        ['prod-a', 'IN_SYNC'],
        ['prod-b', 'IN_SYNC'],
      ]);
    },
    TIMEOUT,
  );

  it(
    'stores and pushes nothing when one document of an applyResources batch is invalid',
    async () => {
      const before = await ctx.sql<{ cluster_id: string; generation: string }>(
        'SELECT cluster_id, generation FROM cluster_desired_state ORDER BY cluster_id',
      );
      const pushes = gateway.rollout.pushes;
      const broken = denyApi(9000).replace('action: Deny', 'action: Explode');
      const result = await apply(`${denyApi(9000).replace('deny-api', 'other')}---\n${broken}`);
      expect(result.applied).toBe(false);
      expect(result.results.map((r) => r.action)).toContain('ERROR');
      expect(
        await ctx.sql('SELECT cluster_id, generation FROM cluster_desired_state ORDER BY cluster_id'),
      ).toEqual(before);
      expect(await ctx.sql(`SELECT 1 FROM policy_resources WHERE name = 'other'`)).toEqual([]);
      expect(gateway.rollout.pushes).toBe(pushes);
      expect(deniedPorts('prod-a')).toEqual([8000]);
    },
    TIMEOUT,
  );

  it(
    "adds and prunes when a cluster's labels change",
    async () => {
      await relabel('dev', 'prod');
      await inSync('dev', ['deny-api']);
      expect(deniedPorts('dev')).toEqual([8000]);
      await relabel('prod-b', 'dev');
      await inSync('prod-b', []);
      expect(agent('prod-b').provider.policies()).toEqual([]);
      expect(agent('prod-b').provider.evaluateTraffic(STOREFRONT_TO_API).action).toBe('allow');
    },
    TIMEOUT,
  );

  it(
    'reports drift with what differs, and reverts it when the drift mode says revert',
    async () => {
      const dir = stateDirs.get('prod-a')!;
      const edited = agent('prod-a')
        .provider.policies()
        .find((p) => p.metadata.name === 'deny-api') as unknown as { spec: { order: number } };
      edited.spec.order = 5;
      const file = join(dir, 'edited.json');
      writeFileSync(file, JSON.stringify(edited));
      const io = { stdin: () => Promise.resolve(''), print: () => undefined };
      await runEditCommand([dir, 'set', 'NetworkPolicy', 'backend/deny-api', file], io);
      const drifted = await eventually(
        'prod-a DRIFTED',
        async () => {
          const s = await sync('prod-a');
          return s.status === 'DRIFTED' ? s : undefined;
        },
        TIMEOUT,
      );
      expect(drifted.resources).toEqual([
        expect.objectContaining({
          name: 'deny-api',
          status: 'DRIFTED',
          diff: { drift: 'modified', message: 'spec.order: desired 100, found 5' },
        }),
      ]);

      await gql(`mutation($i: SetDriftModeInput!) { setDriftMode(input: $i) { __typename } }`, {
        i: {
          orgSlug: slug,
          mode: 'REVERT',
          resource: { kind: 'NetworkPolicy', namespace: 'backend', name: 'deny-api' },
        },
      });
      // The new drift mode is a new generation: applying it puts the object back as desired.
      await inSync('prod-a', ['deny-api']);
      await runEditCommand([dir, 'delete', 'NetworkPolicy', 'backend/deny-api'], io);
      await eventually(
        'the deleted policy put back by the agent',
        () => (deniedPorts('prod-a').length === 1 ? true : undefined),
        TIMEOUT,
      );
      await inSync('prod-a', ['deny-api']);
      expect(agent('prod-a').provider.evaluateTraffic(STOREFRONT_TO_API).action).toBe('deny');
    },
    TIMEOUT,
  );

  it(
    'rolls back to an earlier revision everywhere',
    async () => {
      expect((await apply(denyApi(9000))).applied).toBe(true);
      for (const name of ['prod-a', 'dev']) {
        await eventually(
          `${name} on port 9000`,
          () => (deniedPorts(name)[0] === 9000 ? true : undefined),
          TIMEOUT,
        );
        await inSync(name, ['deny-api']);
      }
      await gql(
        `mutation($i: RollbackPolicyResourceInput!) { rollbackPolicyResource(input: $i) { revision } }`,
        {
          i: { orgSlug: slug, kind: 'NetworkPolicy', namespace: 'backend', name: 'deny-api', revision: 1 },
        },
      );
      for (const name of ['prod-a', 'dev']) {
        await eventually(
          `${name} back on 8000`,
          () => (deniedPorts(name)[0] === 8000 ? true : undefined),
          TIMEOUT,
        );
        await inSync(name, ['deny-api']);
      }
    },
    TIMEOUT,
  );

  it(
    'converges by itself after an agent restart and when an offline cluster comes back',
    async () => {
      await stopAgent('prod-a');
      await startAgent('prod-a');
      await inSync('prod-a', ['deny-api']);

      await stopAgent('dev');
      await eventually(
        'dev DISCONNECTED',
        async () => ((await sync('dev')).status === 'DISCONNECTED' ? true : undefined),
        TIMEOUT,
      );
      expect((await apply(denyApi(7000))).applied).toBe(true);
      await startAgent('dev');
      await inSync('dev', ['deny-api']);
      expect(deniedPorts('dev')).toEqual([7000]);
      await inSync('prod-a', ['deny-api']);
      expect(deniedPorts('prod-a')).toEqual([7000]);
    },
    TIMEOUT,
  );

  it(
    'converges by itself after a gateway crash and restart',
    async () => {
      await gateway.kill();
      expect((await apply(denyApi(6000))).applied).toBe(true);
      gateway = await startTestGateway(ctx, gatewayPort);
      for (const name of ['prod-a', 'dev']) {
        await inSync(name, ['deny-api']);
        expect(deniedPorts(name)).toEqual([6000]);
      }
      await inSync('prod-b', []);
    },
    TIMEOUT,
  );
});
