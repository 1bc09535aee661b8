// Organization.reportScopeCount: what a report scope selects right now, from each in-scope
// cluster's stored inventory, by the rule a run applies (endpoint selector, namespace names and
// selector, service account names and selector, cluster selector); a bad selector is refused with
// its field and nothing is read; every role may ask, and the answer matches what a run covers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, TestContext } from '../context.js';
import { expectData, expectError } from '../factories/members.js';
import { clusterWithInventory } from './support.js';

let ctx: TestContext;
let slug: string;
let viewer: Caller;

const COUNT = `query($s: String!, $scope: ReportScopeInput) { organization(slug: $s) {
  reportScopeCount(scope: $scope) { endpoints namespaces serviceAccounts clusters { cluster endpoints } } } }`;

interface Count {
  endpoints: number;
  namespaces: number;
  serviceAccounts: number;
  clusters: { cluster: string; endpoints: number }[];
}

async function count(scope?: Record<string, unknown>): Promise<Count> {
  return expectData(
    await ctx.gql<{ organization: { reportScopeCount: Count } }>(viewer, COUNT, {
      s: slug,
      ...(scope ? { scope } : {}),
    }),
  ).organization.reportScopeCount;
}

beforeAll(async () => {
  ctx = await TestContext.start();
  const org = await ctx.newOrg();
  slug = org.slug;
  const owner = await ctx.tokenCaller(slug, 'owner');
  viewer = await ctx.tokenCaller(slug, 'viewer');
  await clusterWithInventory(
    ctx,
    owner,
    slug,
    org.orgId,
    'prod-eu',
    { env: 'prod' },
    {
      namespaces: [
        { name: 'shop', labels: { team: 'web' } },
        { name: 'db', labels: { team: 'data' } },
      ],
      pods: [
        { namespace: 'shop', name: 'web-1', labels: { app: 'web' }, ip: '10.0.0.1', serviceAccount: 'web' },
        { namespace: 'shop', name: 'web-2', labels: { app: 'web' }, ip: '10.0.0.2', serviceAccount: 'web' },
        { namespace: 'shop', name: 'api-1', labels: { app: 'api' }, ip: '10.0.0.3', serviceAccount: 'api' },
        { namespace: 'db', name: 'pg-1', labels: { app: 'pg' }, ip: '10.0.0.4' },
      ],
    },
  );
  await clusterWithInventory(
    ctx,
    owner,
    slug,
    org.orgId,
    'dev',
    { env: 'dev' },
    {
      namespaces: [{ name: 'shop', labels: { team: 'web' } }],
      pods: [
        { namespace: 'shop', name: 'web-1', labels: { app: 'web' }, ip: '10.1.0.1', serviceAccount: 'web' },
      ],
    },
  );
});
afterAll(async () => ctx?.close());

describe('report scope count', () => {
  it('counts every endpoint of every cluster without a scope', async () => {
    expect(await count()).toEqual({
      endpoints: 5,
      namespaces: 3,
      serviceAccounts: 4,
      clusters: [
        { cluster: 'dev', endpoints: 1 },
        { cluster: 'prod-eu', endpoints: 4 },
      ],
    });
  });

  it('applies each condition of the scope as a run does', async () => {
    expect((await count({ clusterSelector: "env == 'prod'" })).clusters).toEqual([
      { cluster: 'prod-eu', endpoints: 4 },
    ]);
    expect((await count({ endpointSelector: "app == 'web'" })).endpoints).toBe(3);
    expect((await count({ namespaceNames: ['db'] })).endpoints).toBe(1);
    expect((await count({ namespaceSelector: "team == 'web'" })).endpoints).toBe(4);
    expect((await count({ serviceAccountNames: ['api'] })).endpoints).toBe(1);
    const both = await count({ endpointSelector: "app == 'web'", clusterSelector: "env == 'prod'" });
    expect(both).toEqual({
      endpoints: 2,
      namespaces: 1,
      serviceAccounts: 1,
      clusters: [{ cluster: 'prod-eu', endpoints: 2 }],
    });
    expect((await count({ clusterSelector: "env == 'staging'" })).clusters).toEqual([]);
  });

  it('refuses a selector that does not parse, naming the field', async () => {
    expectError(
      await ctx.gql(viewer, COUNT, { s: slug, scope: { endpointSelector: 'app ==' } }),
      'VALIDATION_FAILED',
      ['scope', 'endpointSelector'],
    );
  });
});
