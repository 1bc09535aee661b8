// Policy management through the API (real Postgres, Redis and API): CRUD per kind, validation errors
// with the field path and YAML line, applyResources (created / configured / unchanged / error, all
// or nothing, dry run), export round-trips, tiers, reorder, promotion, revisions with diff and
// rollback, audit events written with the change (and none for a refused one), permissions.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { canonicalResource, validateResource, type PolicyResource } from '@palisade/policy';
import { TestContext, codeOf, type Caller, type GqlResult } from '../context.js';
import { count, expectData, expectError } from '../factories/members.js';

let ctx: TestContext;
let slug: string;
let orgId: string;
let owner: Caller;
let editor: Caller;
let viewer: Caller;

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug, orgId } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  editor = await ctx.tokenCaller(slug, 'editor');
  viewer = await ctx.tokenCaller(slug, 'viewer');
});
afterAll(async () => ctx?.close());

const FIELDS =
  'id kind namespace name tier clusterSelector revision builtIn object yaml driftMode effectiveDriftMode';

interface Resource {
  id: string;
  kind: string;
  namespace: string | null;
  name: string;
  tier: string | null;
  clusterSelector: string;
  revision: number;
  builtIn: boolean;
  object: Record<string, unknown> & { spec: Record<string, unknown>; metadata: Record<string, unknown> };
  yaml: string;
  driftMode: string | null;
  effectiveDriftMode: string;
}

const CREATE = `mutation($i: CreatePolicyResourceInput!) { createPolicyResource(input: $i) { ${FIELDS} } }`;
const UPDATE = `mutation($i: UpdatePolicyResourceInput!) { updatePolicyResource(input: $i) { ${FIELDS} } }`;
const DELETE = `mutation($i: DeletePolicyResourceInput!) { deletePolicyResource(input: $i) { ${FIELDS} } }`;
const GET = `query($s: String!, $k: PolicyResourceKind!, $ns: String, $n: String!) { organization(slug: $s) {
  policyResource(kind: $k, namespace: $ns, name: $n) { ${FIELDS} } } }`;
const APPLY = `mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { dryRun applied
  results { index line kind namespace name action errors { field message line column } resource { id revision } } } }`;
const EXPORT = 'query($s: String!, $f: PolicyResourceFilter) { exportResources(orgSlug: $s, filter: $f) }';

interface ApplyPayload {
  applyResources: {
    dryRun: boolean;
    applied: boolean;
    results: {
      index: number;
      line: number;
      kind: string | null;
      namespace: string | null;
      name: string | null;
      action: string;
      errors: { field: string; message: string; line: number | null; column: number | null }[];
      resource: { id: string; revision: number } | null;
    }[];
  };
}

const create = (caller: Caller, i: Record<string, unknown>) =>
  ctx.gql<{ createPolicyResource: Resource }>(caller, CREATE, { i: { orgSlug: slug, ...i } });
const get = (kind: string, name: string, namespace: string | null = null) =>
  ctx.gql<{ organization: { policyResource: Resource } }>(owner, GET, {
    s: slug,
    k: kind,
    ns: namespace,
    n: name,
  });
const apply = (yaml: string, dryRun = false, caller = owner) =>
  ctx.gql<ApplyPayload>(caller, APPLY, { i: { orgSlug: slug, yaml, dryRun } });

const tierYaml = (name: string, order = 100) => `apiVersion: projectcalico.org/v3
kind: Tier
metadata:
  name: ${name}
spec:
  order: ${order}
`;

const npYaml = (name: string, ns = 'prod', tier = 'default', extra = '') => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}${extra}
spec:
  tier: ${tier}
  selector: app == 'web'
  ingress:
    - action: Allow
      protocol: TCP
      destination:
        ports: [80]
`;

const snapshot = async () => ({
  resources: await count(ctx, 'policy_resources', 'org_id = $1', [orgId]),
  revisions: await count(ctx, 'policy_revisions', 'org_id = $1', [orgId]),
  audit: await count(ctx, 'audit_events', 'org_id = $1', [orgId]),
});

describe('built-in tiers', () => {
  it('every organisation starts with the built-in tiers, in order, in canonical form', async () => {
    const r = expectData(
      await ctx.gql<{
        organization: { tiers: { name: string; order: number; builtIn: boolean; policyCount: number }[] };
      }>(
        viewer,
        'query($s: String!) { organization(slug: $s) { tiers { name order defaultAction builtIn policyCount } } }',
        { s: slug },
      ),
    );
    expect(r.organization.tiers).toEqual([
      { name: 'kube-admin', order: 1000, defaultAction: 'Pass', builtIn: true, policyCount: 0 },
      { name: 'default', order: 1_000_000, defaultAction: 'Deny', builtIn: true, policyCount: 0 },
      { name: 'kube-baseline', order: 10_000_000, defaultAction: 'Pass', builtIn: true, policyCount: 0 },
    ]);
    // The migration's seed is exactly what the policy package makes of the same tier.
    const [row] = await ctx.sql<{ object: PolicyResource }>(
      "SELECT object FROM policy_resources WHERE org_id = $1 AND kind = 'Tier' AND name = 'default'",
      [orgId],
    );
    const expected = validateResource({
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'default' },
    });
    expect(canonicalResource(row!.object)).toEqual(canonicalResource(expected.resource!));
  });

  it('the default tier cannot be deleted or changed', async () => {
    const before = await snapshot();
    expectError(
      await ctx.gql(owner, DELETE, { i: { orgSlug: slug, kind: 'Tier', name: 'default' } }),
      'PRECONDITION_FAILED',
    );
    const r = await apply(
      `${tierYaml('default', 1_000_000)}  defaultAction: Deny\n---\n${tierYaml('extra', 5)}`,
    );
    // Identical to the stored default tier: unchanged, and the batch goes through.
    expect(r.data?.applyResources.results.map((x) => x.action)).toEqual(['UNCHANGED', 'CREATED']);
    const changed = await ctx.gql(owner, UPDATE, {
      i: {
        orgSlug: slug,
        yaml: 'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: default\n  labels:\n    a: b\n',
      },
    });
    expectError(changed, 'PRECONDITION_FAILED');
    const after = await snapshot();
    expect(after.resources).toBe(before.resources + 1);
  });
});

describe('CRUD per kind', () => {
  const docs: [string, string, string | null, string][] = [
    ['Tier', 'security', null, tierYaml('security', 10)],
    ['NetworkPolicy', 'np', 'prod', npYaml('np')],
    [
      'GlobalNetworkPolicy',
      'gnp',
      null,
      'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: gnp\nspec:\n  selector: all()\n  types: [Ingress]\n',
    ],
    [
      'StagedNetworkPolicy',
      'snp',
      'prod',
      'apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata:\n  name: snp\n  namespace: prod\nspec:\n  stagedAction: Set\n  selector: all()\n  ingress:\n    - action: Deny\n',
    ],
    [
      'StagedGlobalNetworkPolicy',
      'sgnp',
      null,
      'apiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\nmetadata:\n  name: sgnp\nspec:\n  stagedAction: Set\n  selector: all()\n  types: [Egress]\n',
    ],
    [
      'StagedKubernetesNetworkPolicy',
      'sknp',
      'prod',
      'apiVersion: projectcalico.org/v3\nkind: StagedKubernetesNetworkPolicy\nmetadata:\n  name: sknp\n  namespace: prod\nspec:\n  stagedAction: Set\n  podSelector: {}\n  policyTypes: [Ingress]\n',
    ],
    [
      'NetworkSet',
      'ns1',
      'prod',
      'apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata:\n  name: ns1\n  namespace: prod\nspec:\n  nets: [10.0.0.0/8]\n',
    ],
    [
      'GlobalNetworkSet',
      'gns',
      null,
      'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: gns\nspec:\n  nets: [192.168.0.0/16]\n',
    ],
    [
      'KubernetesNetworkPolicy',
      'knp',
      'prod',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: knp\n  namespace: prod\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n',
    ],
  ];

  it.each(docs)('%s: create, read, update, delete', async (kind, name, namespace, yaml) => {
    const created = expectData(await create(editor, { yaml })).createPolicyResource;
    expect(created).toMatchObject({
      kind,
      name,
      namespace,
      revision: 1,
      clusterSelector: '',
      builtIn: false,
    });
    const tiered = [
      'NetworkPolicy',
      'GlobalNetworkPolicy',
      'StagedNetworkPolicy',
      'StagedGlobalNetworkPolicy',
    ];
    expect(created.tier).toBe(tiered.includes(kind) ? 'default' : null);
    // Defaults are explicit in the stored object (e.g. a policy's tier and types).
    if (kind === 'GlobalNetworkPolicy')
      expect(created.object.spec).toMatchObject({ tier: 'default', types: ['Ingress'] });
    expect(expectData(await get(kind, name, namespace)).organization.policyResource.id).toBe(created.id);

    // Duplicate create is a conflict; update by identity with the object form (JSON) works.
    expect(codeOf(await create(editor, { yaml }))).toBe('CONFLICT');
    const object = { ...created.object, metadata: { ...created.object.metadata, labels: { team: 'blue' } } };
    const updated = expectData(
      await ctx.gql<{ updatePolicyResource: Resource }>(editor, UPDATE, {
        i: { orgSlug: slug, object, clusterSelector: "env == 'prod'" },
      }),
    ).updatePolicyResource;
    expect(updated).toMatchObject({ revision: 2, clusterSelector: 'env == "prod"' });
    expect((updated.object.metadata as { labels: Record<string, string> }).labels['team']).toBe('blue');
    // The selector lives in the annotation of the stored object.
    expect((updated.object.metadata as { annotations: Record<string, string> }).annotations).toEqual({
      'palisade.io/cluster-selector': 'env == "prod"',
    });

    const deleted = await ctx.gql<{ deletePolicyResource: Resource }>(editor, DELETE, {
      i: { orgSlug: slug, kind, namespace, name },
    });
    expect(expectData(deleted).deletePolicyResource.id).toBe(created.id);
    expect(codeOf(await get(kind, name, namespace))).toBe('NOT_FOUND');
    const revisions = await ctx.sql<{ revision: number; change: string; object: unknown }>(
      'SELECT revision, change, object FROM policy_revisions WHERE resource_id = $1 ORDER BY revision',
      [created.id],
    );
    expect(revisions.map((r) => [r.revision, r.change, r.object === null])).toEqual([
      [1, 'created', false],
      [2, 'configured', false],
      [3, 'deleted', true],
    ]);
  });

  it('lists with filters by kind, tier, namespace, name and targeted cluster, paginated', async () => {
    await apply(
      [
        tierYaml('platform', 50),
        npYaml('a', 'shop', 'platform'),
        npYaml('b', 'shop', 'platform', "\n  annotations:\n    palisade.io/cluster-selector: env == 'dev'"),
        npYaml('c', 'other', 'default'),
      ].join('---\n'),
    );
    await ctx.gql(
      owner,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      {
        i: { orgSlug: slug, name: 'list-prod', labels: [{ key: 'env', value: 'prod' }] },
      },
    );
    const LIST = `query($s: String!, $f: PolicyResourceFilter, $first: Int, $after: String) { organization(slug: $s) {
      policyResources(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { kind namespace name } } } } }`;
    type L = {
      organization: {
        policyResources: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: { node: { kind: string; namespace: string; name: string } }[];
        };
      };
    };
    const names = (r: GqlResult<L>) =>
      expectData(r).organization.policyResources.edges.map((e) => e.node.name);
    expect(names(await ctx.gql<L>(viewer, LIST, { s: slug, f: { tier: 'platform' } }))).toEqual(['a', 'b']);
    expect(names(await ctx.gql<L>(viewer, LIST, { s: slug, f: { namespace: 'other' } }))).toEqual(['c']);
    expect(
      names(await ctx.gql<L>(viewer, LIST, { s: slug, f: { kind: 'NetworkPolicy', name: 'b' } })),
    ).toEqual(['b']);
    // b targets dev clusters only.
    expect(
      names(await ctx.gql<L>(viewer, LIST, { s: slug, f: { kind: 'NetworkPolicy', cluster: 'list-prod' } })),
    ).toEqual(['c', 'a']);
    const page1 = expectData(
      await ctx.gql<L>(viewer, LIST, { s: slug, f: { kind: 'NetworkPolicy' }, first: 2 }),
    );
    expect(page1.organization.policyResources.pageInfo.hasNextPage).toBe(true);
    const page2 = expectData(
      await ctx.gql<L>(viewer, LIST, {
        s: slug,
        f: { kind: 'NetworkPolicy' },
        first: 2,
        after: page1.organization.policyResources.pageInfo.endCursor,
      }),
    );
    expect(page2.organization.policyResources.edges.length).toBeGreaterThan(0);
  });
});

describe('validation', () => {
  it('refuses an invalid document with VALIDATION_FAILED, the field path and the YAML line, storing nothing', async () => {
    const before = await snapshot();
    const yaml = npYaml('bad').replace('action: Allow', 'action: Allw');
    const r = await create(editor, { yaml });
    expectError(r, 'VALIDATION_FAILED', ['input', 'yaml', 'spec', 'ingress', 0, 'action']);
    const issue = (r.errors?.[0]?.extensions as { issues: { field: string; line: number; column: number }[] })
      .issues[0];
    expect(issue).toMatchObject({ field: 'spec.ingress[0].action', line: 10 });
    expect(r.errors?.[0]?.message).toContain('line 10');
    // The same from a JSON object: the path starts at input.object.
    const obj = await create(editor, {
      object: {
        apiVersion: 'projectcalico.org/v3',
        kind: 'GlobalNetworkSet',
        metadata: { name: 'x' },
        spec: { nets: ['300.0.0.0/8'] },
      },
    });
    expectError(obj, 'VALIDATION_FAILED', ['input', 'object', 'spec', 'nets', 0]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a bad cluster selector, a missing tier, and yaml with several documents', async () => {
    const before = await snapshot();
    expectError(
      await create(editor, { yaml: npYaml('sel'), clusterSelector: 'env ==' }),
      'VALIDATION_FAILED',
      ['input', 'clusterSelector'],
    );
    const annotated = npYaml(
      'sel',
      'prod',
      'default',
      "\n  annotations:\n    palisade.io/cluster-selector: 'env =='",
    );
    expectError(await create(editor, { yaml: annotated }), 'VALIDATION_FAILED', [
      'input',
      'yaml',
      'metadata',
      'annotations',
      'palisade.io/cluster-selector',
    ]);
    expectError(await create(editor, { yaml: npYaml('t', 'prod', 'nope') }), 'VALIDATION_FAILED', [
      'input',
      'yaml',
      'spec',
      'tier',
    ]);
    expectError(await create(editor, { yaml: `${npYaml('x1')}---\n${npYaml('x2')}` }), 'VALIDATION_FAILED');
    expectError(await create(editor, { yaml: npYaml('x3'), object: {} }), 'VALIDATION_FAILED', [
      'input',
      'yaml',
    ]);
    expect(await snapshot()).toEqual(before);
  });
});

describe('applyResources', () => {
  it('answers created / configured / unchanged per object, and export round-trips as unchanged', async () => {
    const first = expectData(
      await apply([tierYaml('apply-tier', 20), npYaml('web', 'apply', 'apply-tier')].join('---\n')),
    );
    expect(first.applyResources).toMatchObject({ applied: true, dryRun: false });
    expect(first.applyResources.results.map((r) => [r.kind, r.name, r.action, r.line])).toEqual([
      ['Tier', 'apply-tier', 'CREATED', 1],
      ['NetworkPolicy', 'web', 'CREATED', 8],
    ]);
    const second = expectData(
      await apply(
        [tierYaml('apply-tier', 20), npYaml('web', 'apply', 'apply-tier').replace('80', '8080')].join(
          '---\n',
        ),
      ),
    );
    expect(second.applyResources.results.map((r) => r.action)).toEqual(['UNCHANGED', 'CONFIGURED']);
    expect(second.applyResources.results[1]?.resource?.revision).toBe(2);

    const exported = expectData(
      await ctx.gql<{ exportResources: string }>(viewer, EXPORT, { s: slug }),
    ).exportResources;
    expect(exported).toContain('name: apply-tier');
    const before = await snapshot();
    const again = expectData(await apply(exported));
    expect(again.applyResources.applied).toBe(true);
    expect(new Set(again.applyResources.results.map((r) => r.action))).toEqual(new Set(['UNCHANGED']));
    expect(await snapshot()).toEqual(before);
    // Exporting is a fixed point.
    expect(
      expectData(await ctx.gql<{ exportResources: string }>(viewer, EXPORT, { s: slug })).exportResources,
    ).toBe(exported);
  });

  it('is all or nothing: one invalid document stores nothing and reports its line and field', async () => {
    const before = await snapshot();
    const yaml = [
      npYaml('ok-1', 'aon'),
      npYaml('bad-1', 'aon').replace('ports: [80]', 'ports: [99999]'),
      tierYaml('aon-tier'),
    ].join('---\n');
    const r = expectData(await apply(yaml));
    expect(r.applyResources.applied).toBe(false);
    const [ok, bad, tier] = r.applyResources.results;
    expect(ok).toMatchObject({ action: 'CREATED', name: 'ok-1', resource: null });
    expect(bad).toMatchObject({ action: 'ERROR', index: 1 });
    expect(bad?.errors[0]).toMatchObject({ field: 'spec.ingress[0].destination.ports[0]', line: 27 });
    expect(tier?.action).toBe('CREATED');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a policy in a tier that exists neither stored nor in the batch, and accepts one created in the batch', async () => {
    const before = await snapshot();
    const missing = expectData(await apply(npYaml('p', 'tiers', 'ghost')));
    expect(missing.applyResources.results[0]?.errors[0]).toMatchObject({ field: 'spec.tier', line: 1 });
    expect(await snapshot()).toEqual(before);
    const inBatch = expectData(await apply(`${npYaml('p', 'tiers', 'later')}---\n${tierYaml('later', 30)}`));
    expect(inBatch.applyResources.results.map((r) => r.action)).toEqual(['CREATED', 'CREATED']);
  });

  it('a dry run plans the same answers and stores nothing', async () => {
    const before = await snapshot();
    const r = expectData(
      await apply(`${tierYaml('dry-tier')}---\n${npYaml('dry', 'dry', 'dry-tier')}`, true),
    );
    expect(r.applyResources).toMatchObject({ dryRun: true, applied: false });
    expect(r.applyResources.results.map((x) => x.action)).toEqual(['CREATED', 'CREATED']);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses the same resource twice in one apply, naming both lines, and stores nothing', async () => {
    const before = await snapshot();
    const r = expectData(
      await apply([npYaml('dup', 'dups'), tierYaml('dup-tier'), npYaml('dup', 'dups')].join('---\n')),
    );
    expect(r.applyResources.applied).toBe(false);
    const third = r.applyResources.results[2];
    expect(third?.action).toBe('ERROR');
    expect(third?.errors[0]?.message).toContain(
      'NetworkPolicy/dups/dup is defined more than once (first at line 1)',
    );
    expect(await snapshot()).toEqual(before);
  });

  it(
    'applies 1,500 resources in one call: one revision and one chained audit event each',
    { timeout: 90_000 },
    async () => {
      const n = 1500;
      const yaml = Array.from({ length: n }, (_, i) => npYaml(`bulk-${i}`, 'bulk')).join('---\n');
      const before = await snapshot();
      const r = expectData(await apply(yaml));
      expect(r.applyResources.applied).toBe(true);
      expect(
        r.applyResources.results.filter((x) => x.action !== 'CREATED' || x.resource?.revision !== 1),
      ).toEqual([]);
      expect(await snapshot()).toEqual({
        resources: before.resources + n,
        revisions: before.revisions + n,
        audit: before.audit + n,
      });
      const chain = expectData(
        await ctx.gql<{ organization: { auditChain: { valid: boolean; checkedEvents: number } } }>(
          owner,
          'query($s: String!) { organization(slug: $s) { auditChain { valid checkedEvents } } }',
          { s: slug },
        ),
      ).organization.auditChain;
      expect(chain).toEqual({ valid: true, checkedEvents: before.audit + n });
      const again = expectData(await apply(yaml));
      expect(again.applyResources.results.every((x) => x.action === 'UNCHANGED')).toBe(true);
    },
  );

  it('a syntax error is reported with its line', async () => {
    const r = expectData(await apply('apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: [oops\n'));
    expect(r.applyResources.applied).toBe(false);
    expect(r.applyResources.results[0]?.action).toBe('ERROR');
    expect(r.applyResources.results[0]?.errors[0]?.line).toBeGreaterThan(0);
  });
});

describe('tiers', () => {
  it('a tier with policies cannot be deleted; an empty one can', async () => {
    await apply(`${tierYaml('busy', 40)}---\n${npYaml('in-busy', 'busy', 'busy')}`);
    const r = await ctx.gql(editor, DELETE, { i: { orgSlug: slug, kind: 'Tier', name: 'busy' } });
    expectError(r, 'PRECONDITION_FAILED');
    expect(r.errors?.[0]?.message).toContain('1 policy');
    expectData(
      await ctx.gql(editor, DELETE, {
        i: { orgSlug: slug, kind: 'NetworkPolicy', namespace: 'busy', name: 'in-busy' },
      }),
    );
    expectData(await ctx.gql(editor, DELETE, { i: { orgSlug: slug, kind: 'Tier', name: 'busy' } }));
  });

  it('reorders the policies of a tier, one revision per changed policy', async () => {
    await apply(
      [
        tierYaml('ordered', 60),
        npYaml('first', 'o', 'ordered'),
        npYaml('second', 'o', 'ordered'),
        npYaml('third', 'o', 'ordered'),
      ].join('---\n'),
    );
    const ref = (name: string) => ({ kind: 'NetworkPolicy', namespace: 'o', name });
    const REORDER = `mutation($i: ReorderTierPoliciesInput!) { reorderTierPolicies(input: $i) { name revision object } }`;
    const r = expectData(
      await ctx.gql<{
        reorderTierPolicies: { name: string; revision: number; object: { spec: { order: number } } }[];
      }>(editor, REORDER, {
        i: { orgSlug: slug, tier: 'ordered', order: [ref('third'), ref('first'), ref('second')] },
      }),
    );
    expect(r.reorderTierPolicies.map((p) => [p.name, p.object.spec.order, p.revision])).toEqual([
      ['third', 100, 2],
      ['first', 200, 2],
      ['second', 300, 2],
    ]);
    const changes = await ctx.sql<{ change: string }>(
      "SELECT change FROM policy_revisions WHERE org_id = $1 AND namespace = 'o' AND revision = 2",
      [orgId],
    );
    expect(changes.map((c) => c.change)).toEqual(['reordered', 'reordered', 'reordered']);
    // Same order again: nothing changes.
    const again = expectData(
      await ctx.gql<{ reorderTierPolicies: { revision: number }[] }>(editor, REORDER, {
        i: { orgSlug: slug, tier: 'ordered', order: [ref('third'), ref('first'), ref('second')] },
      }),
    );
    expect(again.reorderTierPolicies.map((p) => p.revision)).toEqual([2, 2, 2]);
    // Incomplete or foreign lists are refused with the path of the bad entry.
    expectError(
      await ctx.gql(editor, REORDER, {
        i: { orgSlug: slug, tier: 'ordered', order: [ref('first'), ref('second')] },
      }),
      'VALIDATION_FAILED',
      ['input', 'order'],
    );
    expectError(
      await ctx.gql(editor, REORDER, {
        i: {
          orgSlug: slug,
          tier: 'ordered',
          order: [ref('third'), ref('first'), ref('second'), ref('nope')],
        },
      }),
      'VALIDATION_FAILED',
      ['input', 'order', 3],
    );
  });
});

describe('promotion', () => {
  const PROMOTE = `mutation($i: PromoteStagedPolicyInput!) { promoteStagedPolicy(input: $i) { enforcedKind enforced { kind name revision object clusterSelector } } }`;

  it('Set: the staged policy becomes its enforced kind, keeping its cluster selector, and is removed', async () => {
    const staged = `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata:
  name: promo
  namespace: prod
  annotations:
    palisade.io/cluster-selector: env == 'prod'
spec:
  stagedAction: Set
  selector: app == 'db'
  ingress:
    - action: Deny
`;
    expectData(await create(editor, { yaml: staged }));
    const r = expectData(
      await ctx.gql<{
        promoteStagedPolicy: {
          enforcedKind: string;
          enforced: {
            kind: string;
            revision: number;
            clusterSelector: string;
            object: { spec: Record<string, unknown> };
          };
        };
      }>(editor, PROMOTE, {
        i: { orgSlug: slug, kind: 'StagedNetworkPolicy', namespace: 'prod', name: 'promo' },
      }),
    );
    expect(r.promoteStagedPolicy.enforced).toMatchObject({
      kind: 'NetworkPolicy',
      revision: 1,
      clusterSelector: 'env == "prod"',
    });
    expect(r.promoteStagedPolicy.enforced.object.spec).not.toHaveProperty('stagedAction');
    expect(r.promoteStagedPolicy.enforced.object.spec['selector']).toBe("app == 'db'");
    expect(codeOf(await get('StagedNetworkPolicy', 'promo', 'prod'))).toBe('NOT_FOUND');
    const [rev] = await ctx.sql<{ change: string }>(
      "SELECT change FROM policy_revisions WHERE org_id = $1 AND kind = 'NetworkPolicy' AND name = 'promo'",
      [orgId],
    );
    expect(rev?.change).toBe('promoted');
  });

  it('Delete: removes the enforced policy; a non-staged kind is refused', async () => {
    await apply(
      `${npYaml('doomed', 'prod')}---\napiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata:\n  name: doomed\n  namespace: prod\nspec:\n  stagedAction: Delete\n`,
    );
    const r = expectData(
      await ctx.gql<{ promoteStagedPolicy: { enforced: null; enforcedKind: string } }>(editor, PROMOTE, {
        i: { orgSlug: slug, kind: 'StagedNetworkPolicy', namespace: 'prod', name: 'doomed' },
      }),
    );
    expect(r.promoteStagedPolicy).toEqual({ enforced: null, enforcedKind: 'NetworkPolicy' });
    expect(codeOf(await get('NetworkPolicy', 'doomed', 'prod'))).toBe('NOT_FOUND');
    expectError(
      await ctx.gql(editor, PROMOTE, {
        i: { orgSlug: slug, kind: 'NetworkPolicy', namespace: 'prod', name: 'x' },
      }),
      'VALIDATION_FAILED',
      ['input', 'kind'],
    );
  });
});

describe('revisions, diff, rollback and audit', () => {
  it('keeps every revision, diffs any two, and rolls back as a new revision (also after deletion)', async () => {
    const v1 = expectData(await create(editor, { yaml: npYaml('hist', 'h') })).createPolicyResource;
    await ctx.gql(editor, UPDATE, {
      i: { orgSlug: slug, yaml: npYaml('hist', 'h').replace('[80]', '[443]') },
    });
    await ctx.gql(editor, UPDATE, {
      i: {
        orgSlug: slug,
        yaml: npYaml('hist', 'h').replace('[80]', '[8443]'),
        clusterSelector: 'tier == "gold"',
      },
    });

    const REVS = `query($s: String!) { organization(slug: $s) { policyResource(kind: NetworkPolicy, namespace: "h", name: "hist") {
      revision revisions(first: 10) { totalCount edges { node { revision change actor { type label } object yaml } } } } } }`;
    type Revs = {
      organization: {
        policyResource: {
          revision: number;
          revisions: {
            totalCount: number;
            edges: { node: { revision: number; change: string; actor: { type: string; label: string } } }[];
          };
        };
      };
    };
    const revs = expectData(await ctx.gql<Revs>(viewer, REVS, { s: slug })).organization.policyResource;
    expect(revs.revision).toBe(3);
    expect(revs.revisions.edges.map((e) => [e.node.revision, e.node.change])).toEqual([
      [3, 'CONFIGURED'],
      [2, 'CONFIGURED'],
      [1, 'CREATED'],
    ]);
    expect(revs.revisions.edges[0]?.node.actor).toEqual({ type: 'TOKEN', label: 'token:test-editor' });

    const DIFF = `query($s: String!, $r: PolicyResourceRefInput!, $from: Int!, $to: Int!) { organization(slug: $s) {
      policyRevisionDiff(resource: $r, from: $from, to: $to) { unified changes { path op before after } from { revision } to { revision } } } }`;
    type Diff = {
      organization: {
        policyRevisionDiff: {
          unified: string;
          changes: { path: string; op: string; before: unknown; after: unknown }[];
        };
      };
    };
    const ref = { kind: 'NetworkPolicy', namespace: 'h', name: 'hist' };
    const d = expectData(await ctx.gql<Diff>(viewer, DIFF, { s: slug, r: ref, from: 1, to: 3 })).organization
      .policyRevisionDiff;
    expect(d.changes).toEqual(
      expect.arrayContaining([
        { path: 'spec.ingress[0].destination.ports[0]', op: 'changed', before: 80, after: 8443 },
        {
          path: 'metadata.annotations',
          op: 'added',
          before: null,
          after: { 'palisade.io/cluster-selector': 'tier == "gold"' },
        },
      ]),
    );
    expect(d.unified).toMatch(/^--- NetworkPolicy\/h\/hist@1\n\+\+\+ NetworkPolicy\/h\/hist@3\n@@ /);
    expect(d.unified).toContain('-          - 80');
    expect(d.unified).toContain('+          - 8443');

    const ROLLBACK = `mutation($i: RollbackPolicyResourceInput!) { rollbackPolicyResource(input: $i) { id revision clusterSelector object } }`;
    type Rb = {
      rollbackPolicyResource: {
        id: string;
        revision: number;
        clusterSelector: string;
        object: Resource['object'];
      };
    };
    const rb = expectData(
      await ctx.gql<Rb>(editor, ROLLBACK, { i: { orgSlug: slug, ...ref, revision: 1 } }),
    ).rollbackPolicyResource;
    expect(rb).toMatchObject({ id: v1.id, revision: 4, clusterSelector: '' });
    expect(rb.object).toEqual(v1.object);
    const change = await ctx.sql<{ change: string }>(
      'SELECT change FROM policy_revisions WHERE resource_id = $1 AND revision = 4',
      [v1.id],
    );
    expect(change[0]?.change).toBe('rolled_back');

    // Deleted, then restored from its history under the same id.
    await ctx.gql(editor, DELETE, { i: { orgSlug: slug, ...ref } });
    const restored = expectData(
      await ctx.gql<Rb>(editor, ROLLBACK, { i: { orgSlug: slug, ...ref, revision: 3 } }),
    ).rollbackPolicyResource;
    expect(restored).toMatchObject({ id: v1.id, revision: 6, clusterSelector: 'tier == "gold"' });
    expectError(
      await ctx.gql(editor, ROLLBACK, { i: { orgSlug: slug, ...ref, revision: 5 } }),
      'VALIDATION_FAILED',
      ['input', 'revision'],
    );
    expectError(await ctx.gql(editor, ROLLBACK, { i: { orgSlug: slug, ...ref, revision: 99 } }), 'NOT_FOUND');
  });

  it('writes one audit event with the diff per change, in the same transaction; a refused change writes nothing', async () => {
    const created = expectData(await create(editor, { yaml: npYaml('audited', 'a') })).createPolicyResource;
    await ctx.gql(editor, UPDATE, {
      i: { orgSlug: slug, yaml: npYaml('audited', 'a').replace('[80]', '[81]') },
    });
    const events = await ctx.sql<{
      action: string;
      before: unknown;
      after: { revision: number; diff: unknown[]; object: unknown };
    }>('SELECT action, before, after FROM audit_events WHERE org_id = $1 AND target_id = $2 ORDER BY seq', [
      orgId,
      created.id,
    ]);
    expect(events.map((e) => e.action)).toEqual(['policy.create', 'policy.update']);
    expect(events[1]?.after.revision).toBe(2);
    expect(events[1]?.after.diff).toEqual([
      { path: 'spec.ingress[0].destination.ports[0]', op: 'changed', before: 80, after: 81 },
    ]);
    // Every revision has exactly one audit event.
    const [pair] = await ctx.sql<{ revisions: string; events: string }>(
      `SELECT (SELECT count(*) FROM policy_revisions WHERE resource_id = $1)::text AS revisions,
              (SELECT count(*) FROM audit_events WHERE target_id = $1::text)::text AS events`,
      [created.id],
    );
    expect(pair?.revisions).toBe(pair?.events);

    const before = await snapshot();
    expect(codeOf(await create(editor, { yaml: npYaml('audited', 'a') }))).toBe('CONFLICT');
    const refused = expectData(await apply(npYaml('audited', 'a').replace('Allow', 'Nope')));
    expect(refused.applyResources.applied).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it('revisions are immutable for the API role', async () => {
    const c = new (await import('pg')).default.Client({ connectionString: ctx.env.DATABASE_URL });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
      await expect(c.query("UPDATE policy_revisions SET change = 'created'")).rejects.toMatchObject({
        code: '42501',
      });
      await c.query('ROLLBACK');
      await c.query('BEGIN');
      await c.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
      await expect(c.query('DELETE FROM policy_revisions')).rejects.toMatchObject({ code: '42501' });
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }
  });
});

describe('drift mode', () => {
  it('is report by default; settable per resource and for the organisation', async () => {
    await create(editor, { yaml: npYaml('drifty', 'd') });
    const SET = `mutation($i: SetDriftModeInput!) { setDriftMode(input: $i) { defaultDriftMode resource { driftMode effectiveDriftMode } } }`;
    type S = {
      setDriftMode: {
        defaultDriftMode: string;
        resource: { driftMode: string | null; effectiveDriftMode: string } | null;
      };
    };
    const res = { kind: 'NetworkPolicy', namespace: 'd', name: 'drifty' };
    const a = expectData(
      await ctx.gql<S>(editor, SET, { i: { orgSlug: slug, resource: res, mode: 'REVERT' } }),
    );
    expect(a.setDriftMode).toEqual({
      defaultDriftMode: 'REPORT',
      resource: { driftMode: 'REVERT', effectiveDriftMode: 'REVERT' },
    });
    const b = expectData(await ctx.gql<S>(editor, SET, { i: { orgSlug: slug, mode: 'REVERT' } }));
    expect(b.setDriftMode.defaultDriftMode).toBe('REVERT');
    const c = expectData(await ctx.gql<S>(editor, SET, { i: { orgSlug: slug, resource: res, mode: null } }));
    expect(c.setDriftMode.resource).toEqual({ driftMode: null, effectiveDriftMode: 'REVERT' });
    expectError(await ctx.gql(editor, SET, { i: { orgSlug: slug } }), 'VALIDATION_FAILED', ['input', 'mode']);
    await ctx.gql(editor, SET, { i: { orgSlug: slug, mode: 'REPORT' } });
  });
});

describe('permissions', () => {
  it('a viewer reads but cannot write anything', async () => {
    const before = await snapshot();
    expectError(await create(viewer, { yaml: npYaml('v') }), 'FORBIDDEN');
    expectError(await apply(npYaml('v'), false, viewer), 'FORBIDDEN');
    expectError(await apply(npYaml('v'), true, viewer), 'FORBIDDEN');
    expectError(
      await ctx.gql(viewer, DELETE, { i: { orgSlug: slug, kind: 'Tier', name: 'security' } }),
      'FORBIDDEN',
    );
    expectError(
      await ctx.gql(
        viewer,
        'mutation($i: SetDriftModeInput!) { setDriftMode(input: $i) { defaultDriftMode } }',
        {
          i: { orgSlug: slug, mode: 'REVERT' },
        },
      ),
      'FORBIDDEN',
    );
    expect(await snapshot()).toEqual(before);
    expectData(await ctx.gql(viewer, EXPORT, { s: slug }));
  });
});
