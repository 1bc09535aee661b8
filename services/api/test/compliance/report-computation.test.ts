// Report computation with the real engine, cell by cell, on cases where Calico's rules give another
// answer: a higher-tier deny before an allow-all ingress; a Pass to a tier with no applicable
// policy; a policy in force for only half of the interval (replayed from stored revisions, whose
// times are set here). Traffic columns come from stored flow rollups; policy-audit from the real
// audit log with Palisade's diffs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportResult } from '../../src/modules/compliance-reports/report-result.js';
import type { RunningWorker } from '../../src/worker.js';
import { type Caller, TestContext } from '../context.js';
import { expectData } from '../factories/members.js';
import { clearRedis, clusterWithInventory, finished, startTestWorker } from './support.js';

let ctx: TestContext;
let worker: RunningWorker;
let slug: string;
let orgId: string;
let owner: Caller;
let clusterId: string;

const HOUR = 3_600_000;
const base = new Date();
base.setUTCMinutes(0, 0, 0);
/** The interval [T0, T2): two hours ending an hour ago. */
const T0 = new Date(base.getTime() - 3 * HOUR);
const T1 = new Date(T0.getTime() + HOUR);
const T2 = new Date(T0.getTime() + 2 * HOUR);

async function insertRevision(object: Record<string, unknown>, at: Date): Promise<void> {
  const meta = object['metadata'] as { name: string; namespace?: string };
  const kind =
    object['apiVersion'] === 'networking.k8s.io/v1' ? 'KubernetesNetworkPolicy' : String(object['kind']);
  await ctx.sql(
    `INSERT INTO policy_revisions (org_id, resource_id, kind, namespace, name, revision, object, change,
       actor_type, actor_label, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6, 'created', 'system', 'test', $7)`,
    [orgId, randomUUID(), kind, meta.namespace ?? '', meta.name, JSON.stringify(object), at],
  );
}

const gnp = (name: string, tier: string, selector: string, ingress: unknown[]) => ({
  apiVersion: 'projectcalico.org/v3',
  kind: 'GlobalNetworkPolicy',
  metadata: { name },
  spec: { tier, order: 10, selector, types: ['Ingress'], ingress, egress: [] },
});
const np = (namespace: string, name: string, selector: string, ingress: unknown[]) => ({
  apiVersion: 'projectcalico.org/v3',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec: { tier: 'default', order: 100, selector, types: ['Ingress'], ingress, egress: [] },
});

async function run(name: string, start: Date, end: Date): Promise<ReportResult> {
  const r = expectData(
    await ctx.gql<{ runReport: { id: string } }>(
      owner,
      'mutation($i: RunReportInput!) { runReport(input: $i) { id } }',
      {
        i: { orgSlug: slug, name, start: start.toISOString(), end: end.toISOString() },
      },
    ),
  );
  const done = await finished(ctx, owner, slug, r.runReport.id);
  expect(done.error).toBeNull();
  const [row] = await ctx.sql<{ result: ReportResult }>('SELECT result FROM report_runs WHERE id = $1', [
    r.runReport.id,
  ]);
  return row!.result;
}

async function define(name: string, type: string, scope: Record<string, unknown> = {}) {
  expectData(
    await ctx.gql(
      owner,
      'mutation($i: CreateReportDefinitionInput!) { createReportDefinition(input: $i) { id } }',
      {
        i: { orgSlug: slug, name, type, schedule: '0 0 * * *', scope },
      },
    ),
  );
}

beforeAll(async () => {
  ctx = await TestContext.start();
  const org = await ctx.newOrg();
  slug = org.slug;
  orgId = org.orgId;
  owner = await ctx.tokenCaller(slug, 'owner');
  clusterId = await clusterWithInventory(
    ctx,
    owner,
    slug,
    orgId,
    'prod',
    { env: 'prod' },
    {
      namespaces: [{ name: 'shop' }, { name: 'client' }],
      pods: [
        { namespace: 'shop', name: 'web-1', labels: { app: 'web' }, ip: '10.0.0.1', serviceAccount: 'web' },
        { namespace: 'shop', name: 'api-1', labels: { app: 'api' }, ip: '10.0.0.2' },
        { namespace: 'shop', name: 'db-1', labels: { app: 'db' }, ip: '10.0.0.3' },
        { namespace: 'client', name: 'client-1', labels: { app: 'client' }, ip: '10.0.1.1' },
      ],
      services: [{ namespace: 'shop', name: 'web', pods: ['web-1'] }],
    },
  );
  // A cluster the selector leaves out: its endpoints appear nowhere.
  await clusterWithInventory(
    ctx,
    owner,
    slug,
    orgId,
    'staging',
    { env: 'staging' },
    {
      namespaces: [{ name: 'shop' }],
      pods: [{ namespace: 'shop', name: 'web-9', labels: { app: 'web' }, ip: '10.9.0.1' }],
    },
  );

  const before = new Date(T0.getTime() - HOUR);
  await insertRevision(
    {
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'security' },
      spec: { order: 100 },
    },
    before,
  );
  // Case 1: a higher-tier deny before an allow-all ingress.
  await insertRevision(gnp('security.deny-web', 'security', "app == 'web'", [{ action: 'Deny' }]), before);
  await insertRevision(np('shop', 'allow-all-web', "app == 'web'", [{ action: 'Allow' }]), before);
  // Case 2: a Pass to a tier where nothing applies.
  await insertRevision(gnp('security.pass-api', 'security', "app == 'api'", [{ action: 'Pass' }]), before);
  // Case 3: db protected from T1 on (half the interval), allowing only web.
  await insertRevision(
    np('shop', 'db-from-web', "app == 'db'", [{ action: 'Allow', source: { selector: "app == 'web'" } }]),
    T1,
  );

  // Flows: client-1 → web (aggregated per ReplicaSet), the internet → api-1, web-1 → db-1.
  for (const day of [T0, T2])
    await ctx.sql("SELECT flows_ensure_partitions(($1::timestamptz AT TIME ZONE 'UTC')::date)", [day]);
  const edge = async (src: [string, string, string], dst: [string, string, string], at: Date) =>
    ctx.sql(
      `INSERT INTO flow_edge_minutes (org_id, cluster_id, minute, edge_key, source_type, source_namespace, source_name,
         dest_type, dest_namespace, dest_name, dest_service_namespace, dest_service_name, dest_service_port_name,
         dest_service_port, dest_port, proto, reporter, action, packets_in, packets_out, bytes_in, bytes_out,
         num_flows, num_flows_started, num_flows_completed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', '', '', 0, 80, 'tcp', 'dst', 'allow', 1, 1, 1, 1, 1, 1, 1)`,
      [orgId, clusterId, at, randomUUID(), ...src, ...dst],
    );
  const mid = new Date(T0.getTime() + 30 * 60_000);
  await edge(['wep', 'client', 'client-1'], ['wep', 'shop', 'web-*'], mid);
  await edge(['net', '', 'pub'], ['wep', 'shop', 'api-1'], mid);
  await edge(['wep', 'shop', 'web-*'], ['wep', 'shop', 'db-1'], mid);
  // Outside the interval: not counted.
  await edge(['wep', 'client', 'client-1'], ['wep', 'shop', 'db-1'], new Date(T2.getTime() + 60_000));

  await define('access', 'NETWORK_ACCESS', { namespaceNames: ['shop'], clusterSelector: "env == 'prod'" });
  await define('inventory', 'INVENTORY', { clusterSelector: "env == 'prod'" });
  worker = await startTestWorker(ctx);
});

afterAll(async () => {
  await worker?.close();
  if (ctx) await clearRedis(ctx);
  await ctx?.close();
});

describe('network-access', () => {
  let r: ReportResult;
  const row = (endpoint: string) => r.endpoints.find((e) => e.endpoint === endpoint)!;

  beforeAll(async () => {
    r = await run('access', T0, T2);
  });

  it('covers the in-scope endpoints of the selected clusters only', () => {
    expect(r.clusters.map((c) => c.name)).toEqual(['prod']);
    expect(r.endpoints.map((e) => e.endpoint)).toEqual(['shop/api-1', 'shop/db-1', 'shop/web-1']);
    expect(r.policyStates).toBe(2);
  });

  it('a higher-tier deny before an allow-all ingress: protected, not exposed (Calico: exposed)', () => {
    expect(row('shop/web-1')).toMatchObject({
      cluster: 'prod',
      serviceAccount: 'web',
      ingressProtected: true,
      egressProtected: false,
      ingressFromInternet: false,
      egressToInternet: true,
      ingressFromOtherNamespace: false,
      egressToOtherNamespace: true,
      envoyEnabled: false,
      appliedPolicies: ['security.deny-web', 'shop/allow-all-web'],
      trafficAggregationPrefix: 'web-*',
      endpointsGeneratingTrafficToThisEndpoint: ['client/client-1'],
      endpointsReceivingTrafficFromThisEndpoint: ['shop/db-1'],
      differsFromCalico: [
        'ingressFromInternet',
        'egressToInternet',
        'ingressFromOtherNamespace',
        'egressToOtherNamespace',
      ],
      calicoWouldReport: [
        'ingressFromInternet=true',
        'egressToInternet=false',
        'ingressFromOtherNamespace=true',
        'egressToOtherNamespace=false',
      ],
    });
  });

  it('a Pass to a tier with no applicable policy: unprotected and exposed (Calico: protected, not exposed)', () => {
    expect(row('shop/api-1')).toMatchObject({
      ingressProtected: false,
      egressProtected: false,
      ingressFromInternet: true,
      egressToInternet: true,
      ingressFromOtherNamespace: true,
      egressToOtherNamespace: true,
      appliedPolicies: ['security.pass-api'],
      trafficAggregationPrefix: '',
      endpointsGeneratingTrafficToThisEndpoint: ['pub'],
      endpointsReceivingTrafficFromThisEndpoint: [],
      differsFromCalico: [
        'ingressProtected',
        'ingressFromInternet',
        'egressToInternet',
        'ingressFromOtherNamespace',
        'egressToOtherNamespace',
      ],
      calicoWouldReport: [
        'ingressProtected=true',
        'ingressFromInternet=false',
        'egressToInternet=false',
        'ingressFromOtherNamespace=false',
        'egressToOtherNamespace=false',
      ],
    });
  });

  it('a policy in force for half the interval: not protected, exposed (it was open before)', () => {
    expect(row('shop/db-1')).toMatchObject({
      ingressProtected: false,
      egressProtected: false,
      ingressFromInternet: true,
      egressToInternet: true,
      ingressFromOtherNamespace: true,
      egressToOtherNamespace: true,
      appliedPolicies: ['shop/db-from-web'],
      endpointsGeneratingTrafficToThisEndpoint: ['shop/web-*'],
      differsFromCalico: [
        'ingressFromInternet',
        'egressToInternet',
        'ingressFromOtherNamespace',
        'egressToOtherNamespace',
      ],
    });
  });

  it('the second half alone: db protected and no longer exposed', async () => {
    const half = await run('access', T1, T2);
    expect(half.policyStates).toBe(1);
    expect(half.endpoints.find((e) => e.endpoint === 'shop/db-1')).toMatchObject({
      ingressProtected: true,
      ingressFromInternet: false,
      ingressFromOtherNamespace: false,
      differsFromCalico: ['egressToInternet', 'egressToOtherNamespace'],
    });
  });

  it("summarises with Calico's counters", () => {
    expect(r.networkAccess).toEqual({
      endpointsNumIngressProtected: 1,
      endpointsNumEgressProtected: 0,
      endpointsNumIngressUnprotected: 2,
      endpointsNumEgressUnprotected: 3,
      endpointsNumIngressFromInternet: 2,
      endpointsNumEgressToInternet: 3,
      endpointsNumIngressFromOtherNamespace: 2,
      endpointsNumEgressToOtherNamespace: 3,
      endpointsNumEnvoyEnabled: 0,
    });
  });
});

describe('inventory', () => {
  it('rolls up namespaces and services: protected only if every endpoint was', async () => {
    const r = await run('inventory', T0, T2);
    expect(
      r.endpoints.map((e) => [
        e.endpoint,
        e.ingressProtected,
        e.egressProtected,
        e.services,
        e.differsFromCalico,
      ]),
    ).toEqual([
      ['client/client-1', false, false, [], []],
      ['shop/api-1', false, false, [], ['ingressProtected']],
      ['shop/db-1', false, false, [], []],
      ['shop/web-1', true, false, ['shop/web'], []],
    ]);
    expect(
      r.namespaces.map((n) => [
        n.namespace,
        n.ingressProtected,
        n.egressProtected,
        n.endpointsInScope,
        n.differsFromCalico,
      ]),
    ).toEqual([
      ['client', false, false, 1, []],
      ['shop', false, false, 3, []],
    ]);
    expect(r.services).toEqual([
      {
        cluster: 'prod',
        service: 'shop/web',
        ingressProtected: true,
        envoyEnabled: false,
        endpointsInScope: 1,
        differsFromCalico: [],
      },
    ]);
    expect(r.inventory).toEqual({
      endpointsNumInScope: 4,
      endpointsNumIngressProtected: 1,
      endpointsNumEgressProtected: 0,
      namespacesNumInScope: 2,
      namespacesNumIngressProtected: 0,
      namespacesNumEgressProtected: 0,
      serviceAccountsNumInScope: 3,
    });
  });
});

describe('policy-audit', () => {
  it("counts creations, changes and deletions from the audit log, with Palisade's diffs", async () => {
    await define('audit', 'POLICY_AUDIT');
    const start = new Date(Date.now() - HOUR);
    const policy = (ports: number[]) =>
      `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: audited\n  namespace: shop\nspec:\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n      protocol: TCP\n      destination:\n        ports: [${ports.join(', ')}]\n`;
    const apply = async (yaml: string) =>
      expectData(
        await ctx.gql(owner, 'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }', {
          i: { orgSlug: slug, yaml },
        }),
      );
    await apply(policy([80]));
    await apply(policy([80, 443]));
    expectData(
      await ctx.gql(
        owner,
        'mutation($i: DeletePolicyResourceInput!) { deletePolicyResource(input: $i) { id } }',
        {
          i: { orgSlug: slug, kind: 'NetworkPolicy', namespace: 'shop', name: 'audited' },
        },
      ),
    );
    const r = await run('audit', start, new Date());
    expect(r.policyAudit).toEqual({ numCreatedPolicies: 1, numModifiedPolicies: 1, numDeletedPolicies: 1 });
    expect(r.events.map((e) => [e.verb, e.resource, e.user.label])).toEqual([
      ['create', 'NetworkPolicy/shop/audited', 'token:test-owner'],
      ['update', 'NetworkPolicy/shop/audited', 'token:test-owner'],
      ['delete', 'NetworkPolicy/shop/audited', 'token:test-owner'],
    ]);
    expect(r.events[1]!.diff).toEqual([
      { path: 'spec.ingress[0].destination.ports[1]', op: 'added', after: 443 },
    ]);
  });
});

describe('encryption', () => {
  it('is a report type of its own, defined and run like the others', async () => {
    await ctx.sql(
      `INSERT INTO cluster_nodes (org_id, cluster_id, name, dataplane, wireguard_enabled, wireguard_public_key, mtu, calico_version)
       VALUES ($1, $2, 'node-1', 'nftables', true, true, 1420, 'v3.30.1')`,
      [orgId, clusterId],
    );
    await define('fleet-encryption', 'ENCRYPTION', { clusterSelector: "env == 'prod'" });
    const r = await run('fleet-encryption', T0, T2);
    expect(r.report.type).toBe('encryption');
    expect(r.encryption).toMatchObject({
      clustersNumInScope: 1,
      nodesNum: 1,
      nodesNumEncrypting: 1,
      coverage: 1,
      clusters: [{ cluster: 'prod', nodes: 1, encryptingNodes: 1, dataplanes: ['nftables'] }],
    });
    // The inventory report now says the prod pods' node encrypts (another interval: a run is
    // idempotent per definition and interval).
    const inv = await run('inventory', T1, T2);
    expect(inv.endpoints.filter((e) => e.cluster === 'prod').map((e) => e.nodeEncrypted)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});
