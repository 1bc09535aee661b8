// Rollout, API side (decision 0009), against real Postgres and Redis: desired sets and generations
// per cluster from cluster selectors and labels, a label change adding and pruning, unrelated
// changes leaving generations alone, the `desired` notice on the owning gateway's control channel,
// the gateway role's grants, status as reported (PENDING / IN_SYNC / FAILED / DRIFTED /
// DISCONNECTED from the lease) on Cluster.policySync and PolicyResource.clusterStatus, and the
// policySyncChanged subscription.
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestContext, type Caller } from '../context.js';
import { expectData } from '../factories/members.js';

let ctx: TestContext;
let slug: string;
let orgId: string;
let owner: Caller & { secret: string };
let redis: Redis;
const ids: Record<string, string> = {};

const REGISTER = 'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }';
const LABELS = 'mutation($i: UpdateClusterLabelsInput!) { updateClusterLabels(input: $i) { id } }';
const APPLY =
  'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied results { action errors { message } } } }';

const policy = (name: string, selector: string | null, port = 80) => `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: ${name}${selector === null ? '' : `\n  annotations:\n    palisade.io/cluster-selector: "${selector}"`}
spec:
  selector: app == 'web'
  ingress:
    - action: Allow
      protocol: TCP
      destination:
        ports: [${port}]
`;

async function apply(yaml: string): Promise<void> {
  const r = expectData(
    await ctx.gql<{ applyResources: { applied: boolean } }>(owner, APPLY, { i: { orgSlug: slug, yaml } }),
  );
  expect(r.applyResources.applied, JSON.stringify(r)).toBe(true);
}

interface Desired {
  generation: number;
  names: string[];
  resources: {
    kind: string;
    metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  }[];
}

async function desired(cluster: string): Promise<Desired> {
  const [row] = await ctx.sql<{ generation: string; resources: Desired['resources'] }>(
    'SELECT generation::text, resources FROM cluster_desired_state WHERE cluster_id = $1',
    [ids[cluster]],
  );
  if (!row) throw new Error(`no desired state for ${cluster}`);
  return {
    generation: Number(row.generation),
    resources: row.resources,
    names: row.resources.map((r) => `${r.kind}/${r.metadata.name}`),
  };
}

async function generations(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(ids)) out[name] = (await desired(name)).generation;
  return out;
}

const setLabels = (name: string, labels: Record<string, string>) =>
  ctx.gql(owner, LABELS, {
    i: { orgSlug: slug, name, labels: Object.entries(labels).map(([key, value]) => ({ key, value })) },
  });

/** Waits for the next message on a Redis channel (no time assertion: the test fails only if none comes). */
async function nextMessage(channel: string, action: () => Promise<unknown>): Promise<unknown[]> {
  const sub = redis.duplicate();
  const got: unknown[] = [];
  try {
    await sub.subscribe(channel);
    const arrived = new Promise<void>((resolve) =>
      sub.on('message', (_c: string, m: string) => {
        got.push(JSON.parse(m));
        resolve();
      }),
    );
    await action();
    await arrived;
    return got;
  } finally {
    await sub.quit();
  }
}

async function setLease(clusterId: string, gatewayId: string): Promise<void> {
  const now = Date.now();
  await redis.set(
    `${ctx.env.REDIS_PREFIX}:cluster:${clusterId}:lease`,
    JSON.stringify({
      gatewayId,
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
}

/** Runs SQL as the gateways' database role, as a gateway writes apply results. */
async function asGateway(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const url = new URL(ctx.env.DATABASE_URL);
  url.username = 'palisade_gateway';
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    return await c.query(text, params);
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

describe('desired state', () => {
  it('every registered cluster starts at generation 1 with an empty set (built-in tiers are never pushed)', async () => {
    for (const name of Object.keys(ids))
      expect(await desired(name)).toMatchObject({ generation: 1, names: [] });
  });

  it("a policy targeting env == 'prod' reaches only prod clusters, as pushed objects", async () => {
    await apply(policy('prod-only', "env == 'prod'"));
    expect(await generations()).toEqual({ 'prod-a': 2, 'prod-b': 2, 'dev-a': 1 });
    const d = await desired('prod-a');
    expect(d.names).toEqual(['GlobalNetworkPolicy/prod-only']);
    // The Palisade annotation is stripped; the managed-by label and effective drift mode are added.
    expect(d.resources[0]?.metadata.annotations).toEqual({ 'palisade.io/drift-mode': 'report' });
    expect(d.resources[0]?.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'palisade',
      'projectcalico.org/tier': 'default',
    });
    expect((await desired('dev-a')).names).toEqual([]);
  });

  it('a policy for every cluster, a tier and a staged policy reach all, in canonical order (tiers first)', async () => {
    await apply(
      [
        policy('everyone', null),
        'apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata:\n  name: preview\nspec:\n  stagedAction: Set\n  tier: fleet\n  selector: all()\n  types: [Ingress]\n',
        'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: fleet\nspec:\n  order: 100\n',
      ].join('---\n'),
    );
    expect(await generations()).toEqual({ 'prod-a': 3, 'prod-b': 3, 'dev-a': 2 });
    expect((await desired('prod-a')).names).toEqual([
      'Tier/fleet',
      'GlobalNetworkPolicy/everyone',
      'GlobalNetworkPolicy/prod-only',
      'StagedGlobalNetworkPolicy/preview',
    ]);
    expect((await desired('dev-a')).names).toEqual([
      'Tier/fleet',
      'GlobalNetworkPolicy/everyone',
      'StagedGlobalNetworkPolicy/preview',
    ]);
  });

  it('an unchanged apply and a change targeting other clusters leave generations alone', async () => {
    const before = await generations();
    await apply(policy('prod-only', "env == 'prod'"));
    expect(await generations()).toEqual(before);
    await apply(policy('prod-only', "env == 'prod'", 443));
    expect(await generations()).toEqual({
      ...before,
      'prod-a': before['prod-a']! + 1,
      'prod-b': before['prod-b']! + 1,
    });
  });

  it('a label change adds and prunes, and bumps only that cluster; the same labels again change nothing', async () => {
    const before = await generations();
    expectData(await setLabels('dev-a', { env: 'prod' }));
    expect(await generations()).toEqual({ ...before, 'dev-a': before['dev-a']! + 1 });
    expect((await desired('dev-a')).names).toContain('GlobalNetworkPolicy/prod-only');
    expectData(await setLabels('dev-a', { env: 'prod' }));
    expect((await desired('dev-a')).generation).toBe(before['dev-a']! + 1);
    expectData(await setLabels('dev-a', { env: 'dev' }));
    expect((await desired('dev-a')).generation).toBe(before['dev-a']! + 2);
    expect((await desired('dev-a')).names).not.toContain('GlobalNetworkPolicy/prod-only');
  });

  it('drift mode changes are part of the desired set', async () => {
    const before = await generations();
    expectData(
      await ctx.gql(
        owner,
        'mutation($i: SetDriftModeInput!) { setDriftMode(input: $i) { defaultDriftMode } }',
        {
          i: { orgSlug: slug, resource: { kind: 'GlobalNetworkPolicy', name: 'prod-only' }, mode: 'REVERT' },
        },
      ),
    );
    expect(await generations()).toEqual({
      ...before,
      'prod-a': before['prod-a']! + 1,
      'prod-b': before['prod-b']! + 1,
    });
    const prodOnly = (await desired('prod-a')).resources.find((r) => r.metadata.name === 'prod-only');
    expect(prodOnly?.metadata.annotations?.['palisade.io/drift-mode']).toBe('revert');
  });

  it('deleting a cluster deletes its desired state', async () => {
    const r = expectData(
      await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(owner, REGISTER, {
        i: { orgSlug: slug, name: 'short-lived' },
      }),
    );
    await ctx.gql(owner, 'mutation($i: DeleteClusterInput!) { deleteCluster(input: $i) { id } }', {
      i: { orgSlug: slug, name: 'short-lived' },
    });
    const rows = await ctx.sql('SELECT 1 FROM cluster_desired_state WHERE cluster_id = $1', [
      r.registerCluster.cluster.id,
    ]);
    expect(rows).toEqual([]);
  });
});

describe('telling the gateway', () => {
  it("publishes {kind:'desired'} with the new generation on the owning gateway's control channel", async () => {
    await setLease(ids['prod-b']!, 'gw-test');
    const got = await nextMessage(`${ctx.env.REDIS_PREFIX}:gateway:gw-test:control`, () =>
      apply(policy('notify', "env == 'prod'")),
    );
    const generation = (await desired('prod-b')).generation;
    expect(got).toContainEqual({ kind: 'desired', clusterId: ids['prod-b'], generation });
  });

  it('the gateway role reads desired state and writes apply results, and cannot write desired state', async () => {
    const r = await asGateway(
      'SELECT generation, resources FROM cluster_desired_state WHERE cluster_id = $1',
      [ids['prod-b']],
    );
    expect(r.rows.length).toBe(1);
    await expect(
      asGateway('UPDATE cluster_desired_state SET generation = 99 WHERE cluster_id = $1', [ids['prod-b']]),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(asGateway('SELECT * FROM policy_resources')).rejects.toMatchObject({ code: '42501' });
  });
});

describe('status', () => {
  const SYNC = `query($s: String!, $c: String!) { organization(slug: $s) { cluster(name: $c) {
    policySync { generation appliedGeneration status error resources { kind name status message diff } } } } }`;
  type Sync = {
    organization: {
      cluster: {
        policySync: {
          generation: number;
          appliedGeneration: number | null;
          status: string;
          error: string | null;
          resources: { kind: string; name: string; status: string; message: string | null; diff: unknown }[];
        };
      };
    };
  };
  const sync = async (cluster: string) =>
    expectData(await ctx.gql<Sync>(owner, SYNC, { s: slug, c: cluster })).organization.cluster.policySync;

  const CLUSTER_STATUS = `query($s: String!) { organization(slug: $s) {
    policyResource(kind: GlobalNetworkPolicy, name: "prod-only") { clusterStatus { cluster { name } status message } } } }`;
  type CS = {
    organization: {
      policyResource: {
        clusterStatus: { cluster: { name: string }; status: string; message: string | null }[];
      };
    };
  };
  const clusterStatus = async () =>
    Object.fromEntries(
      expectData(
        await ctx.gql<CS>(owner, CLUSTER_STATUS, { s: slug }),
      ).organization.policyResource.clusterStatus.map((s) => [s.cluster.name, s.status]),
    );

  /** What a gateway writes after the agent applied `generation` (decision 0009). */
  async function report(
    cluster: string,
    generation: number,
    status: string,
    perResource: Record<string, [string, string | null, unknown]>,
  ) {
    await asGateway(
      `INSERT INTO cluster_sync_status (cluster_id, org_id, applied_generation, status, error, reported_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (cluster_id) DO UPDATE SET applied_generation = EXCLUDED.applied_generation,
         status = EXCLUDED.status, error = EXCLUDED.error, reported_at = now()`,
      [ids[cluster], orgId, generation, status, status === 'FAILED' ? 'admission webhook refused' : null],
    );
    for (const [key, [s, message, diff]] of Object.entries(perResource)) {
      const [kind, name] = key.split('/');
      await asGateway(
        `INSERT INTO cluster_resource_status (cluster_id, org_id, resource_kind, namespace, name, generation, status, message, diff, reported_at)
         VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, now())
         ON CONFLICT (cluster_id, resource_kind, namespace, name) DO UPDATE SET generation = EXCLUDED.generation,
           status = EXCLUDED.status, message = EXCLUDED.message, diff = EXCLUDED.diff, reported_at = now()`,
        [
          ids[cluster],
          orgId,
          kind,
          name,
          generation,
          s,
          message,
          diff === null ? null : JSON.stringify(diff),
        ],
      );
    }
  }

  it('is DISCONNECTED without a lease, PENDING until the agent applied the newest generation', async () => {
    expect((await sync('prod-a')).status).toBe('DISCONNECTED');
    await setLease(ids['prod-a']!, 'gw-test');
    const s = await sync('prod-a');
    expect(s).toMatchObject({ status: 'PENDING', appliedGeneration: null });
    expect(s.resources.every((r) => r.status === 'PENDING')).toBe(true);
    expect(s.resources.map((r) => r.name)).toContain('prod-only');
  });

  it('IN_SYNC once every resource is reported for the desired generation; DRIFTED and FAILED as reported', async () => {
    const { generation, resources } = await desired('prod-a');
    const all = Object.fromEntries(
      resources.map((r) => [
        `${r.kind}/${r.metadata.name}`,
        ['IN_SYNC', null, null] as [string, string | null, unknown],
      ]),
    );
    await report('prod-a', generation, 'IN_SYNC', all);
    expect(await sync('prod-a')).toMatchObject({
      status: 'IN_SYNC',
      generation,
      appliedGeneration: generation,
    });
    // prod-b has a lease but reported nothing; dev-a is not targeted.
    expect(await clusterStatus()).toEqual({ 'prod-a': 'IN_SYNC', 'prod-b': 'PENDING' });

    const diff = { path: 'spec.ingress[0].action', expected: 'Allow', actual: 'Deny' };
    await report('prod-a', generation, 'DRIFTED', {
      'GlobalNetworkPolicy/prod-only': ['DRIFTED', 'changed in the cluster', diff],
    });
    const drifted = await sync('prod-a');
    expect(drifted.status).toBe('DRIFTED');
    expect(drifted.resources.find((r) => r.name === 'prod-only')).toMatchObject({ status: 'DRIFTED', diff });

    await report('prod-a', generation, 'FAILED', {
      'GlobalNetworkPolicy/prod-only': ['FAILED', 'denied', null],
    });
    expect(await sync('prod-a')).toMatchObject({ status: 'FAILED', error: 'admission webhook refused' });
    const cs = expectData(await ctx.gql<CS>(owner, CLUSTER_STATUS, { s: slug })).organization.policyResource
      .clusterStatus;
    expect(cs.find((c) => c.cluster.name === 'prod-a')).toMatchObject({
      status: 'FAILED',
      message: 'denied',
    });

    // A new generation makes it PENDING again until reported.
    await apply(policy('prod-only', "env == 'prod'", 8080));
    expect((await sync('prod-a')).status).toBe('PENDING');
  });

  it('policySyncChanged delivers the current status of a cluster when a gateway announces a change', async () => {
    const client = createClient({
      url: `${ctx.origin.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner.secret}` },
      retryAttempts: 0,
    });
    try {
      const event = new Promise<unknown>((resolve, reject) => {
        const unsubscribe = client.subscribe(
          {
            query:
              'subscription($s: String!) { policySyncChanged(orgSlug: $s) { clusterId clusterName policySync { status generation } } }',
            variables: { s: slug },
          },
          {
            next: (v) => {
              resolve(v);
              unsubscribe();
            },
            error: reject,
            complete: () => undefined,
          },
        );
      });
      // Publish until the subscription is attached (it attaches asynchronously after connect).
      let received: unknown;
      void event.then((v) => (received = v));
      const payload = JSON.stringify({ orgId, clusterId: ids['prod-a'], generation: 1, source: 'gateway' });
      while (received === undefined) {
        await redis.publish(`${ctx.env.REDIS_PREFIX}:policy-sync-events`, payload);
        await new Promise((r) => setTimeout(r, 50));
      }
      const generation = (await desired('prod-a')).generation;
      expect(received).toEqual({
        data: {
          policySyncChanged: {
            clusterId: ids['prod-a'],
            clusterName: 'prod-a',
            policySync: { status: 'PENDING', generation },
          },
        },
      });
    } finally {
      await client.dispose();
    }
  });
});
