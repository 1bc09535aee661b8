// FelixConfiguration as a managed kind (decision 0090), API side, against real Postgres and Redis:
// stored and rolled out by cluster selector under the name it applies as, bad settings refused at
// the field, two configurations becoming the same object in one cluster refused with both names
// (whichever change causes it: a new document or new cluster labels) with nothing changed, and the
// per-cluster status read under the cluster object's name.
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext, type Caller } from '../context.js';
import { expectData, expectError } from '../factories/members.js';

let ctx: TestContext;
let slug: string;
let orgId: string;
let owner: Caller & { secret: string };
let redis: Redis;
const ids: Record<string, string> = {};

const REGISTER = 'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }';
const LABELS = 'mutation($i: UpdateClusterLabelsInput!) { updateClusterLabels(input: $i) { id } }';
const APPLY =
  'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied results { action errors { field message } } } }';

interface ApplyResult {
  applyResources: {
    applied: boolean;
    results: { action: string; errors: { field: string; message: string }[] }[];
  };
}

const felix = (name: string, selector: string | null, spec: string, appliesAs: string | null = 'default') =>
  [
    'apiVersion: projectcalico.org/v3',
    'kind: FelixConfiguration',
    'metadata:',
    `  name: ${name}`,
    ...(selector === null && appliesAs === null ? [] : ['  annotations:']),
    ...(selector === null ? [] : [`    palisade.io/cluster-selector: '${selector}'`]),
    ...(appliesAs === null ? [] : [`    palisade.io/applies-as: ${appliesAs}`]),
    'spec:',
    ...spec.split('\n').map((l) => `  ${l}`),
    '',
  ].join('\n');

const apply = (yaml: string) => ctx.gql<ApplyResult>(owner, APPLY, { i: { orgSlug: slug, yaml } });

async function desired(cluster: string): Promise<{ generation: number; objects: Record<string, unknown>[] }> {
  const [row] = await ctx.sql<{ generation: string; resources: Record<string, unknown>[] }>(
    'SELECT generation::text, resources FROM cluster_desired_state WHERE cluster_id = $1',
    [ids[cluster]],
  );
  if (!row) throw new Error(`no desired state for ${cluster}`);
  return { generation: Number(row.generation), objects: row.resources };
}

const names = async (cluster: string) =>
  (await desired(cluster)).objects.map((o) => `${String(o.kind)}/${(o.metadata as { name: string }).name}`);

async function generations(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(ids)) out[name] = (await desired(name)).generation;
  return out;
}

async function asGateway(text: string, params: unknown[]): Promise<void> {
  const url = new URL(ctx.env.DATABASE_URL);
  url.username = 'palisade_gateway';
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    await c.query(text, params);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug, orgId } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  redis = new Redis(ctx.env.REDIS_URL);
  for (const [name, env] of [
    ['prod-a', 'prod'],
    ['prod-b', 'prod'],
    ['dev-a', 'dev'],
  ] as const) {
    const r = expectData(
      await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(owner, REGISTER, {
        i: { orgSlug: slug, name, labels: [{ key: 'env', value: env }] },
      }),
    );
    ids[name] = r.registerCluster.cluster.id;
  }
});
afterAll(async () => {
  await redis?.quit();
  await ctx?.close();
});

describe('FelixConfiguration rollout', () => {
  it('reaches exactly the clusters its selector targets, as the object it applies as', async () => {
    const r = expectData(await apply(felix('prod-wireguard', 'env == "prod"', 'wireguardEnabled: true')));
    expect(r.applyResources.applied).toBe(true);
    expect(await generations()).toEqual({ 'prod-a': 2, 'prod-b': 2, 'dev-a': 1 });
    const [pushed] = (await desired('prod-a')).objects;
    expect(pushed).toMatchObject({
      kind: 'FelixConfiguration',
      metadata: { name: 'default', annotations: { 'palisade.io/drift-mode': 'report' } },
      spec: { wireguardEnabled: true },
    });
    expect(Object.keys((pushed!.metadata as { annotations: object }).annotations)).toEqual([
      'palisade.io/drift-mode',
    ]);
    expect(await names('dev-a')).toEqual([]);
  });

  it('refuses bad settings at the field, storing nothing', async () => {
    const before = await generations();
    for (const [spec, path] of [
      ['nftablesMode: Turbo', 'spec.nftablesMode'],
      ['wireguardListeningPort: 70000', 'spec.wireguardListeningPort'],
      ['wireguardMTU: 40', 'spec.wireguardMTU'],
    ] as const) {
      const r = expectData(await apply(felix('bad', null, spec, 'node.worker-1')));
      expect(r.applyResources.applied).toBe(false);
      expect(r.applyResources.results[0]?.errors[0]?.field).toBe(path);
    }
    expect(await generations()).toEqual(before);
  });

  it('refuses a second configuration that becomes the same object in a cluster, naming both', async () => {
    const before = await generations();
    const r = await apply(felix('fleet-default', null, 'bpfEnabled: true'));
    expectError(r, 'CONFLICT');
    expect(r.errors?.[0]?.message).toMatch(
      /FelixConfiguration\/fleet-default and FelixConfiguration\/prod-wireguard|FelixConfiguration\/prod-wireguard and FelixConfiguration\/fleet-default/,
    );
    expect(r.errors?.[0]?.message).toContain('as FelixConfiguration/default');
    expect(await generations()).toEqual(before);
    const [{ n } = { n: '' }] = await ctx.sql<{ n: string }>(
      "SELECT count(*)::text AS n FROM policy_resources WHERE org_id = $1 AND name = 'fleet-default'",
      [orgId],
    );
    expect(n).toBe('0');
  });

  it('lets different clusters have their own default, and a node object beside it', async () => {
    expectData(await apply(felix('dev-default', 'env == "dev" || team == "dev"', 'nftablesMode: Enabled')));
    expectData(await apply(felix('node.prod-a-1', 'env == "prod"', 'wireguardMTU: 1400', null)));
    expect(await names('dev-a')).toEqual(['FelixConfiguration/default']);
    expect((await names('prod-a')).sort()).toEqual([
      'FelixConfiguration/default',
      'FelixConfiguration/node.prod-a-1',
    ]);
  });

  it('refuses cluster labels that would give a cluster two defaults, changing nothing', async () => {
    const before = await generations();
    const r = await ctx.gql(owner, LABELS, {
      i: {
        orgSlug: slug,
        name: 'prod-b',
        labels: [
          { key: 'env', value: 'prod' },
          { key: 'team', value: 'dev' },
        ],
      },
    });
    expectError(r, 'CONFLICT');
    expect(r.errors?.[0]?.message).toContain('cluster "prod-b"');
    expect(await generations()).toEqual(before);
    const [{ labels } = { labels: {} }] = await ctx.sql<{ labels: Record<string, string> }>(
      'SELECT labels FROM clusters WHERE id = $1',
      [ids['prod-b']],
    );
    expect(labels).toEqual({ env: 'prod' });
  });

  it("reads each cluster's status under the object's name in the cluster", async () => {
    const d = await desired('prod-a');
    const now = Date.now();
    await redis.set(
      `${ctx.env.REDIS_PREFIX}:cluster:${ids['prod-a']}:lease`,
      JSON.stringify({
        gatewayId: 'gw-test',
        sessionId: 's1',
        epoch: 1,
        connectedAt: now,
        lastSeenAt: now,
        agentVersion: '0.1.0',
        kubernetesVersion: null,
        calicoVersion: null,
        provider: 'simulated',
      }),
      'EX',
      300,
    );
    await asGateway(
      `INSERT INTO cluster_sync_status (cluster_id, org_id, applied_generation, status, error, reported_at)
       VALUES ($1, $2, $3, 'IN_SYNC', NULL, now())`,
      [ids['prod-a'], orgId, d.generation],
    );
    for (const name of ['default', 'node.prod-a-1'])
      await asGateway(
        `INSERT INTO cluster_resource_status (cluster_id, org_id, resource_kind, namespace, name, generation, status, message, diff, reported_at)
         VALUES ($1, $2, 'FelixConfiguration', '', $3, $4, 'IN_SYNC', NULL, NULL, now())`,
        [ids['prod-a'], orgId, name, d.generation],
      );
    const q = `query($s: String!) { organization(slug: $s) {
      policyResource(kind: FelixConfiguration, name: "prod-wireguard") { clusterStatus { cluster { name } status } } } }`;
    const data = expectData(
      await ctx.gql<{
        organization: { policyResource: { clusterStatus: { cluster: { name: string }; status: string }[] } };
      }>(owner, q, { s: slug }),
    );
    expect(
      Object.fromEntries(
        data.organization.policyResource.clusterStatus.map((s) => [s.cluster.name, s.status]),
      ),
    ).toEqual({ 'prod-a': 'IN_SYNC', 'prod-b': 'DISCONNECTED' });
  });

  it('keeps settings Palisade does not validate as written, and says which they are', async () => {
    expectData(
      await apply(
        felix('node.prod-a-1', 'env == "prod"', 'wireguardMTU: 1400\nlogSeverityScreen: Debug', null),
      ),
    );
    const r = expectData(
      await ctx.gql<{
        organization: { policyResource: { object: { spec: object }; unvalidatedFields: string[] } };
      }>(
        owner,
        `query($s: String!) { organization(slug: $s) {
          policyResource(kind: FelixConfiguration, name: "node.prod-a-1") { object unvalidatedFields } } }`,
        { s: slug },
      ),
    );
    expect(r.organization.policyResource.object.spec).toEqual({
      wireguardMTU: 1400,
      logSeverityScreen: 'Debug',
    });
    expect(r.organization.policyResource.unvalidatedFields).toEqual(['logSeverityScreen']);
  });
});
