// The policy board's page and the dashboard's cluster list cost a bounded number of SQL statements,
// whatever their size: per-item fields that read the database (PolicyResource.clusterStatus,
// Cluster.policySync) are batched per request (docs/decisions/0025). Statements are counted at the
// node-postgres driver of the real API against real Postgres, for the console's own queries (read
// from web/src/features/*/*.graphql), on a small and a large organisation.
import { readFileSync } from 'node:fs';
import { Kind, parse, print, type DefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext, type Caller } from '../context.js';
import { expectData } from '../factories/members.js';
import { countStatements } from '../support/statement-counter.js';

/** The named operation of a console .graphql file, with the fragments it spreads. */
function consoleOperation(file: string, name: string): string {
  const doc = parse(readFileSync(new URL(`../../../../web/src/features/${file}`, import.meta.url), 'utf8'));
  const keep = (d: DefinitionNode) =>
    d.kind === Kind.FRAGMENT_DEFINITION || (d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
  return print({ ...doc, definitions: doc.definitions.filter(keep) });
}

const BOARD = consoleOperation('policies/policies.graphql', 'PolicyBoard');
const DASHBOARD = consoleOperation('dashboard/dashboard.graphql', 'Dashboard');
const REGISTER = 'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }';
const APPLY = 'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }';

const policy = (i: number) => `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: p-${String(i).padStart(3, '0')}
  annotations:
    palisade.io/cluster-selector: ${i % 2 === 0 ? "env == 'prod'" : "''"}
spec:
  selector: all()
  types: [Ingress]
`;

interface Board {
  organization: {
    policyResources: {
      totalCount: number;
      edges: { node: { name: string; clusterStatus: { status: string; cluster: { name: string } }[] } }[];
    };
  };
}
interface Dashboard {
  organization: { clusters: { edges: { node: { name: string; policySync: { status: string } } }[] } };
}

let ctx: TestContext;
const orgs: Record<'small' | 'large', { slug: string; owner: Caller; policies: number; clusters: number }> =
  {} as never;

async function seed(policies: number, clusters: number) {
  const { slug } = await ctx.newOrg();
  const owner = await ctx.tokenCaller(slug, 'owner');
  for (let c = 0; c < clusters; c++) {
    expectData(
      await ctx.gql(owner, REGISTER, {
        i: { orgSlug: slug, name: `c-${c}`, labels: [{ key: 'env', value: c % 2 === 0 ? 'prod' : 'dev' }] },
      }),
    );
  }
  const yaml = Array.from({ length: policies }, (_, i) => policy(i)).join('---\n');
  expect(
    expectData(
      await ctx.gql<{ applyResources: { applied: boolean } }>(owner, APPLY, {
        i: { orgSlug: slug, yaml },
      }),
    ).applyResources.applied,
  ).toBe(true);
  return { slug, owner, policies, clusters };
}

/** The statements one request costs, and its data. */
async function measure<T>(
  caller: Caller,
  query: string,
  slug: string,
): Promise<{ n: number; data: T; statements: string[] }> {
  const counter = countStatements();
  try {
    const data = expectData(await ctx.gql<T>(caller, query, { slug }));
    return { n: counter.statements.length, data, statements: [...counter.statements] };
  } finally {
    counter.stop();
  }
}

beforeAll(async () => {
  ctx = await TestContext.start();
  orgs.small = await seed(10, 2);
  orgs.large = await seed(100, 6);
});
afterAll(async () => ctx?.close());

describe('statements per page', () => {
  it('the policy board costs the same number of statements for 10 policies as for 100', async () => {
    const small = await measure<Board>(orgs.small.owner, BOARD, orgs.small.slug);
    const large = await measure<Board>(orgs.large.owner, BOARD, orgs.large.slug);
    // The pages are what they claim to be: every stored resource, with each policy's clusters.
    const edges = large.data.organization.policyResources.edges;
    expect(edges.length).toBe(100);
    expect(small.data.organization.policyResources.edges.length).toBeGreaterThanOrEqual(10);
    const even = edges.find((e) => e.node.name === 'p-000')!.node.clusterStatus;
    expect(even.map((s) => s.cluster.name).sort()).toEqual(['c-0', 'c-2', 'c-4']);
    expect(even.every((s) => s.status === 'DISCONNECTED')).toBe(true);
    const odd = edges.find((e) => e.node.name === 'p-001')!.node.clusterStatus;
    expect(odd.map((s) => s.cluster.name).sort()).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'c-5']);

    expect(large.n, large.statements.join('\n')).toBe(small.n);
    expect(large.n).toBeLessThanOrEqual(30);
  });

  it("the dashboard's cluster list costs the same for 2 clusters as for 6", async () => {
    const small = await measure<Dashboard>(orgs.small.owner, DASHBOARD, orgs.small.slug);
    const large = await measure<Dashboard>(orgs.large.owner, DASHBOARD, orgs.large.slug);
    const clusters = large.data.organization.clusters.edges.map((e) => e.node);
    expect(clusters.map((c) => c.name)).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'c-5']);
    expect(clusters.every((c) => c.policySync.status === 'DISCONNECTED')).toBe(true);
    expect(small.data.organization.clusters.edges.length).toBe(2);

    expect(large.n, large.statements.join('\n')).toBe(small.n);
    expect(large.n).toBeLessThanOrEqual(20);
  });
});
