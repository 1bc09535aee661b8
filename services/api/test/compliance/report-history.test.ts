// Reports over a past interval use the inventory as it was then (decision 0151): the triggers on
// cluster_inventory record every version; an endpoint deleted during the interval is listed and
// evaluated for the time it existed, one created after the interval is not, a label change in the
// interval counts both ways. And the fast computation (decision 0150) gives the same rows as the
// straightforward one on a randomized fleet with policies changing over the interval.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/modules/compliance-reports/compliance-reports.repository.js';
import { unzipSync } from 'fflate';
import { loadEnv } from '../../src/config/env.js';
import { EvidenceKeys } from '../../src/modules/compliance-reports/evidence-keys.js';
import { ComplianceReportComputer } from '../../src/modules/compliance-reports/report-computer.js';
import { ReportSealer } from '../../src/modules/compliance-reports/report-sealer.js';
import type { ReportResult } from '../../src/modules/compliance-reports/report-result.js';
import { Database } from '../../src/platform/db/database.js';
import { type Caller, TestContext } from '../context.js';
import { clusterWithInventory } from './support.js';

let ctx: TestContext;
let db: Database;
let orgId: string;
let owner: Caller;
let slug: string;

const HOUR = 3_600_000;
const base = new Date();
base.setUTCMinutes(0, 0, 0);
const T0 = new Date(base.getTime() - 5 * HOUR);
const T1 = new Date(T0.getTime() + HOUR);
const T2 = new Date(T0.getTime() + 2 * HOUR);

function runOf(type: string, clusterSelector: string, start: Date, end: Date): RunRow {
  return {
    id: randomUUID(),
    orgId,
    definitionId: randomUUID(),
    definitionName: `history-${type}`,
    reportType: type,
    spec: {
      reportType: type,
      schedule: '0 0 * * *',
      suspend: false,
      scope: {
        endpointSelector: '',
        namespaceNames: [],
        namespaceSelector: '',
        serviceAccountNames: [],
        serviceAccountSelector: '',
        clusterSelector,
      },
    },
    trigger: 'on_demand',
    intervalStart: start,
    intervalEnd: end,
  } as unknown as RunRow;
}

async function compute(run: RunRow, exhaustive = false): Promise<ReportResult> {
  return new ComplianceReportComputer(db, undefined, { exhaustive }).compute(run, () => Promise.resolve());
}

async function insertRevision(
  object: Record<string, unknown>,
  at: Date,
  resourceId = randomUUID(),
  revision = 1,
) {
  const meta = object['metadata'] as { name: string; namespace?: string };
  await ctx.sql(
    `INSERT INTO policy_revisions (org_id, resource_id, kind, namespace, name, revision, object, change,
       actor_type, actor_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'created', 'system', 'test', $8)`,
    [
      orgId,
      resourceId,
      String(object['kind']),
      meta.namespace ?? '',
      meta.name,
      revision,
      JSON.stringify(object),
      at,
    ],
  );
}

beforeAll(async () => {
  ctx = await TestContext.start();
  const org = await ctx.newOrg();
  slug = org.slug;
  orgId = org.orgId;
  owner = await ctx.tokenCaller(slug, 'owner');
  db = new Database(ctx.env.DATABASE_URL, 2);
});

afterAll(async () => {
  await db?.close();
  await ctx?.close();
});

describe('inventory history', () => {
  let clusterId: string;

  beforeAll(async () => {
    clusterId = await clusterWithInventory(
      ctx,
      owner,
      slug,
      orgId,
      'history',
      { env: 'history' },
      {
        namespaces: [{ name: 'shop' }],
        pods: [
          { namespace: 'shop', name: 'stays', labels: { app: 'web' }, ip: '10.1.0.1' },
          { namespace: 'shop', name: 'deleted', labels: { app: 'web' }, ip: '10.1.0.2' },
          { namespace: 'shop', name: 'relabelled', labels: { app: 'web' }, ip: '10.1.0.3' },
        ],
        since: new Date(T0.getTime() - 24 * HOUR),
      },
    );
    // What the gateway's delta does: a delete, an upsert with new labels, a new pod. The triggers
    // record them as of now; move them to T1 as if they had been reported then.
    await ctx.sql("DELETE FROM cluster_inventory WHERE cluster_id = $1 AND name = 'deleted'", [clusterId]);
    await ctx.sql(
      `UPDATE cluster_inventory SET labels = '{"app":"db"}', data = jsonb_set(data, '{labels}', '{"app":"db"}')
        WHERE cluster_id = $1 AND name = 'relabelled'`,
      [clusterId],
    );
    await ctx.sql(
      `INSERT INTO cluster_inventory (org_id, cluster_id, kind, namespace, name, labels, data)
       VALUES ($1, $2, 'endpoint', 'shop', 'later', '{"app":"web"}',
               '{"namespace":"shop","name":"later","labels":{"app":"web"},"ips":["10.1.0.4"],"ports":[],"serviceAccount":"default","node":"node-1"}')`,
      [orgId, clusterId],
    );
    const moved = await ctx.sql<{ n: string }>(
      `WITH moved AS (
         UPDATE cluster_inventory_history SET valid_to = $2 WHERE cluster_id = $1 AND valid_to IS NOT NULL RETURNING 1)
       SELECT count(*)::text AS n FROM moved`,
      [clusterId, T1],
    );
    expect(moved[0]!.n).toBe('2'); // the deleted pod and the relabelled pod's first version
    await ctx.sql(
      "UPDATE cluster_inventory_history SET valid_from = $2 WHERE cluster_id = $1 AND name = 'relabelled' AND valid_to IS NULL",
      [clusterId, T1],
    );
    // The new pod appears after the interval [T0, T2).
    await ctx.sql(
      "UPDATE cluster_inventory_history SET valid_from = $2 WHERE cluster_id = $1 AND name = 'later'",
      [clusterId, new Date(T2.getTime() + HOUR)],
    );
    // db pods are protected by a policy in force all along.
    await insertRevision(
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'NetworkPolicy',
        metadata: { name: 'db-closed', namespace: 'shop' },
        spec: { tier: 'default', order: 1, selector: "app == 'db'", types: ['Ingress'], ingress: [] },
      },
      new Date(T0.getTime() - HOUR),
    );
  });

  it('records versions and keeps a snapshot that changes nothing from adding any', async () => {
    const before = await ctx.sql<{ n: string }>(
      'SELECT count(*)::text AS n FROM cluster_inventory_history WHERE cluster_id = $1',
      [clusterId],
    );
    // A snapshot deletes every row of the cluster and writes them again in one transaction (the
    // gateway's InventoryStore.replace).
    expect(clusterId).toMatch(/^[0-9a-f-]{36}$/);
    await ctx.sql(
      `BEGIN;
       CREATE TEMP TABLE snapshot ON COMMIT DROP AS SELECT * FROM cluster_inventory WHERE cluster_id = '${clusterId}';
       DELETE FROM cluster_inventory WHERE cluster_id = '${clusterId}';
       INSERT INTO cluster_inventory SELECT * FROM snapshot;
       COMMIT;`,
    );
    const after = await ctx.sql<{ n: string; open: string }>(
      `SELECT count(*)::text AS n, count(*) FILTER (WHERE valid_to IS NULL)::text AS open
         FROM cluster_inventory_history WHERE cluster_id = $1`,
      [clusterId],
    );
    // namespace, service account, stays, relabelled, later; closed: deleted, relabelled's first.
    expect(after[0]).toEqual({ n: before[0]!.n, open: '5' });
    expect(before[0]!.n).toBe('7');
  });

  it('lists the endpoints of the interval as they were, not the current ones', async () => {
    const r = await compute(runOf('inventory', "env == 'history'", T0, T2));
    expect(r.endpoints.map((e) => [e.endpoint, e.ingressProtected])).toEqual([
      ['shop/deleted', false],
      // web (unprotected) until T1, then db (protected): not protected for the whole interval.
      ['shop/relabelled', false],
      ['shop/stays', false],
    ]);
    expect(r.policyStates).toBe(2);
    // After the relabelling only: protected.
    const late = await compute(runOf('inventory', "env == 'history'", T1, T2));
    expect(late.endpoints.map((e) => [e.endpoint, e.ingressProtected])).toEqual([
      ['shop/relabelled', true],
      ['shop/stays', false],
    ]);
    // The current inventory holds the pod created after the interval; a report now lists it.
    const now = await compute(
      runOf('inventory', "env == 'history'", new Date(T2.getTime() + 2 * HOUR), new Date()),
    );
    expect(now.endpoints.map((e) => e.endpoint)).toEqual(['shop/later', 'shop/relabelled', 'shop/stays']);
  });
});

describe('the fast computation', () => {
  it('gives the same rows as the straightforward one on a randomized fleet', async () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const namespaces = ['ns-a', 'ns-b', 'ns-c', 'ns-d'];
    const apps = ['web', 'api', 'db', 'cache'];
    const pods = Array.from({ length: 60 }, (_, i) => ({
      namespace: pick(namespaces),
      name: `pod-${i}`,
      labels: { app: pick(apps), tier: pick(['fe', 'be']), build: `b${i}` },
      ip: `10.7.${i >> 8}.${(i & 255) + 1}`,
      serviceAccount: pick(['default', 'runner']),
    }));
    await clusterWithInventory(
      ctx,
      owner,
      slug,
      orgId,
      'random',
      { env: 'random' },
      {
        namespaces: namespaces.map((name, i) => ({ name, labels: { team: i % 2 ? 'x' : 'y' } })),
        pods,
        services: [{ namespace: pods[0]!.namespace, name: 'svc', pods: [pods[0]!.name] }],
      },
    );
    await insertRevision(
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'Tier',
        metadata: { name: 'sec' },
        spec: { order: 50, defaultAction: 'Pass' },
      },
      new Date(T0.getTime() - HOUR),
    );
    const rule = () => {
      const r: Record<string, unknown> = { action: pick(['Allow', 'Allow', 'Deny', 'Pass']) };
      const c = rnd();
      if (c < 0.3) r['source'] = { selector: `app == '${pick(apps)}'` };
      else if (c < 0.5) r['source'] = { namespaceSelector: `team == '${pick(['x', 'y'])}'` };
      else if (c < 0.65) r['source'] = { nets: [pick(['10.7.0.0/26', '0.0.0.0/0', '203.0.113.0/24'])] };
      if (rnd() < 0.4) r['destination'] = { ports: [pick([80, 443, '8000:8100'])] };
      if (rnd() < 0.3) r['protocol'] = 'TCP';
      return r;
    };
    for (let i = 0; i < 24; i++) {
      const global = rnd() < 0.3;
      const tier = pick(['default', 'sec']);
      const name = `${tier === 'sec' ? 'sec.' : ''}p${i}`;
      const types = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
      const object = {
        apiVersion: 'projectcalico.org/v3',
        kind: global ? 'GlobalNetworkPolicy' : 'NetworkPolicy',
        metadata: global ? { name } : { name, namespace: pick(namespaces) },
        spec: {
          tier,
          order: Math.floor(rnd() * 100),
          selector: pick([`app == '${pick(apps)}'`, `tier == 'fe'`, 'all()']),
          types,
          ingress: Array.from({ length: 1 + Math.floor(rnd() * 2) }, rule),
          egress: Array.from({ length: 1 + Math.floor(rnd() * 2) }, rule),
        },
      };
      const id = randomUUID();
      await insertRevision(object, new Date(T0.getTime() - HOUR), id, 1);
      // A third of them change order inside the interval.
      if (rnd() < 0.33)
        await insertRevision(
          { ...object, spec: { ...object.spec, order: 500 + i } },
          new Date(T0.getTime() + Math.floor(rnd() * 2 * HOUR)),
          id,
          2,
        );
    }
    for (const type of ['inventory', 'network-access']) {
      const run = runOf(type, "env == 'random'", T0, T2);
      const fast = await compute(run);
      const slow = await compute(run, true);
      expect(fast.policyStates).toBeGreaterThan(2);
      expect(fast.endpoints).toHaveLength(60);
      expect(fast.endpoints).toEqual(slow.endpoints);
      expect(fast.namespaces).toEqual(slow.namespaces);
      expect(fast.services).toEqual(slow.services);
      // Not a degenerate fleet: both answers occur.
      const flags = fast.endpoints.map((e) =>
        type === 'inventory' ? e.ingressProtected : e.ingressFromOtherNamespace,
      );
      expect(new Set(flags).size, type).toBe(2);
    }
  }, 120_000);
});

describe('node encryption evidence', () => {
  beforeAll(async () => {
    const clusterId = await clusterWithInventory(
      ctx,
      owner,
      slug,
      orgId,
      'wg',
      { env: 'wg' },
      {
        namespaces: [{ name: 'pay' }],
        pods: [
          { namespace: 'pay', name: 'on-1', ip: '10.9.0.1' },
          { namespace: 'pay', name: 'on-2', ip: '10.9.0.2' },
        ],
      },
    );
    // As the gateway's NodeStore writes an inventory.nodes report: node-1 encrypts, node-2 has
    // WireGuard on but no public key yet. The pods of the support helper run on node-1; move one.
    await ctx.sql(
      `INSERT INTO cluster_nodes (org_id, cluster_id, name, dataplane, wireguard_enabled, wireguard_public_key, mtu, calico_version)
       VALUES ($1, $2, 'node-1', 'bpf', true, true, 1440, 'v3.30.1'), ($1, $2, 'node-2', 'iptables', true, false, 1500, 'v3.29.4')`,
      [orgId, clusterId],
    );
    await ctx.sql(
      `UPDATE cluster_inventory SET data = jsonb_set(data, '{node}', '"node-2"') WHERE cluster_id = $1 AND name = 'on-2'`,
      [clusterId],
    );
    await ctx.sql('UPDATE cluster_inventory_history SET valid_from = $2 WHERE cluster_id = $1', [
      clusterId,
      new Date(T0.getTime() - HOUR),
    ]);
    // A cluster whose agent has reported no nodes yet.
    await clusterWithInventory(
      ctx,
      owner,
      slug,
      orgId,
      'wg-new',
      { env: 'wg-new' },
      { namespaces: [], pods: [] },
    );
  });

  it("adds each endpoint's node and whether it encrypts to the inventory", async () => {
    const r = await compute(runOf('inventory', "env == 'wg'", T0, T2));
    expect(r.endpoints.map((e) => [e.endpoint, e.node, e.nodeEncrypted])).toEqual([
      ['pay/on-1', 'node-1', true],
      ['pay/on-2', 'node-2', false],
    ]);
  });

  it('summarises the fleet encryption per cluster and node, sealed and signed like the other reports', async () => {
    const run = runOf('encryption', "env in {'wg', 'wg-new'}", T0, T2);
    const r = await compute(run);
    expect(r.endpoints).toEqual([]);
    expect(r.encryption).toMatchObject({
      clustersNumInScope: 2,
      nodesNum: 2,
      nodesNumEncrypting: 1,
      coverage: 0.5,
      clusters: [
        {
          cluster: 'wg',
          nodes: 2,
          encryptingNodes: 1,
          coverage: 0.5,
          dataplanes: ['bpf', 'iptables'],
          calicoVersions: ['v3.29.4', 'v3.30.1'],
        },
        { cluster: 'wg-new', nodes: 0, encryptingNodes: 0, coverage: 0, dataplanes: [], calicoVersions: [] },
      ],
    });
    expect(r.encryption!.nodes.map((n) => [n.node, n.dataplane, n.encrypting])).toEqual([
      ['node-1', 'bpf', true],
      ['node-2', 'iptables', false],
    ]);
    const env = loadEnv({ NODE_ENV: 'test' });
    const sealed = await new ReportSealer(db, new EvidenceKeys(db, env.evidenceKeyEncryptionKey)).seal(
      run,
      r,
    );
    const entries = unzipSync(new Uint8Array(sealed.archive));
    const names = Object.keys(entries).map((n) => n.split('/').pop());
    for (const f of ['summary.csv', 'clusters.csv', 'nodes.csv', 'manifest.json', 'manifest.sig'])
      expect(names, f).toContain(f);
    expect(sealed.manifest.files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['clusters.csv', 'nodes.csv']),
    );
    const nodes = Object.entries(entries).find(([n]) => n.endsWith('nodes.csv'))![1];
    expect(Buffer.from(nodes).toString('utf8').split('\n')[2]).toMatch(
      /^wg,node-2,iptables,true,false,false,1500,v3\.29\.4,/,
    );
  });
});
