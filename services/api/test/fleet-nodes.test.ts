// Fleet nodes and encryption coverage (decision 0091), against real Postgres: Cluster.nodes and
// Organization.encryptionCoverage from what gateways stored in cluster_nodes (a node encrypts when
// WireGuard is enabled and its public key is present), a cluster list with its nodes costing the
// same number of statements for 2 clusters as for 6 (Cluster.nodes is batched), and nothing of
// another organisation's nodes counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext, type Caller } from './context.js';
import { expectData } from './factories/members.js';
import { countStatements } from './support/statement-counter.js';

const REGISTER = 'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }';
const LIST = `query($slug: String!) { organization(slug: $slug) {
  clusters(first: 100) { edges { node { name nodes { name dataplane encrypting mtu } } } }
  encryptionCoverage { nodes encryptingNodes clusters { clusterName nodes encryptingNodes } } } }`;

interface List {
  organization: {
    clusters: { edges: { node: { name: string; nodes: { name: string; encrypting: boolean }[] } }[] };
    encryptionCoverage: {
      nodes: number;
      encryptingNodes: number;
      clusters: { clusterName: string; nodes: number; encryptingNodes: number }[];
    };
  };
}

let ctx: TestContext;
const orgs: Record<'small' | 'large', { slug: string; owner: Caller }> = {} as never;

/** Clusters c-0…c-(n-1), each with 3 nodes: WireGuard on everywhere, node 3 without a key. */
async function seed(clusters: number) {
  const { slug, orgId } = await ctx.newOrg();
  const owner = await ctx.tokenCaller(slug, 'owner');
  for (let c = 0; c < clusters; c++) {
    const r = expectData(
      await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(owner, REGISTER, {
        i: { orgSlug: slug, name: `c-${String(c)}`, labels: [] },
      }),
    );
    for (const n of [1, 2, 3])
      await ctx.sql(
        `INSERT INTO cluster_nodes (org_id, cluster_id, name, dataplane, wireguard_enabled, wireguard_public_key, mtu, calico_version)
         VALUES ($1, $2, $3, 'bpf', true, $4, 1440, 'v3.29.1')`,
        [orgId, r.registerCluster.cluster.id, `node-${String(n)}`, n !== 3],
      );
  }
  return { slug, owner };
}

async function measure(caller: Caller, slug: string): Promise<{ n: number; data: List }> {
  const counter = countStatements();
  try {
    const data = expectData(await ctx.gql<List>(caller, LIST, { slug }));
    return { n: counter.statements.length, data };
  } finally {
    counter.stop();
  }
}

beforeAll(async () => {
  ctx = await TestContext.start();
  orgs.small = await seed(2);
  orgs.large = await seed(6);
});
afterAll(async () => ctx?.close());

describe('nodes and encryption coverage', () => {
  it('lists each cluster’s nodes and counts the encrypting ones, per cluster and in total', async () => {
    const { data } = await measure(orgs.small.owner, orgs.small.slug);
    const clusters = data.organization.clusters.edges.map((e) => e.node);
    expect(clusters[0]?.nodes).toEqual([
      { name: 'node-1', dataplane: 'BPF', encrypting: true, mtu: 1440 },
      { name: 'node-2', dataplane: 'BPF', encrypting: true, mtu: 1440 },
      { name: 'node-3', dataplane: 'BPF', encrypting: false, mtu: 1440 },
    ]);
    expect(data.organization.encryptionCoverage).toEqual({
      nodes: 6,
      encryptingNodes: 4,
      clusters: [
        { clusterName: 'c-0', nodes: 3, encryptingNodes: 2 },
        { clusterName: 'c-1', nodes: 3, encryptingNodes: 2 },
      ],
    });
  });

  it('costs the same number of statements for 2 clusters as for 6', async () => {
    const small = await measure(orgs.small.owner, orgs.small.slug);
    const large = await measure(orgs.large.owner, orgs.large.slug);
    expect(large.data.organization.encryptionCoverage.nodes).toBe(18);
    expect(large.data.organization.clusters.edges.every((e) => e.node.nodes.length === 3)).toBe(true);
    expect(large.n).toBe(small.n);
  });
});
