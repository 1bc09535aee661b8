// Report definitions through GraphQL and GlobalReport YAML: created, changed and deleted with
// revisions and audit events in the same transaction; schedules validated, with next run times;
// bad input answers with the field and changes nothing; roles as the permission map says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, TestContext } from '../context.js';
import { count, expectData, expectError } from '../factories/members.js';

let ctx: TestContext;
let slug: string;
let orgId: string;
let owner: Caller;
const callers = {} as Record<'admin' | 'editor' | 'viewer' | 'auditor', Caller>;

const CREATE = `mutation($i: CreateReportDefinitionInput!) {
  createReportDefinition(input: $i) { id name type schedule suspend revision yaml globalReport
    scope { endpointSelector namespaceNames namespaceSelector serviceAccountNames serviceAccountSelector clusterSelector }
    nextRunTimes(count: 3) } }`;
const UPDATE = `mutation($i: UpdateReportDefinitionInput!) {
  updateReportDefinition(input: $i) { id revision schedule suspend nextRunTimes scope { namespaceNames } } }`;
const DELETE = `mutation($i: DeleteReportDefinitionInput!) { deleteReportDefinition(input: $i) { id name } }`;
const APPLY = `mutation($i: ApplyGlobalReportsInput!) { applyGlobalReports(input: $i) { name action definition { id revision type scope { clusterSelector endpointSelector } } } }`;
const GET = `query($s: String!, $n: String!) { organization(slug: $s) { reportDefinition(name: $n) {
  id revision schedule revisions(first: 10) { totalCount edges { node { revision change globalReport actor { type label } } } } } } }`;

async function snapshot() {
  return {
    definitions: await ctx.sql('SELECT * FROM report_definitions WHERE org_id = $1 ORDER BY id', [orgId]),
    revisions: await count(ctx, 'report_definition_revisions', 'org_id = $1', [orgId]),
    audit: await count(ctx, 'audit_events', 'org_id = $1', [orgId]),
  };
}

beforeAll(async () => {
  ctx = await TestContext.start();
  const org = await ctx.newOrg();
  slug = org.slug;
  orgId = org.orgId;
  owner = await ctx.tokenCaller(slug, 'owner');
  for (const role of ['admin', 'editor', 'viewer', 'auditor'] as const)
    callers[role] = await ctx.tokenCaller(slug, role);
});
afterAll(async () => ctx?.close());

describe('report definitions', () => {
  it('are created with a revision, an audit event and their next run times', async () => {
    const d = expectData(
      await ctx.gql<{
        createReportDefinition: Record<string, unknown> & { id: string; nextRunTimes: string[] };
      }>(owner, CREATE, {
        i: {
          orgSlug: slug,
          name: 'daily-inventory',
          type: 'INVENTORY',
          schedule: '30 2 * * *',
          scope: {
            namespaceNames: ['shop', 'db', 'shop'],
            endpointSelector: "app == 'web'",
            clusterSelector: "env == 'prod'",
          },
        },
      }),
    ).createReportDefinition;
    expect(d).toMatchObject({
      name: 'daily-inventory',
      type: 'INVENTORY',
      schedule: '30 2 * * *',
      suspend: false,
      revision: 1,
      scope: {
        endpointSelector: "app == 'web'",
        namespaceNames: ['db', 'shop'],
        namespaceSelector: '',
        serviceAccountNames: [],
        serviceAccountSelector: '',
        clusterSelector: "env == 'prod'",
      },
      globalReport: {
        apiVersion: 'projectcalico.org/v3',
        kind: 'GlobalReport',
        metadata: {
          name: 'daily-inventory',
          annotations: { 'palisade.io/cluster-selector': "env == 'prod'" },
        },
        spec: {
          reportType: 'inventory',
          schedule: '30 2 * * *',
          endpoints: { selector: "app == 'web'", namespaces: { names: ['db', 'shop'] } },
        },
      },
    });
    const times = d.nextRunTimes.map((t) => new Date(t));
    expect(times).toHaveLength(3);
    for (const t of times) expect([t.getUTCHours(), t.getUTCMinutes()]).toEqual([2, 30]);
    expect(times[1]!.getTime() - times[0]!.getTime()).toBe(86_400_000);
    expect(times[0]!.getTime()).toBeGreaterThan(Date.now());

    const [row] = await ctx.sql<{ next_run_at: Date; last_tick_at: Date }>(
      'SELECT next_run_at, last_tick_at FROM report_definitions WHERE id = $1',
      [d.id],
    );
    expect(row!.next_run_at.toISOString()).toBe(times[0]!.toISOString());
    expect(row!.last_tick_at.getTime()).toBe(times[0]!.getTime() - 86_400_000);
    const events = await ctx.sql<{ action: string; target_id: string; after: { name: string } }>(
      "SELECT action, target_id, after FROM audit_events WHERE org_id = $1 AND target_type = 'report_definition'",
      [orgId],
    );
    expect(events).toEqual([
      {
        action: 'report_definition.create',
        target_id: d.id,
        after: expect.objectContaining({ name: 'daily-inventory' }),
      },
    ]);
  });

  it('change with a new revision and audit event; suspend clears the next run', async () => {
    const u = expectData(
      await ctx.gql<{
        updateReportDefinition: {
          revision: number;
          suspend: boolean;
          nextRunTimes: string[];
          scope: { namespaceNames: string[] };
        };
      }>(callers.admin, UPDATE, { i: { orgSlug: slug, name: 'daily-inventory', suspend: true } }),
    ).updateReportDefinition;
    expect(u).toMatchObject({
      revision: 2,
      suspend: true,
      nextRunTimes: [],
      scope: { namespaceNames: ['db', 'shop'] },
    });
    const [row] = await ctx.sql<{ next_run_at: Date | null }>(
      "SELECT next_run_at FROM report_definitions WHERE name = 'daily-inventory'",
    );
    expect(row!.next_run_at).toBeNull();
    // The same values again: nothing written.
    const before = await snapshot();
    expectData(
      await ctx.gql(owner, UPDATE, { i: { orgSlug: slug, name: 'daily-inventory', suspend: true } }),
    );
    expect(await snapshot()).toEqual(before);

    const g = expectData(
      await ctx.gql<{
        organization: {
          reportDefinition: {
            revisions: {
              totalCount: number;
              edges: {
                node: {
                  revision: number;
                  change: string;
                  globalReport: { spec: { suspend?: boolean } };
                  actor: { type: string; label: string };
                };
              }[];
            };
          };
        };
      }>(owner, GET, { s: slug, n: 'daily-inventory' }),
    ).organization.reportDefinition;
    expect(g.revisions.totalCount).toBe(2);
    expect(
      g.revisions.edges.map((e) => [
        e.node.revision,
        e.node.change,
        e.node.globalReport.spec.suspend ?? false,
        e.node.actor.type,
      ]),
    ).toEqual([
      [2, 'CONFIGURED', true, 'TOKEN'],
      [1, 'CREATED', false, 'TOKEN'],
    ]);
  });

  it('apply GlobalReport YAML: created, configured, unchanged', async () => {
    const yaml = `apiVersion: projectcalico.org/v3
kind: GlobalReport
metadata:
  name: weekly-access
  annotations:
    palisade.io/cluster-selector: "env == 'staging'"
spec:
  reportType: network-access
  endpoints:
    selector: "tier == 'frontend'"
  schedule: 0 0 * * 0
---
apiVersion: projectcalico.org/v3
kind: GlobalReport
metadata:
  name: daily-inventory
spec:
  reportType: inventory
  schedule: 30 2 * * *
  suspend: true
  endpoints:
    selector: app == 'web'
    namespaces:
      names: [db, shop]
`;
    const first = expectData(
      await ctx.gql<{
        applyGlobalReports: {
          name: string;
          action: string;
          definition: { revision: number; type: string; scope: { clusterSelector: string } };
        }[];
      }>(owner, APPLY, { i: { orgSlug: slug, yaml } }),
    );
    expect(
      first.applyGlobalReports.map((i) => [
        i.name,
        i.action,
        i.definition.revision,
        i.definition.type,
        i.definition.scope.clusterSelector,
      ]),
    ).toEqual([
      ['weekly-access', 'created', 1, 'NETWORK_ACCESS', "env == 'staging'"],
      // The cluster selector annotation is absent: the YAML says every cluster.
      ['daily-inventory', 'configured', 3, 'INVENTORY', ''],
    ]);
    const again = expectData(
      await ctx.gql<{ applyGlobalReports: { action: string }[] }>(owner, APPLY, {
        i: { orgSlug: slug, yaml },
      }),
    );
    expect(again.applyGlobalReports.map((i) => i.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('refuse bad input with the field, changing nothing', async () => {
    const before = await snapshot();
    const base = { orgSlug: slug, name: 'bad', type: 'INVENTORY', schedule: '0 0 * * *' };
    expectError(
      await ctx.gql(owner, CREATE, { i: { ...base, schedule: 'every day' } }),
      'VALIDATION_FAILED',
      ['input', 'schedule'],
    );
    expectError(
      await ctx.gql(owner, CREATE, { i: { ...base, schedule: '* * * * *' } }),
      'VALIDATION_FAILED',
      ['input', 'schedule'],
    );
    expectError(
      await ctx.gql(owner, CREATE, { i: { ...base, scope: { endpointSelector: "app == 'x" } } }),
      'VALIDATION_FAILED',
      ['input', 'scope', 'endpointSelector'],
    );
    expectError(
      await ctx.gql(owner, CREATE, { i: { ...base, scope: { clusterSelector: 'env ===' } } }),
      'VALIDATION_FAILED',
      ['input', 'scope', 'clusterSelector'],
    );
    expectError(await ctx.gql(owner, CREATE, { i: { ...base, name: 'Bad_Name' } }), 'VALIDATION_FAILED', [
      'input',
      'name',
    ]);
    expectError(await ctx.gql(owner, CREATE, { i: { ...base, name: 'daily-inventory' } }), 'CONFLICT', [
      'input',
      'name',
    ]);
    // An unknown type: GraphQL refuses the enum value; in YAML, the field is named.
    const r = await ctx.gql(owner, CREATE, { i: { ...base, type: 'CIS_BENCHMARK' } });
    expect(r.errors?.[0]?.message).toMatch(/CIS_BENCHMARK/);
    const badType =
      'apiVersion: projectcalico.org/v3\nkind: GlobalReport\nmetadata:\n  name: cis\nspec:\n  reportType: cis-benchmark\n  schedule: 0 0 * * *\n';
    expectError(await ctx.gql(owner, APPLY, { i: { orgSlug: slug, yaml: badType } }), 'VALIDATION_FAILED', [
      'input',
      'yaml',
      'documents',
      0,
      'spec',
      'reportType',
    ]);
    // One bad document among good ones: nothing applied.
    const mixed = `${badType.replace('cis-benchmark', 'inventory').replace('name: cis', 'name: good')}---\n${badType}`;
    expectError(await ctx.gql(owner, APPLY, { i: { orgSlug: slug, yaml: mixed } }), 'VALIDATION_FAILED', [
      'input',
      'yaml',
      'documents',
      1,
      'spec',
      'reportType',
    ]);
    expectError(
      await ctx.gql(owner, UPDATE, { i: { orgSlug: slug, name: 'missing', suspend: true } }),
      'NOT_FOUND',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('follow the permission map: owners and admins manage, everyone sees them', async () => {
    for (const role of ['editor', 'viewer', 'auditor'] as const) {
      const before = await snapshot();
      expectError(
        await ctx.gql(callers[role], CREATE, {
          i: { orgSlug: slug, name: `by-${role}`, type: 'INVENTORY', schedule: '0 0 * * *' },
        }),
        'FORBIDDEN',
      );
      expectError(
        await ctx.gql(callers[role], DELETE, { i: { orgSlug: slug, name: 'weekly-access' } }),
        'FORBIDDEN',
      );
      expect(await snapshot()).toEqual(before);
      const list = expectData(
        await ctx.gql<{
          organization: { reportDefinitions: { totalCount: number; edges: { node: { name: string } }[] } };
        }>(
          callers[role],
          'query($s: String!) { organization(slug: $s) { reportDefinitions(first: 10) { totalCount edges { node { name } } } } }',
          { s: slug },
        ),
      );
      expect(list.organization.reportDefinitions.edges.map((e) => e.node.name)).toEqual([
        'daily-inventory',
        'weekly-access',
      ]);
    }
  });

  it('are deleted with a final revision; the revisions outlive them', async () => {
    const d = expectData(
      await ctx.gql<{ deleteReportDefinition: { id: string } }>(callers.admin, DELETE, {
        i: { orgSlug: slug, name: 'weekly-access' },
      }),
    );
    expect(await count(ctx, 'report_definitions', 'id = $1', [d.deleteReportDefinition.id])).toBe(0);
    const revs = await ctx.sql<{ revision: number; change: string; spec: unknown }>(
      'SELECT revision, change, spec FROM report_definition_revisions WHERE definition_id = $1 ORDER BY revision',
      [d.deleteReportDefinition.id],
    );
    expect(revs.map((r) => [r.revision, r.change, r.spec === null])).toEqual([
      [1, 'created', false],
      [2, 'deleted', true],
    ]);
    const [audit] = await ctx.sql<{ action: string }>(
      'SELECT action FROM audit_events WHERE target_id = $1 ORDER BY seq DESC LIMIT 1',
      [d.deleteReportDefinition.id],
    );
    expect(audit?.action).toBe('report_definition.delete');
    await expect(ctx.sql('UPDATE report_definition_revisions SET name = $1', ['x'])).rejects.toThrow(
      /immutable/,
    );
    expectError(await ctx.gql(owner, GET, { s: slug, n: 'weekly-access' }), 'NOT_FOUND');
  });
});
