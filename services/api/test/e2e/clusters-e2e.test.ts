// Connecting clusters end to end, over loopback with every component real: the API (GraphQL),
// two cluster gateways, simulated agents, PostgreSQL and Redis. Register through GraphQL, connect
// with the enrollment token, see inventory and status through GraphQL and the subscription, route
// live requests to whichever gateway holds the tunnel, survive a gateway crash, let a second
// connection take over, and revoke by deleting the cluster.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '@palisade/cluster-gateway';
import { TestContext, codeOf, type Caller } from '../context.js';
import {
  Subscription,
  eventually,
  startTestAgent,
  startTestGateway,
  type TestAgent,
} from '../support/fleet.js';

let ctx: TestContext;
let owner: Caller & { secret: string };
let slug: string;
let gwA: RunningGateway;
let gwB: RunningGateway;
const agents: TestAgent[] = [];

const REGISTER = `mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken cluster { id name status } } }`;
const CLUSTER = `query($s: String!, $n: String!) { organization(slug: $s) { cluster(name: $n) {
  id status lastSeenAt agentVersion kubernetesVersion provider
  namespaces { totalCount edges { node { name endpointCount } } }
  web: endpoints(selector: "app == 'storefront'") { totalCount edges { node { namespace name labels { key value } ips } } } } } }`;

interface ClusterQ {
  organization: {
    cluster: {
      id: string;
      status: string;
      lastSeenAt: string | null;
      agentVersion: string | null;
      kubernetesVersion: string | null;
      provider: string | null;
      namespaces: { totalCount: number; edges: { node: { name: string; endpointCount: number } }[] };
      web: {
        totalCount: number;
        edges: {
          node: { namespace: string; name: string; labels: { key: string; value: string }[]; ips: string[] };
        }[];
      };
    };
  };
}

async function register(
  name: string,
  labels: { key: string; value: string }[] = [],
): Promise<{ token: string; id: string }> {
  const r = await ctx.gql<{ registerCluster: { enrollmentToken: string; cluster: { id: string } } }>(
    owner,
    REGISTER,
    {
      i: { orgSlug: slug, name, labels },
    },
  );
  expect(r.errors).toBeUndefined();
  return { token: r.data!.registerCluster.enrollmentToken, id: r.data!.registerCluster.cluster.id };
}

async function cluster(name: string): Promise<ClusterQ['organization']['cluster']> {
  const r = await ctx.gql<ClusterQ>(owner, CLUSTER, { s: slug, n: name });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.organization.cluster;
}

async function agent(opts: Parameters<typeof startTestAgent>[0]): Promise<TestAgent> {
  const a = await startTestAgent(opts);
  agents.push(a);
  return a;
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  gwA = await startTestGateway(ctx);
  gwB = await startTestGateway(ctx);
});

afterAll(async () => {
  for (const a of agents) await a.close().catch(() => undefined);
  await gwA?.close().catch(() => undefined);
  await gwB?.close().catch(() => undefined);
  await ctx.close();
});

describe('a cluster joins, reports and stays connected', () => {
  it('registers, connects with the one-time token, and shows status, versions and inventory through GraphQL', async () => {
    const sub = new Subscription<{ clusterStatusChanged: { name: string; status: string } }>(
      ctx,
      owner.secret,
      'subscription($s: String!) { clusterStatusChanged(orgSlug: $s) { name status lastSeenAt } }',
      { s: slug },
    );
    try {
      const { token } = await register('shop', [{ key: 'env', value: 'prod' }]);
      expect((await cluster('shop')).status).toBe('NEVER_CONNECTED');
      const a = await agent({ port: gwA.port, token });
      const c = await eventually('the cluster to be CONNECTED with its inventory', async () => {
        const v = await cluster('shop');
        return v.status === 'CONNECTED' && v.namespaces.totalCount > 0 ? v : undefined;
      });
      expect(a.clusterId()).toBe(c.id);
      expect(c.provider).toBe('simulated');
      expect(c.agentVersion).toBeTruthy();
      expect(c.kubernetesVersion).toBeTruthy();
      expect(c.lastSeenAt).not.toBeNull();
      expect(c.namespaces.edges.map((e) => e.node.name)).toEqual(
        expect.arrayContaining(['frontend', 'backend', 'db']),
      );
      expect(c.web.totalCount).toBeGreaterThan(0);
      for (const e of c.web.edges) expect(e.node.labels).toContainEqual({ key: 'app', value: 'storefront' });
      await eventually('a CONNECTED event on the subscription', () =>
        sub.events.some(
          (e) => e.clusterStatusChanged.name === 'shop' && e.clusterStatusChanged.status === 'CONNECTED',
        )
          ? true
          : undefined,
      );
      expect(sub.errors).toEqual([]);
    } finally {
      await sub.close();
    }
  });

  it('answers a live request through whichever gateway holds the tunnel', async () => {
    const { token } = await register('via-b');
    await agent({ port: gwB.port, token });
    await eventually('via-b connected', async () =>
      (await cluster('via-b')).status === 'CONNECTED' ? true : undefined,
    );
    for (const name of ['shop', 'via-b']) {
      const r = await ctx.gql<{
        organization: { cluster: { agentHealth: { report: { provider?: string } } } };
      }>(
        owner,
        'query($s: String!, $n: String!) { organization(slug: $s) { cluster(name: $n) { agentHealth { report receivedAt } } } }',
        { s: slug, n: name },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.organization.cluster.agentHealth.report).toMatchObject({ provider: 'simulated' });
    }
  });

  it('an enrollment token is refused once the credential it produced was used (decision 0012)', async () => {
    const { token } = await register('once');
    const stateDir = mkdtempSync(join(tmpdir(), 'palisade-once-'));
    const enrolled = await agent({ port: gwA.port, token, stateDir });
    await eventually('once connected', () => (enrolled.status() === 'connected' ? true : undefined));
    await enrolled.close();
    // The restarted agent comes back with its stored credential, which spends the token.
    const restarted = await agent({ port: gwA.port, stateDir });
    await eventually('reconnected with the credential', () =>
      restarted.status() === 'connected' ? true : undefined,
    );
    const copy = await agent({ port: gwA.port, token });
    await eventually('the second use to be refused', () => (copy.status() === 'stopped' ? true : undefined));
    expect(copy.stopReason()?.reason).toBe('unauthenticated');
  });

  it('reconnects by itself after its gateway crashes and restarts', async () => {
    const port = gwA.port;
    const sub = new Subscription<{ clusterStatusChanged: { name: string; status: string } }>(
      ctx,
      owner.secret,
      'subscription($s: String!) { clusterStatusChanged(orgSlug: $s) { name status } }',
      { s: slug },
    );
    try {
      await gwA.kill();
      gwA = await startTestGateway(ctx, port);
      await eventually(
        'shop connected again',
        async () => {
          const a = agents[0]!;
          const c = await cluster('shop');
          return a.status() === 'connected' && c.status === 'CONNECTED' ? true : undefined;
        },
        60_000,
      );
      await eventually('a CONNECTED event after the restart', () =>
        sub.events.some(
          (e) => e.clusterStatusChanged.name === 'shop' && e.clusterStatusChanged.status === 'CONNECTED',
        )
          ? true
          : undefined,
      );
    } finally {
      await sub.close();
    }
  });

  it('a second connection with the same credential takes over and the first is closed', async () => {
    const { token } = await register('twins');
    const stateDir = mkdtempSync(join(tmpdir(), 'palisade-twin-'));
    const first = await agent({ port: gwA.port, token, stateDir });
    // The agent reports "connected" only once it has stored the credential it was issued, which the
    // second connection below reuses (the cluster shows CONNECTED a moment earlier, at the lease).
    await eventually('twins connected', () => (first.status() === 'connected' ? true : undefined));
    const second = await agent({ port: gwB.port, stateDir });
    await eventually('the second to connect', () => (second.status() === 'connected' ? true : undefined));
    await eventually('the first to be superseded', () => (first.status() !== 'connected' ? true : undefined));
    await first.close();
    // Routing follows the lease, which now names the second connection's gateway.
    const answeredBy = await eventually('a live request answered by the second agent', async () => {
      const r = await ctx.gql<{
        organization: { cluster: { agentHealth: { report: { instanceId?: string } } } };
      }>(
        owner,
        'query($s: String!) { organization(slug: $s) { cluster(name: "twins") { agentHealth { report } } } }',
        { s: slug },
      );
      const id = r.data?.organization.cluster.agentHealth.report.instanceId;
      return id === second.instanceId ? id : undefined;
    });
    expect(answeredBy).toBe(second.instanceId);
  });

  it('deleting the cluster revokes its credential and closes its tunnel', async () => {
    const { token } = await register('doomed');
    const a = await agent({ port: gwB.port, token });
    await eventually('doomed connected', () => (a.status() === 'connected' ? true : undefined));
    const del = await ctx.gql(
      owner,
      'mutation($i: DeleteClusterInput!) { deleteCluster(input: $i) { name } }',
      { i: { orgSlug: slug, name: 'doomed' } },
    );
    expect(del.errors).toBeUndefined();
    await eventually('the tunnel to close', () => (a.status() === 'stopped' ? true : undefined), 10_000);
    expect(['credential_revoked', 'unauthenticated']).toContain(a.stopReason()?.reason);
    const gone = await ctx.gql(
      owner,
      'query($s: String!) { organization(slug: $s) { cluster(name: "doomed") { status } } }',
      { s: slug },
    );
    expect(codeOf(gone)).toBe('NOT_FOUND');
  });
});
