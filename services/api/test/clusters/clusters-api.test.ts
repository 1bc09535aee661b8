// Clusters through the API alone (no gateway running): registration and re-registration, the
// install manifest, labels, inventory queries over what a gateway stored, status when offline,
// live requests refused clearly when no agent is connected, and deletion.
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext, codeOf, type Caller } from '../context.js';

let ctx: TestContext;
let owner: Caller;
let viewer: Caller;
let slug: string;

const REGISTER = `mutation($i: RegisterClusterInput!) { registerCluster(input: $i) {
  enrollmentToken enrollmentExpiresAt installCommand gatewayUrl cluster { id name status labels { key value } } } }`;

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  viewer = await ctx.tokenCaller(slug, 'viewer');
});
afterAll(async () => ctx.close());

interface Registered {
  registerCluster: {
    enrollmentToken: string;
    enrollmentExpiresAt: string;
    installCommand: string;
    gatewayUrl: string;
    cluster: { id: string; name: string; status: string; labels: { key: string; value: string }[] };
  };
}

const installUrlOf = (command: string): string => command.replace(/^kubectl apply -f /, '');

describe('registering clusters', () => {
  it('returns a one-time enrollment token valid for 24 h and the install command', async () => {
    const r = await ctx.gql<Registered>(owner, REGISTER, {
      i: { orgSlug: slug, name: 'prod-eu', labels: [{ key: 'env', value: 'prod' }] },
    });
    expect(r.errors).toBeUndefined();
    const p = r.data!.registerCluster;
    expect(p.enrollmentToken).toMatch(/^pen_[A-Za-z0-9_-]{43}$/);
    // The install URL carries a single-use install code, never the token (decision 0059).
    expect(p.installCommand).toMatch(
      new RegExp(`^kubectl apply -f ${ctx.origin}/v1/install/pic_[A-Za-z0-9_-]{43}\\.yaml$`),
    );
    expect(p.installCommand).not.toContain(p.enrollmentToken);
    // The gateway the agent dials, for running it by hand (the console's agent command).
    expect(p.gatewayUrl).toBe(ctx.env.GATEWAY_PUBLIC_URL);
    const ttl = new Date(p.enrollmentExpiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(23.9 * 3600e3);
    expect(ttl).toBeLessThanOrEqual(24 * 3600e3);
    expect(p.cluster).toMatchObject({
      name: 'prod-eu',
      status: 'NEVER_CONNECTED',
      labels: [{ key: 'env', value: 'prod' }],
    });
    const [row] = await ctx.sql<{ enrollment_token_hash: Buffer }>(
      'SELECT enrollment_token_hash FROM clusters WHERE id = $1',
      [p.cluster.id],
    );
    expect(row!.enrollment_token_hash.equals(createHash('sha256').update(p.enrollmentToken).digest())).toBe(
      true,
    );
  });

  it('serves the install manifest once for the install code, and 404 for anything else', async () => {
    const r = await ctx.gql<Registered>(owner, REGISTER, { i: { orgSlug: slug, name: 'manifest-test' } });
    const token = r.data!.registerCluster.enrollmentToken;
    const installUrl = installUrlOf(r.data!.registerCluster.installCommand);
    const res = await fetch(installUrl);
    expect(res.status).toBe(200);
    const docs = parseAllDocuments(await res.text()).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string }; stringData?: Record<string, string> },
    );
    expect(docs.map((d) => d.kind)).toEqual([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'Secret',
      'Deployment',
    ]);
    // For flows, exactly the two objects of Calico's that Goldmane's mTLS needs (decision 0050).
    expect(
      docs.find((d) => d.metadata.name === 'palisade-agent-goldmane' && d.kind === 'ClusterRole'),
    ).toMatchObject({
      rules: [
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['goldmane-ca-bundle'], verbs: ['get'] },
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: ['whisker-backend-key-pair'],
          verbs: ['get'],
        },
      ],
    });
    const secret = docs.find((d) => d.kind === 'Secret');
    expect(secret?.stringData).toEqual({
      PALISADE_ENROLLMENT_TOKEN: token,
      PALISADE_GATEWAY_URL: ctx.env.GATEWAY_PUBLIC_URL,
    });
    // Single use: the URL left in shell history and proxy logs is spent.
    expect((await fetch(installUrl)).status).toBe(404);
    // The token itself is no install URL.
    expect((await fetch(`${ctx.origin}/v1/install/${token}.yaml`)).status).toBe(404);
    expect((await fetch(`${ctx.origin}/v1/install/pic_${'x'.repeat(43)}.yaml`)).status).toBe(404);
    expect((await fetch(`${ctx.origin}/v1/install/not-a-code.yaml`)).status).toBe(404);
  });

  it('re-registering keeps the cluster and replaces the enrollment token', async () => {
    const a = await ctx.gql<Registered>(owner, REGISTER, { i: { orgSlug: slug, name: 'again' } });
    const b = await ctx.gql<Registered>(owner, REGISTER, { i: { orgSlug: slug, name: 'again' } });
    expect(b.data!.registerCluster.cluster.id).toBe(a.data!.registerCluster.cluster.id);
    expect(b.data!.registerCluster.enrollmentToken).not.toBe(a.data!.registerCluster.enrollmentToken);
    // The first command's code still redeems, but its token was replaced: nothing to install.
    expect((await fetch(installUrlOf(a.data!.registerCluster.installCommand))).status).toBe(404);
    expect((await fetch(installUrlOf(b.data!.registerCluster.installCommand))).status).toBe(200);
  });

  it('refuses bad names and labels with the field path, and viewers', async () => {
    const bad = await ctx.gql(owner, REGISTER, { i: { orgSlug: slug, name: 'Prod_EU' } });
    expect(codeOf(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions?.field).toEqual(['input', 'name']);
    const badLabel = await ctx.gql(owner, REGISTER, {
      i: { orgSlug: slug, name: 'ok', labels: [{ key: 'bad key', value: 'x' }] },
    });
    expect(badLabel.errors?.[0]?.extensions?.field).toEqual(['input', 'labels', 0, 'key']);
    const dup = await ctx.gql(owner, REGISTER, {
      i: {
        orgSlug: slug,
        name: 'ok',
        labels: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
    });
    expect(codeOf(dup)).toBe('VALIDATION_FAILED');
    expect(codeOf(await ctx.gql(viewer, REGISTER, { i: { orgSlug: slug, name: 'nope' } }))).toBe('FORBIDDEN');
    const [n] = await ctx.sql<{ n: string }>(
      "SELECT count(*) AS n FROM clusters WHERE name IN ('ok', 'nope', 'Prod_EU')",
    );
    expect(n!.n).toBe('0');
  });
});

describe('cluster status, inventory and live requests', () => {
  let clusterId: string;
  beforeAll(async () => {
    const r = await ctx.gql<Registered>(owner, REGISTER, { i: { orgSlug: slug, name: 'inv' } });
    clusterId = r.data!.registerCluster.cluster.id;
    const [org] = await ctx.sql<{ org_id: string }>('SELECT org_id FROM clusters WHERE id = $1', [clusterId]);
    const orgId = org!.org_id;
    // What a gateway stores after an agent's snapshot (the gateway's own tests cover writing it).
    const rows: [string, string, string, Record<string, string>, unknown][] = [
      ['namespace', '', 'shop', { team: 'web' }, { name: 'shop', labels: { team: 'web' } }],
      ['namespace', '', 'db', {}, { name: 'db', labels: {} }],
    ];
    for (let i = 0; i < 3; i++) {
      const ep = {
        namespace: 'shop',
        name: `web-${i}`,
        labels: { app: 'web', tier: i === 0 ? 'canary' : 'main' },
        ips: [`10.0.0.${i + 1}`],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        serviceAccount: 'default',
        node: 'node-1',
      };
      rows.push(['endpoint', 'shop', ep.name, ep.labels, ep]);
    }
    const pg = {
      namespace: 'db',
      name: 'pg-0',
      labels: { app: 'postgres' },
      ips: ['10.0.1.1'],
      ports: [],
      serviceAccount: 'pg',
      node: null,
    };
    rows.push(['endpoint', 'db', 'pg-0', pg.labels, pg]);
    for (const [kind, ns, name, labels, data] of rows) {
      await ctx.sql(
        'INSERT INTO cluster_inventory (org_id, cluster_id, kind, namespace, name, labels, data) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [orgId, clusterId, kind, ns, name, JSON.stringify(labels), JSON.stringify(data)],
      );
    }
  });

  it('lists namespaces with endpoint counts and filters endpoints by namespace and selector', async () => {
    const r = await ctx.gql<{
      organization: {
        cluster: {
          namespaces: { edges: { node: { name: string; endpointCount: number } }[] };
          all: { totalCount: number };
          canary: { edges: { node: { name: string; ips: string[] } }[] };
          inDb: { totalCount: number };
        };
      };
    }>(
      viewer,
      `query($s: String!) { organization(slug: $s) { cluster(name: "inv") {
        namespaces { edges { node { name endpointCount } } }
        all: endpoints { totalCount }
        canary: endpoints(selector: "app == 'web' && tier == 'canary'") { edges { node { name ips } } }
        inDb: endpoints(namespace: "db") { totalCount } } } }`,
      { s: slug },
    );
    expect(r.errors).toBeUndefined();
    const c = r.data!.organization.cluster;
    expect(c.namespaces.edges.map((e) => e.node)).toEqual([
      { name: 'db', endpointCount: 1 },
      { name: 'shop', endpointCount: 3 },
    ]);
    expect(c.all.totalCount).toBe(4);
    expect(c.canary.edges.map((e) => e.node)).toEqual([{ name: 'web-0', ips: ['10.0.0.1'] }]);
    expect(c.inDb.totalCount).toBe(1);
  });

  it('paginates endpoints', async () => {
    const q = `query($s: String!, $after: String) { organization(slug: $s) { cluster(name: "inv") { endpoints(first: 3, after: $after) { pageInfo { hasNextPage endCursor } edges { node { name } } } } } }`;
    type P = {
      organization: {
        cluster: {
          endpoints: {
            pageInfo: { hasNextPage: boolean; endCursor: string };
            edges: { node: { name: string } }[];
          };
        };
      };
    };
    const p1 = await ctx.gql<P>(viewer, q, { s: slug });
    const e1 = p1.data!.organization.cluster.endpoints;
    expect(e1.edges.map((e) => e.node.name)).toEqual(['pg-0', 'web-0', 'web-1']);
    expect(e1.pageInfo.hasNextPage).toBe(true);
    const p2 = await ctx.gql<P>(viewer, q, { s: slug, after: e1.pageInfo.endCursor });
    expect(p2.data!.organization.cluster.endpoints.edges.map((e) => e.node.name)).toEqual(['web-2']);
  });

  it('rejects an invalid selector with the argument path', async () => {
    const r = await ctx.gql(
      viewer,
      `query($s: String!) { organization(slug: $s) { cluster(name: "inv") { endpoints(selector: "app = 'web'") { totalCount } } } }`,
      { s: slug },
    );
    expect(codeOf(r)).toBe('VALIDATION_FAILED');
    expect(r.errors?.[0]?.extensions?.field).toEqual(['selector']);
  });

  it('answers a live request for an offline cluster with UNAVAILABLE naming the cluster', async () => {
    const r = await ctx.gql(
      viewer,
      `query($s: String!) { organization(slug: $s) { cluster(name: "inv") { status agentHealth { report } } } }`,
      { s: slug },
    );
    expect(codeOf(r)).toBe('UNAVAILABLE');
    expect(r.errors?.[0]?.message).toContain('cluster inv is offline');
  });

  it('edits labels with an audit event carrying before and after', async () => {
    const r = await ctx.gql<{ updateClusterLabels: { labels: { key: string; value: string }[] } }>(
      owner,
      'mutation($i: UpdateClusterLabelsInput!) { updateClusterLabels(input: $i) { labels { key value } } }',
      {
        i: {
          orgSlug: slug,
          name: 'inv',
          labels: [
            { key: 'env', value: 'staging' },
            { key: 'region', value: 'eu' },
          ],
        },
      },
    );
    expect(r.data!.updateClusterLabels.labels).toEqual([
      { key: 'env', value: 'staging' },
      { key: 'region', value: 'eu' },
    ]);
    const [ev] = await ctx.sql<{ before: unknown; after: unknown }>(
      "SELECT before, after FROM audit_events WHERE action = 'cluster.labels.update' AND target_id = $1",
      [clusterId],
    );
    expect(ev).toEqual({ before: { labels: {} }, after: { labels: { env: 'staging', region: 'eu' } } });
  });

  it('deletes a cluster and its inventory; the name is then unknown', async () => {
    const r = await ctx.gql(
      owner,
      'mutation($i: DeleteClusterInput!) { deleteCluster(input: $i) { name } }',
      { i: { orgSlug: slug, name: 'inv' } },
    );
    expect(r.errors).toBeUndefined();
    const [n] = await ctx.sql<{ n: string }>(
      'SELECT count(*) AS n FROM cluster_inventory WHERE cluster_id = $1',
      [clusterId],
    );
    expect(n!.n).toBe('0');
    expect(
      codeOf(
        await ctx.gql(
          viewer,
          `query($s: String!) { organization(slug: $s) { cluster(name: "inv") { name } } }`,
          { s: slug },
        ),
      ),
    ).toBe('NOT_FOUND');
  });
});
