// Fleet configuration end to end (issue 18, decision 0090), every component real over loopback: the
// API, a cluster gateway, simulated agents with their own stores, PostgreSQL and Redis. Enabling
// WireGuard with a FelixConfiguration for clusters `env == "prod"` reaches IN_SYNC on exactly those
// clusters, as the `default` object in each; the other cluster receives nothing; the agent's store
// holds the setting; the nodes then encrypt (except the one without a WireGuard key) and coverage
// says so; drift on the cluster is reported like a policy's and, in revert mode, put back. Every
// wait is bounded polling.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '@palisade/cluster-gateway';
import { TestContext, type Caller } from '../context.js';
import { startSimulatedAgent } from '@palisade/agent/simulated';
import { SHOP_EXAMPLE, eventually, startTestGateway, type TestAgent } from '../support/fleet.js';

let ctx: TestContext;
let owner: Caller & { secret: string };
let slug: string;
let gateway: RunningGateway;
const agents = new Map<string, TestAgent>();
const stateDirs = new Map<string, string>();
const TIMEOUT = 90_000;

const WIREGUARD_FOR_PROD = `apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata:
  name: prod-wireguard
  annotations:
    palisade.io/cluster-selector: env == "prod"
    palisade.io/applies-as: default
spec:
  wireguardEnabled: true
  wireguardMTU: 1440
`;

interface Sync {
  generation: number | null;
  appliedGeneration: number | null;
  status: string;
  resources: { kind: string; name: string; status: string; diff: unknown }[];
}

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await ctx.gql<T>(owner, query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

async function sync(name: string): Promise<Sync> {
  const r = await gql<{ organization: { cluster: { policySync: Sync } } }>(
    `query($s: String!, $n: String!) { organization(slug: $s) { cluster(name: $n) {
      policySync { generation appliedGeneration status resources { kind name status diff } } } } }`,
    { s: slug, n: name },
  );
  return r.organization.cluster.policySync;
}

function inSync(name: string, objects: string[]): Promise<Sync> {
  return eventually(
    `${name} IN_SYNC with [${objects.join(', ')}]`,
    async () => {
      const s = await sync(name);
      const got = s.resources.map((r) => `${r.kind}/${r.name}`).sort();
      return s.status === 'IN_SYNC' &&
        s.appliedGeneration === s.generation &&
        JSON.stringify(got) === JSON.stringify(objects) &&
        s.resources.every((r) => r.status === 'IN_SYNC')
        ? s
        : undefined;
    },
    TIMEOUT,
  );
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  gateway = await startTestGateway(ctx);
  for (const [name, env] of [
    ['prod-eu', 'prod'],
    ['prod-us', 'prod'],
    ['staging', 'staging'],
  ] as const) {
    const r = await gql<{ registerCluster: { enrollmentToken: string } }>(
      `mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }`,
      { i: { orgSlug: slug, name, labels: [{ key: 'env', value: env }] } },
    );
    const dir = mkdtempSync(join(tmpdir(), `palisade-felix-${name}-`));
    stateDirs.set(name, dir);
    agents.set(
      name,
      await startSimulatedAgent({
        file: SHOP_EXAMPLE,
        gatewayUrl: `ws://127.0.0.1:${String(gateway.port)}/v1/tunnel`,
        enrollmentToken: r.registerCluster.enrollmentToken,
        stateDir: dir,
        watch: false,
        watchPolicies: true,
        timings: { backoff: { initialMs: 100, maxMs: 500 }, immediateJitterMs: 100 },
      }),
    );
  }
}, TIMEOUT);

afterAll(async () => {
  for (const a of agents.values()) await a.close().catch(() => undefined);
  await gateway?.close().catch(() => undefined);
  await ctx?.close();
});

describe('FelixConfiguration across a fleet', () => {
  it(
    'enabling WireGuard for env == "prod" reaches IN_SYNC on exactly the prod clusters',
    async () => {
      const r = await gql<{ applyResources: { applied: boolean } }>(
        `mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }`,
        { i: { orgSlug: slug, yaml: WIREGUARD_FOR_PROD } },
      );
      expect(r.applyResources.applied).toBe(true);
      for (const name of ['prod-eu', 'prod-us']) {
        await inSync(name, ['FelixConfiguration/default']);
        const applied = agents
          .get(name)!
          .provider.policies()
          .find((p) => p.kind === 'FelixConfiguration');
        expect(applied?.metadata.name).toBe('default');
        expect(applied?.spec).toEqual({ wireguardEnabled: true, wireguardMTU: 1440 });
      }
      await inSync('staging', []);
      expect(
        agents
          .get('staging')!
          .provider.policies()
          .some((p) => p.kind === 'FelixConfiguration'),
      ).toBe(false);
      const status = await gql<{
        organization: { policyResource: { clusterStatus: { cluster: { name: string }; status: string }[] } };
      }>(
        `query($s: String!) { organization(slug: $s) { policyResource(kind: FelixConfiguration, name: "prod-wireguard") {
          clusterStatus { cluster { name } status } } } }`,
        { s: slug },
      );
      expect(
        Object.fromEntries(
          status.organization.policyResource.clusterStatus.map((s) => [s.cluster.name, s.status]),
        ),
      ).toEqual({ 'prod-eu': 'IN_SYNC', 'prod-us': 'IN_SYNC' });
    },
    TIMEOUT,
  );

  it(
    'the clusters then report their nodes encrypting, except the node without a key, and coverage says so',
    async () => {
      interface Coverage {
        nodes: number;
        encryptingNodes: number;
        clusters: { clusterName: string; nodes: number; encryptingNodes: number }[];
      }
      const coverage = await eventually(
        'coverage 4 of 9',
        async () => {
          const r = await gql<{ organization: { encryptionCoverage: Coverage } }>(
            `query($s: String!) { organization(slug: $s) { encryptionCoverage { nodes encryptingNodes clusters { clusterName nodes encryptingNodes } } } }`,
            { s: slug },
          );
          const c = r.organization.encryptionCoverage;
          return c.nodes === 9 && c.encryptingNodes === 4 ? c : undefined;
        },
        TIMEOUT,
      );
      expect(coverage.clusters).toEqual([
        { clusterName: 'prod-eu', nodes: 3, encryptingNodes: 2 },
        { clusterName: 'prod-us', nodes: 3, encryptingNodes: 2 },
        { clusterName: 'staging', nodes: 3, encryptingNodes: 0 },
      ]);
      const r = await gql<{
        organization: {
          cluster: {
            nodes: {
              name: string;
              dataplane: string;
              wireguardEnabled: boolean;
              wireguardPublicKey: boolean;
              encrypting: boolean;
              mtu: number | null;
              calicoVersion: string | null;
            }[];
          };
        };
      }>(
        `query($s: String!) { organization(slug: $s) { cluster(name: "prod-eu") {
          nodes { name dataplane wireguardEnabled wireguardPublicKey encrypting mtu calicoVersion } } } }`,
        { s: slug },
      );
      const nodes = r.organization.cluster.nodes;
      expect(
        nodes.map((n) => [n.name.replace(/^.*-node-/, 'node-'), n.encrypting, n.wireguardPublicKey]),
      ).toEqual([
        ['node-1', true, true],
        ['node-2', true, true],
        ['node-3', false, false],
      ]);
      expect(nodes.every((n) => n.dataplane === 'IPTABLES' && n.wireguardEnabled && n.mtu === 1440)).toBe(
        true,
      );
      expect(nodes[0]?.calicoVersion).toBe('v3.29.1');
    },
    TIMEOUT,
  );

  it(
    'a FelixConfiguration edited on the cluster is reported DRIFTED with what differs',
    async () => {
      const file = join(stateDirs.get('prod-eu')!, 'policies.json');
      const objects = JSON.parse(readFileSync(file, 'utf8')) as {
        kind: string;
        spec: Record<string, unknown>;
      }[];
      const felix = objects.find((o) => o.kind === 'FelixConfiguration')!;
      felix.spec.wireguardEnabled = false;
      writeFileSync(file, JSON.stringify(objects, null, 2));
      const drifted = await eventually(
        'prod-eu DRIFTED',
        async () => {
          const s = await sync('prod-eu');
          return s.status === 'DRIFTED' ? s : undefined;
        },
        TIMEOUT,
      );
      const row = drifted.resources.find((r) => r.kind === 'FelixConfiguration');
      expect(row?.status).toBe('DRIFTED');
      expect(JSON.stringify(row?.diff)).toContain('spec.wireguardEnabled');
    },
    TIMEOUT,
  );

  it(
    'in revert mode, the edited FelixConfiguration is put back and its nodes encrypt again',
    async () => {
      await gql(`mutation($i: SetDriftModeInput!) { setDriftMode(input: $i) { __typename } }`, {
        i: {
          orgSlug: slug,
          mode: 'REVERT',
          resource: { kind: 'FelixConfiguration', name: 'prod-wireguard' },
        },
      });
      await inSync('prod-eu', ['FelixConfiguration/default']);
      const file = join(stateDirs.get('prod-eu')!, 'policies.json');
      const objects = JSON.parse(readFileSync(file, 'utf8')) as {
        kind: string;
        spec: Record<string, unknown>;
      }[];
      objects.find((o) => o.kind === 'FelixConfiguration')!.spec.wireguardEnabled = false;
      writeFileSync(file, JSON.stringify(objects, null, 2));
      // The agent writes its store back to the file when it reverts: the file says true again.
      await eventually(
        'the setting put back by the agent',
        () => {
          const now = JSON.parse(readFileSync(file, 'utf8')) as {
            kind: string;
            spec: Record<string, unknown>;
          }[];
          return now.find((o) => o.kind === 'FelixConfiguration')?.spec.wireguardEnabled === true
            ? true
            : undefined;
        },
        TIMEOUT,
      );
      await inSync('prod-eu', ['FelixConfiguration/default']);
      await eventually(
        'prod-eu encrypting 2 of 3 again',
        async () => {
          const r = await gql<{ organization: { cluster: { nodes: { encrypting: boolean }[] } } }>(
            `query($s: String!) { organization(slug: $s) { cluster(name: "prod-eu") { nodes { encrypting } } } }`,
            { s: slug },
          );
          return r.organization.cluster.nodes.filter((n) => n.encrypting).length === 2 ? true : undefined;
        },
        TIMEOUT,
      );
    },
    TIMEOUT,
  );
});
