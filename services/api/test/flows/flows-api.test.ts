// Flow history through GraphQL, over rows stored as the gateway stores them (flow-rows.ts): every
// filter dimension against @palisade/flows' in-memory matcher, sorts and cursor pagination,
// structured and rendered traces, filter hints, policy statistics and the service graph against
// hand-computed numbers, the cluster's ingestion status (one read per page), role access, bad
// input, the retention cut-off and setting, and the live subscription fed by the Redis event.
import { matchesFilter, type FlowFilter, type FlowRecord } from '@palisade/flows';
import { redisKeys } from '@palisade/protocol/routing';
import { waitFor } from '@palisade/testing';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { INGESTION_RATE_GRACE_SECONDS } from '../../src/modules/flows/ingestion-rate.js';
import { Database } from '../../src/platform/db/database.js';
import { TestContext, codeOf, type Caller, type GqlResult } from '../context.js';
import { expectData } from '../factories/members.js';
import { bucketAgo, record, storeFlows } from './flow-rows.js';

let ctx: TestContext;
let slug: string;
let orgId: string;
let owner: Caller & { secret: string };
let admin: Caller;
let editor: Caller;
let viewer: Caller & { secret: string };
let auditor: Caller;
const clusterIds: Record<string, string> = {};

const T = bucketAgo(10);
const DAY = 86_400;

// The data set. Counters default to 10/8 packets, 1000/800 bytes, 1 started, 1 completed.
const prod: Record<string, FlowRecord> = {
  r1: record({
    start_time: T,
    policies: {
      enforced: ['0|default|np:shop/allow-frontend|allow|0'],
      pending: ['0|security|sgnp:quarantine-shop|deny|0'],
    },
  }),
  r2: record({
    start_time: T,
    reporter: 'src',
    policies: { enforced: ['0|default|gnp:allow-egress|allow|2'], pending: [] },
    packets_in: 9,
    packets_out: 10,
    bytes_in: 900,
    bytes_out: 1000,
  }),
  r3: record({
    start_time: T + 15,
    reporter: 'src',
    action: 'deny',
    dest_type: 'net',
    dest_namespace: '-',
    dest_name: 'pub',
    dest_labels: [],
    dest_port: 443,
    policies: { enforced: ['0|security|gnp:block-egress|deny|1'], pending: [] },
    packets_in: 5,
    packets_out: 0,
    bytes_in: 500,
    bytes_out: 0,
  }),
  r4: record({
    start_time: T + 15,
    source_type: 'net',
    source_namespace: '-',
    source_name: 'pvt',
    source_labels: [],
    action: 'deny',
    proto: 'udp',
    dest_port: 9090,
    policies: { enforced: ['0|security|gnp:base|deny|-1'], pending: [] },
    packets_in: 3,
    packets_out: 0,
    bytes_in: 300,
    bytes_out: 0,
  }),
  r5: record({
    start_time: T + 30,
    source_namespace: 'payments',
    source_name: 'api-6c7d8f9-*',
    dest_port: 8080,
    dest_service_namespace: 'shop',
    dest_service_name: 'cart',
    dest_service_port_name: 'http',
    dest_service_port: 80,
    policies: {
      enforced: ['0|default|knp:shop/allow-payments|allow|0'],
      pending: ['0|security|snp:shop/lockdown|pass|0', '1|default|knp:shop/allow-payments|allow|0'],
    },
    packets_in: 20,
    packets_out: 20,
    bytes_in: 2000,
    bytes_out: 2000,
    num_flows_started: 4,
    num_flows_completed: 3,
  }),
  r6: record({
    start_time: T + 30,
    source_namespace: 'payments',
    source_name: 'api-6c7d8f9-*',
    reporter: 'src',
    dest_service_namespace: 'shop',
    dest_service_name: 'cart',
    dest_service_port_name: 'http',
    dest_service_port: 80,
    policies: { enforced: ['0|__PROFILE__|pro:kns.payments|allow|0'], pending: [] },
    packets_in: 21,
    packets_out: 19,
    bytes_in: 2100,
    bytes_out: 1900,
    num_flows_started: 4,
    num_flows_completed: 3,
  }),
  // Three days old: visible under the default 30-day retention, gone under 2 days.
  r7: record({ start_time: T - 3 * DAY }),
};
const staging: Record<string, FlowRecord> = {
  r8: record({
    start_time: T,
    source_namespace: 'web',
    source_name: 'nginx-5d8f-*',
    reporter: 'src',
    dest_type: 'hep',
    dest_namespace: '-',
    dest_name: 'node-1',
    dest_labels: [],
    proto: 'icmp',
    dest_port: 0,
    policies: { enforced: ['0|default|gnp:allow-icmp|allow|0'], pending: [] },
  }),
};

type Tagged = { tag: string; cluster: string; record: FlowRecord };
const all: Tagged[] = [
  ...Object.entries(prod).map(([tag, r]) => ({ tag, cluster: 'prod', record: r })),
  ...Object.entries(staging).map(([tag, r]) => ({ tag, cluster: 'staging', record: r })),
];

/** What identifies a record among the data set in an answer. */
const keyOf = (f: {
  cluster: string;
  startTime: number;
  sourceName: string;
  destName: string;
  reporter: string;
}) => `${f.cluster}|${f.startTime}|${f.sourceName}|${f.destName}|${f.reporter}`;
const tagByKey = new Map(
  all.map((t) => [
    keyOf({
      cluster: t.cluster,
      startTime: t.record.start_time,
      sourceName: t.record.source_name,
      destName: t.record.dest_name,
      reporter: t.record.reporter.toUpperCase(),
    }),
    t.tag,
  ]),
);

interface FlowNode {
  id: string;
  cluster: { name: string };
  startTime: string;
  sourceName: string;
  destName: string;
  sourceNamespace: string;
  destNamespace: string;
  sourceType: string;
  destType: string;
  reporter: string;
}

const FLOW_FIELDS =
  'id cluster { name } startTime sourceName destName sourceNamespace destNamespace sourceType destType reporter';

function tagOf(n: FlowNode): string {
  const tag = tagByKey.get(
    keyOf({
      cluster: n.cluster.name,
      startTime: new Date(n.startTime).getTime() / 1000,
      sourceName: n.sourceName,
      destName: n.destName,
      reporter: n.reporter,
    }),
  );
  if (!tag) throw new Error(`unknown flow in answer: ${JSON.stringify(n)}`);
  return tag;
}

interface FlowsPage {
  organization: {
    flows: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { cursor: string; node: FlowNode }[];
    };
  };
}

const FLOWS = `query($s: String!, $f: FlowFilter, $sort: FlowSort, $first: Int, $after: String) {
  organization(slug: $s) { flows(filter: $f, sort: $sort, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${FLOW_FIELDS} } } } } }`;

async function flowTags(caller: Caller, filter: Record<string, unknown>): Promise<string[]> {
  const r = expectData(await ctx.gql<FlowsPage>(caller, FLOWS, { s: slug, f: filter, first: 100 }));
  return r.organization.flows.edges.map((e) => tagOf(e.node)).sort();
}

const MATCH_TYPES: Record<string, 'Exact' | 'Fuzzy'> = { EXACT: 'Exact', FUZZY: 'Fuzzy' };
type GqlMatch = { value: string; type?: string };
const toMatches = (m?: GqlMatch[]) =>
  m?.map((x) => ({ value: x.value, type: MATCH_TYPES[x.type ?? 'EXACT']! }));
const KINDS: Record<string, string> = {
  CALICO_NETWORK_POLICY: 'np',
  GLOBAL_NETWORK_POLICY: 'gnp',
  STAGED_NETWORK_POLICY: 'snp',
  STAGED_GLOBAL_NETWORK_POLICY: 'sgnp',
  KUBERNETES_NETWORK_POLICY: 'knp',
  END_OF_TIER: 'eot',
};

/** The GraphQL filter in @palisade/flows' terms, for its reference matcher. */
function referenceFilter(f: Record<string, unknown>): FlowFilter {
  const out: FlowFilter = {};
  const set = <K extends keyof FlowFilter>(k: K, v: FlowFilter[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('source_names', toMatches(f['sourceNames'] as GqlMatch[] | undefined));
  set('dest_names', toMatches(f['destNames'] as GqlMatch[] | undefined));
  set('source_namespaces', toMatches(f['sourceNamespaces'] as GqlMatch[] | undefined));
  set('dest_namespaces', toMatches(f['destNamespaces'] as GqlMatch[] | undefined));
  set('protocols', toMatches(f['protocols'] as GqlMatch[] | undefined));
  set('dest_ports', f['destPorts'] as number[] | undefined);
  set(
    'actions',
    (f['actions'] as string[] | undefined)?.map((a) => a.toLowerCase() as 'allow'),
  );
  set(
    'pending_actions',
    (f['pendingActions'] as string[] | undefined)?.map((a) => a.toLowerCase() as 'allow'),
  );
  if (f['reporter']) out.reporter = (f['reporter'] as string).toLowerCase() as 'src';
  set(
    'policies',
    (f['policies'] as Record<string, string>[] | undefined)?.map((p) => {
      const m: NonNullable<FlowFilter['policies']>[number] = {};
      if (p['kind']) m.kind = KINDS[p['kind']] as 'np';
      if (p['tier']) m.tier = p['tier'];
      if (p['namespace']) m.namespace = p['namespace'];
      if (p['name']) m.name = p['name'];
      if (p['action']) m.action = p['action'].toLowerCase() as 'allow';
      return m;
    }),
  );
  return out;
}

beforeAll(async () => {
  ctx = await TestContext.start();
  const org = await ctx.newOrg();
  slug = org.slug;
  orgId = org.orgId;
  owner = await ctx.tokenCaller(slug, 'owner');
  admin = await ctx.tokenCaller(slug, 'admin');
  editor = await ctx.tokenCaller(slug, 'editor');
  viewer = await ctx.tokenCaller(slug, 'viewer');
  auditor = await ctx.tokenCaller(slug, 'auditor');
  for (const name of ['prod', 'staging', 'dev', 'idle']) {
    const r = expectData(
      await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
        owner,
        'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
        { i: { orgSlug: slug, name } },
      ),
    );
    clusterIds[name] = r.registerCluster.cluster.id;
  }
  await storeFlows(ctx, orgId, clusterIds['prod']!, Object.values(prod));
  await storeFlows(ctx, orgId, clusterIds['staging']!, Object.values(staging));

  // Another organisation's flow, identical to r1 but for its cluster: never in these answers.
  const other = await ctx.newOrg();
  const otherOwner = await ctx.tokenCaller(other.slug, 'owner');
  const oc = expectData(
    await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
      otherOwner,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      { i: { orgSlug: other.slug, name: 'prod' } },
    ),
  );
  await storeFlows(ctx, other.orgId, oc.registerCluster.cluster.id, [
    record({ start_time: T, source_name: 'intruder-*' }),
  ]);
});
afterAll(async () => ctx?.close());

describe('flows: the filter', () => {
  it('lists every retained flow of the organisation, and only its own', async () => {
    expect(await flowTags(viewer, {})).toEqual(all.map((t) => t.tag).sort());
  });

  const CASES: [string, Record<string, unknown>][] = [
    ['source name, exact', { sourceNames: [{ value: 'frontend-7d9c8b6f5-*' }] }],
    ['source name, fuzzy', { sourceNames: [{ value: 'front', type: 'FUZZY' }] }],
    ['dest name by the public-network alias', { destNames: [{ value: 'PUBLIC NETWORK' }] }],
    ['dest name, fuzzy, on the alias', { destNames: [{ value: 'PUBLIC', type: 'FUZZY' }] }],
    ['source name pvt, exact', { sourceNames: [{ value: 'pvt' }] }],
    ['dest namespace Global (not namespaced)', { destNamespaces: [{ value: 'Global' }] }],
    ['source namespace, fuzzy', { sourceNamespaces: [{ value: 'pay', type: 'FUZZY' }] }],
    ['dest namespace, exact, two values', { destNamespaces: [{ value: 'shop' }, { value: 'nowhere' }] }],
    ['protocol, exact', { protocols: [{ value: 'udp' }] }],
    ['protocol, fuzzy', { protocols: [{ value: 'icm', type: 'FUZZY' }] }],
    ['dest ports', { destPorts: [443, 53] }],
    ['actions', { actions: ['DENY'] }],
    ['pending verdict deny', { pendingActions: ['DENY'] }],
    ['pending verdict allow (the last pending hit, not any)', { pendingActions: ['ALLOW'] }],
    ['pending verdict pass (no flow ends on pass)', { pendingActions: ['PASS'] }],
    ['reporter', { reporter: 'SRC' }],
    ['policy by name: an end of tier through its trigger', { policies: [{ name: 'base' }] }],
    ['policy by kind and tier', { policies: [{ kind: 'GLOBAL_NETWORK_POLICY', tier: 'security' }] }],
    ['end of tier', { policies: [{ kind: 'END_OF_TIER' }] }],
    [
      'staged policy in the pending trace',
      { policies: [{ kind: 'STAGED_NETWORK_POLICY', name: 'lockdown' }] },
    ],
    ['policy action pass', { policies: [{ action: 'PASS' }] }],
    ['policy namespace and name', { policies: [{ namespace: 'shop', name: 'allow-payments' }] }],
    ['two policy matches, OR-ed', { policies: [{ name: 'quarantine-shop' }, { name: 'allow-icmp' }] }],
    ['fields AND-ed', { actions: ['ALLOW'], reporter: 'DST', destNames: [{ value: 'cart-5f6d7c8b9-*' }] }],
  ];

  it.each(CASES)('%s: the same flows as the in-memory matcher', async (_name, filter) => {
    const expected = all
      .filter((t) => matchesFilter(t.record, referenceFilter(filter)))
      .map((t) => t.tag)
      .sort();
    expect(await flowTags(viewer, filter)).toEqual(expected);
  });

  it('the cases are selective: each keeps some flows and drops others, except the empty one', () => {
    for (const [name, filter] of CASES) {
      const n = all.filter((t) => matchesFilter(t.record, referenceFilter(filter))).length;
      if (name.startsWith('pending verdict pass')) expect(n, name).toBe(0);
      else {
        expect(n, name).toBeGreaterThan(0);
        expect(n, name).toBeLessThan(all.length);
      }
    }
  });

  it('filters by cluster name (an unknown name matches nothing)', async () => {
    expect(await flowTags(viewer, { clusters: ['staging'] })).toEqual(['r8']);
    expect(await flowTags(viewer, { clusters: ['staging', 'prod'] })).toHaveLength(all.length);
    expect(await flowTags(viewer, { clusters: ['nope'] })).toEqual([]);
  });

  it('filters by a time window of bucket starts, from inclusive and to exclusive', async () => {
    const iso = (s: number) => new Date(s * 1000).toISOString();
    expect(await flowTags(viewer, { timeRange: { from: iso(T + 15), to: iso(T + 30) } })).toEqual([
      'r3',
      'r4',
    ]);
    expect(await flowTags(viewer, { timeRange: { to: iso(T) } })).toEqual(['r7']);
  });
});

describe('flows: sorts and cursor pagination', () => {
  const SORTS: [string, (n: FlowNode) => string | null][] = [
    ['TIME', () => null],
    ['SOURCE_NAME', (n) => n.sourceName],
    ['SOURCE_NAMESPACE', (n) => n.sourceNamespace],
    ['SOURCE_TYPE', (n) => n.sourceType],
    ['DEST_NAME', (n) => n.destName],
    ['DEST_NAMESPACE', (n) => n.destNamespace],
    ['DEST_TYPE', (n) => n.destType],
  ];

  it.each(SORTS)('%s: pages of 3 list every flow once, in order', async (sort, valueOf) => {
    const seen: FlowNode[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r: FlowsPage = expectData(
        await ctx.gql<FlowsPage>(auditor, FLOWS, { s: slug, sort, first: 3, after }),
      );
      const c = r.organization.flows;
      expect(c.totalCount).toBe(all.length);
      seen.push(...c.edges.map((e) => e.node));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen.map(tagOf).sort()).toEqual(all.map((t) => t.tag).sort());
    expect(new Set(seen.map((n) => n.id)).size).toBe(all.length);
    // Sort value ascending (byte order of these ASCII values agrees with any collation), then newest first.
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      const [va, vb] = [valueOf(a), valueOf(b)];
      if (va !== null && vb !== null && va !== vb) {
        expect(va.localeCompare(vb), `${va} before ${vb}`).toBeLessThan(0);
        continue;
      }
      expect(new Date(a.startTime).getTime()).toBeGreaterThanOrEqual(new Date(b.startTime).getTime());
    }
  });

  it('refuses a cursor of another sort, and one that is not a cursor', async () => {
    const first = expectData(await ctx.gql<FlowsPage>(viewer, FLOWS, { s: slug, first: 2 }));
    const timeCursor = first.organization.flows.pageInfo.endCursor;
    for (const [sort, after] of [
      ['SOURCE_NAME', timeCursor],
      ['TIME', 'not-a-cursor'],
      ['TIME', Buffer.from('{"v":null,"t":1,"c":"x","k":"zz"}').toString('base64url')],
      [
        'TIME',
        Buffer.from('{"v":null,"t":1,"c":"00000000-0000-0000-0000-000000000000","k":"abc"}').toString(
          'base64url',
        ),
      ],
      [
        'TIME',
        Buffer.from(
          '{"v":null,"t":9007199254740991,"c":"00000000-0000-0000-0000-000000000000","k":"ab"}',
        ).toString('base64url'),
      ],
    ] as const) {
      const r = await ctx.gql(viewer, FLOWS, { s: slug, sort, first: 2, after });
      expect(codeOf(r)).toBe('VALIDATION_FAILED');
      expect(r.errors?.[0]?.extensions?.field).toEqual(['after']);
    }
  });
});

describe('flows: cost of a page', () => {
  it('a page with each flow’s cluster is one pipelined read and one read of the clusters', async () => {
    const db = ctx.app.get(Database);
    const query = vi.spyOn(db, 'query');
    const read = vi.spyOn(db, 'read');
    try {
      for (const first of [2, 100]) {
        query.mockClear();
        read.mockClear();
        const r = expectData(
          await ctx.gql<{
            organization: { flows: { edges: { node: { cluster: { name: string; status: string } } }[] } };
          }>(
            viewer,
            'query($s: String!, $n: Int) { organization(slug: $s) { flows(first: $n) { totalCount edges { node { cluster { name status } } } } } }',
            { s: slug, n: first },
          ),
        );
        expect(r.organization.flows.edges.length).toBe(Math.min(first, all.length));
        // Access (the token's organisation comes with the token) reads nothing more.
        expect(query).toHaveBeenCalledTimes(1);
        // One round trip: the newest-first plan's settings (decision 0180), the page and its count.
        const statements = query.mock.calls[0]![1].map((q) =>
          q.text.trim().split(/\s+/).slice(0, 3).join(' '),
        );
        expect(statements).toEqual([
          'SET LOCAL jit',
          'SET LOCAL enable_sort',
          'SELECT f.cluster_id, f.start_time,',
          'SELECT count(*)::int AS',
        ]);
        expect(read).toHaveBeenCalledTimes(1);
      }
    } finally {
      query.mockRestore();
      read.mockRestore();
    }
  });
});

describe('flows: the count', () => {
  it('is exact up to 10,000 and a lower bound beyond', async () => {
    const big = await ctx.newOrg();
    const bigOwner = await ctx.tokenCaller(big.slug, 'owner');
    const c = expectData(
      await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
        bigOwner,
        'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
        { i: { orgSlug: big.slug, name: 'big' } },
      ),
    ).registerCluster.cluster.id;
    // 10,001 distinct flows: 41 buckets × 244 ports, plus one.
    const records = Array.from({ length: 10_001 }, (_, i) =>
      record({ start_time: T - 15 * (i % 41), dest_port: 1000 + Math.floor(i / 41) }),
    );
    await storeFlows(ctx, big.orgId, c, records);
    type C = { organization: { flows: { totalCount: number; totalCountExact: boolean } } };
    const count = async (f: Record<string, unknown>) =>
      expectData(
        await ctx.gql<C>(
          bigOwner,
          'query($s: String!, $f: FlowFilter) { organization(slug: $s) { flows(filter: $f, first: 1) { totalCount totalCountExact } } }',
          { s: big.slug, f },
        ),
      ).organization.flows;
    expect(await count({})).toEqual({ totalCount: 10_000, totalCountExact: false });
    expect(await count({ destPorts: [1000, 1001] })).toEqual({ totalCount: 82, totalCountExact: true });
  });
});

describe('flows: traces, structured and rendered', () => {
  const TRACES = `query($s: String!, $f: FlowFilter) { organization(slug: $s) { flows(filter: $f) { edges { node {
    action pendingAction destPort destServiceName destServicePort destServicePortName proto packetsIn bytesOut
    numFlowsStarted sourceLabels destLabels endTime startTime
    enforcedTrace pendingTrace
    enforcedPolicies { policyIndex tier kind namespace name action ruleIndex trigger { kind namespace name } trace }
    pendingPolicies { policyIndex tier kind namespace name action ruleIndex trigger { kind namespace name } trace } } } } } }`;

  it('renders each hit in the current format and structures it, an end of tier with its trigger', async () => {
    type R = { organization: { flows: { edges: { node: Record<string, unknown> }[] } } };
    const r4 = expectData(
      await ctx.gql<R>(viewer, TRACES, { s: slug, f: { sourceNames: [{ value: 'pvt' }] } }),
    ).organization.flows.edges[0]!.node;
    expect(r4).toMatchObject({
      action: 'DENY',
      pendingAction: null,
      proto: 'udp',
      destPort: 9090,
      enforcedTrace: ['0|security|gnp:base|deny|-1'],
      pendingTrace: [],
      enforcedPolicies: [
        {
          policyIndex: 0,
          tier: 'security',
          kind: 'END_OF_TIER',
          namespace: null,
          name: 'base',
          action: 'DENY',
          ruleIndex: -1,
          trigger: { kind: 'GLOBAL_NETWORK_POLICY', namespace: null, name: 'base' },
          trace: '0|security|gnp:base|deny|-1',
        },
      ],
    });
    expect(new Date(r4['endTime'] as string).getTime() - new Date(r4['startTime'] as string).getTime()).toBe(
      15_000,
    );

    const r5 = expectData(
      await ctx.gql<R>(viewer, TRACES, {
        s: slug,
        f: { sourceNamespaces: [{ value: 'payments' }], reporter: 'DST' },
      }),
    ).organization.flows.edges[0]!.node;
    expect(r5).toMatchObject({
      action: 'ALLOW',
      pendingAction: 'ALLOW',
      destServiceName: 'cart',
      destServicePort: 80,
      destServicePortName: 'http',
      packetsIn: 20,
      bytesOut: 2000,
      numFlowsStarted: 4,
      sourceLabels: ['app=frontend'],
      enforcedTrace: ['0|default|knp:shop/allow-payments|allow|0'],
      pendingTrace: ['0|security|snp:shop/lockdown|pass|0', '1|default|knp:shop/allow-payments|allow|0'],
      pendingPolicies: [
        {
          policyIndex: 0,
          tier: 'security',
          kind: 'STAGED_NETWORK_POLICY',
          namespace: 'shop',
          name: 'lockdown',
          action: 'PASS',
          ruleIndex: 0,
          trigger: null,
        },
        {
          policyIndex: 1,
          tier: 'default',
          kind: 'KUBERNETES_NETWORK_POLICY',
          namespace: 'shop',
          name: 'allow-payments',
          action: 'ALLOW',
          ruleIndex: 0,
          trigger: null,
        },
      ],
    });

    const r8 = expectData(await ctx.gql<R>(viewer, TRACES, { s: slug, f: { clusters: ['staging'] } }))
      .organization.flows.edges[0]!.node;
    // ICMP has no port; no Service was addressed.
    expect(r8).toMatchObject({ proto: 'icmp', destPort: null, destServiceName: '-', destServicePort: null });
  });
});

describe('flowFilterHints', () => {
  type H = {
    organization: {
      flowFilterHints: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { node: { value: string } }[];
      };
    };
  };
  const HINTS = `query($s: String!, $t: FlowFilterHintType!, $f: FlowFilter, $first: Int, $after: String) {
    organization(slug: $s) { flowFilterHints(type: $t, filter: $f, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { value } } } } }`;

  async function hints(type: string, filter: Record<string, unknown> = {}): Promise<string[]> {
    const out: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const r: H = expectData(
        await ctx.gql<H>(viewer, HINTS, { s: slug, t: type, f: filter, first: 3, after }),
      );
      out.push(...r.organization.flowFilterHints.edges.map((e) => e.node.value));
      if (!r.organization.flowFilterHints.pageInfo.hasNextPage) {
        expect(r.organization.flowFilterHints.totalCount).toBe(out.length);
        return out;
      }
      after = r.organization.flowFilterHints.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }

  it('lists the distinct values of a field, A to Z, paginated, under the filter', async () => {
    expect(await hints('DEST_NAME')).toEqual(['cart-5f6d7c8b9-*', 'node-1', 'pub']);
    expect(await hints('DEST_NAME', { actions: ['DENY'] })).toEqual(['cart-5f6d7c8b9-*', 'pub']);
    expect(await hints('SOURCE_NAMESPACE')).toEqual(['-', 'payments', 'shop', 'web']);
  });

  it('lists the policies of both traces, an end of tier as its trigger, profiles left out', async () => {
    expect(await hints('POLICY_NAME')).toEqual([
      'allow-egress',
      'allow-frontend',
      'allow-icmp',
      'allow-payments',
      'base',
      'block-egress',
      'lockdown',
      'quarantine-shop',
    ]);
    expect(await hints('POLICY_TIER')).toEqual(['default', 'security']);
    expect(await hints('POLICY_KIND')).toEqual(['gnp', 'knp', 'np', 'sgnp', 'snp']);
    expect(await hints('POLICY_NAMESPACE')).toEqual(['shop']);
    expect(await hints('POLICY_NAME', { clusters: ['staging'] })).toEqual(['allow-icmp']);
    // With a filter on the flows themselves, read from the flows (not the rollup).
    expect(await hints('POLICY_NAME', { actions: ['DENY'] })).toEqual(['base', 'block-egress']);
    expect(await hints('POLICY_KIND', { actions: ['DENY'] })).toEqual(['gnp']);
  });
});

describe('policyStatistics', () => {
  type Counters = {
    packetsIn: number;
    packetsOut: number;
    bytesIn: number;
    bytesOut: number;
    connectionsStarted: number;
    connectionsCompleted: number;
  };
  type Row = {
    kind: string;
    tier: string;
    namespace: string | null;
    name: string;
    ruleIndex: number | null;
    allowed: Counters;
    denied: Counters;
    passed: Counters;
  };
  const C = 'packetsIn packetsOut bytesIn bytesOut connectionsStarted connectionsCompleted';
  const STATS = `query($s: String!, $r: TimeRange, $c: [String!], $p: [PolicyMatch!], $g: PolicyStatisticsGroup, $first: Int, $after: String) {
    organization(slug: $s) { policyStatistics(timeRange: $r, clusters: $c, policies: $p, groupBy: $g, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { kind tier namespace name ruleIndex allowed { ${C} } denied { ${C} } passed { ${C} } } } } } }`;
  const none: Counters = {
    packetsIn: 0,
    packetsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    connectionsStarted: 0,
    connectionsCompleted: 0,
  };
  const c = (pi: number, po: number, bi: number, bo: number, s = 1, d = 1): Counters => ({
    packetsIn: pi,
    packetsOut: po,
    bytesIn: bi,
    bytesOut: bo,
    connectionsStarted: s,
    connectionsCompleted: d,
  });
  const recent = { from: new Date((T - 60) * 1000).toISOString() };

  async function stats(vars: Record<string, unknown>): Promise<Row[]> {
    const out: Row[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      type S = {
        organization: {
          policyStatistics: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            edges: { node: Row }[];
          };
        };
      };
      const r: S = expectData(await ctx.gql<S>(auditor, STATS, { s: slug, first: 4, after, ...vars }));
      out.push(...r.organization.policyStatistics.edges.map((e) => e.node));
      if (!r.organization.policyStatistics.pageInfo.hasNextPage) {
        expect(r.organization.policyStatistics.totalCount).toBe(out.length);
        return out;
      }
      after = r.organization.policyStatistics.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }
  const byName = (rows: Row[]) =>
    Object.fromEntries(rows.map((r) => [`${r.kind}:${r.name}:${r.ruleIndex ?? '*'}`, r]));

  it('counts enforced hits of every policy and pending hits of staged ones, per policy', async () => {
    const rows = byName(await stats({ r: recent }));
    expect(Object.keys(rows).sort()).toEqual(
      [
        'PROFILE:kns.payments:*',
        'GLOBAL_NETWORK_POLICY:allow-egress:*',
        'GLOBAL_NETWORK_POLICY:allow-icmp:*',
        'KUBERNETES_NETWORK_POLICY:allow-payments:*',
        'CALICO_NETWORK_POLICY:allow-frontend:*',
        'GLOBAL_NETWORK_POLICY:base:*',
        'GLOBAL_NETWORK_POLICY:block-egress:*',
        'STAGED_GLOBAL_NETWORK_POLICY:quarantine-shop:*',
        'STAGED_NETWORK_POLICY:lockdown:*',
      ].sort(),
    );
    expect(rows['CALICO_NETWORK_POLICY:allow-frontend:*']).toMatchObject({
      tier: 'default',
      namespace: 'shop',
      allowed: c(10, 8, 1000, 800),
      denied: none,
      passed: none,
    });
    // Enforced only: allow-payments' hit in r5's pending trace is not counted a second time.
    expect(rows['KUBERNETES_NETWORK_POLICY:allow-payments:*']!.allowed).toEqual(c(20, 20, 2000, 2000, 4, 3));
    expect(rows['GLOBAL_NETWORK_POLICY:block-egress:*']).toMatchObject({
      namespace: null,
      allowed: none,
      denied: c(5, 0, 500, 0),
    });
    // The end of tier in r4 counts for the policy that triggered it.
    expect(rows['GLOBAL_NETWORK_POLICY:base:*']!.denied).toEqual(c(3, 0, 300, 0));
    expect(rows['STAGED_GLOBAL_NETWORK_POLICY:quarantine-shop:*']!.denied).toEqual(c(10, 8, 1000, 800));
    expect(rows['STAGED_NETWORK_POLICY:lockdown:*']!.passed).toEqual(c(20, 20, 2000, 2000, 4, 3));
  });

  it('groups by rule, and filters by cluster and by policy', async () => {
    const rows = await stats({ r: recent, g: 'RULE', p: [{ tier: 'security' }] });
    expect(rows.map((r) => `${r.name}#${r.ruleIndex}`).sort()).toEqual([
      'base#-1',
      'block-egress#1',
      'lockdown#0',
      'quarantine-shop#0',
    ]);
    expect(await stats({ r: recent, c: ['staging'] })).toMatchObject([
      { name: 'allow-icmp', allowed: c(10, 8, 1000, 800) },
    ]);
    // The window: r7, three days old, adds its traffic to allow-frontend.
    const everything = byName(await stats({ p: [{ name: 'allow-frontend' }] }));
    expect(everything['CALICO_NETWORK_POLICY:allow-frontend:*']!.allowed).toEqual(
      c(20, 16, 2000, 1600, 2, 2),
    );
  });
});

describe('serviceGraph', () => {
  type Node = {
    id: string;
    type: string;
    name: string;
    namespace: string | null;
    cluster: string;
    parentId: string | null;
  };
  type Edge = {
    sourceId: string;
    destId: string;
    allowed: Record<string, number>;
    deniedAtSource: Record<string, number>;
    deniedAtDest: Record<string, number>;
  };
  const C = 'packetsIn packetsOut bytesIn bytesOut connectionsStarted connectionsCompleted';
  const GRAPH = `query($s: String!, $r: TimeRange, $c: [String!], $n: [String!]) { organization(slug: $s) {
    serviceGraph(timeRange: $r, clusters: $c, namespaces: $n) { truncated from to
      nodes { id type name namespace cluster parentId }
      edges { sourceId destId allowed { ${C} } deniedAtSource { ${C} } deniedAtDest { ${C} } } } } }`;
  const window = { from: new Date((T - 60) * 1000).toISOString() };
  const zero = {
    packetsIn: 0,
    packetsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    connectionsStarted: 0,
    connectionsCompleted: 0,
  };
  const c = (pi: number, po: number, bi: number, bo: number, s = 1, d = 1) => ({
    packetsIn: pi,
    packetsOut: po,
    bytesIn: bi,
    bytesOut: bo,
    connectionsStarted: s,
    connectionsCompleted: d,
  });

  async function graph(vars: Record<string, unknown>) {
    type G = { organization: { serviceGraph: { truncated: boolean; nodes: Node[]; edges: Edge[] } } };
    const g = expectData(await ctx.gql<G>(viewer, GRAPH, { s: slug, r: window, ...vars })).organization
      .serviceGraph;
    const label = new Map(
      g.nodes.map((n) => [n.id, `${n.cluster}:${n.type}:${n.namespace ?? '-'}/${n.name}`]),
    );
    const edges = Object.fromEntries(
      g.edges.map((e) => [`${label.get(e.sourceId)} -> ${label.get(e.destId)}`, e]),
    );
    return { ...g, labels: [...label.values()].sort(), edges };
  }

  it('has a node per namespace, workload, service, network and host, and an edge per hop', async () => {
    const g = await graph({});
    expect(g.truncated).toBe(false);
    expect(g.labels).toEqual(
      [
        'prod:NAMESPACE:shop/shop',
        'prod:NAMESPACE:payments/payments',
        'prod:WORKLOAD:shop/frontend-7d9c8b6f5-*',
        'prod:WORKLOAD:shop/cart-5f6d7c8b9-*',
        'prod:WORKLOAD:payments/api-6c7d8f9-*',
        'prod:SERVICE:shop/cart',
        'prod:NETWORK:-/pub',
        'prod:NETWORK:-/pvt',
        'staging:NAMESPACE:web/web',
        'staging:WORKLOAD:web/nginx-5d8f-*',
        'staging:HOST:-/node-1',
      ].sort(),
    );
    expect(Object.keys(g.edges).sort()).toEqual(
      [
        'prod:WORKLOAD:shop/frontend-7d9c8b6f5-* -> prod:WORKLOAD:shop/cart-5f6d7c8b9-*',
        'prod:WORKLOAD:shop/frontend-7d9c8b6f5-* -> prod:NETWORK:-/pub',
        'prod:NETWORK:-/pvt -> prod:WORKLOAD:shop/cart-5f6d7c8b9-*',
        'prod:WORKLOAD:payments/api-6c7d8f9-* -> prod:SERVICE:shop/cart',
        'prod:SERVICE:shop/cart -> prod:WORKLOAD:shop/cart-5f6d7c8b9-*',
        'staging:WORKLOAD:web/nginx-5d8f-* -> staging:HOST:-/node-1',
      ].sort(),
    );
  });

  it('counts allowed traffic once (the destination’s report), denials where they happened', async () => {
    const { edges } = await graph({});
    // r1 (dst) and r2 (src) are the same traffic seen from both ends: r1 counts.
    expect(
      edges['prod:WORKLOAD:shop/frontend-7d9c8b6f5-* -> prod:WORKLOAD:shop/cart-5f6d7c8b9-*'],
    ).toMatchObject({
      allowed: c(10, 8, 1000, 800),
      deniedAtSource: zero,
      deniedAtDest: zero,
    });
    expect(edges['prod:WORKLOAD:shop/frontend-7d9c8b6f5-* -> prod:NETWORK:-/pub']).toMatchObject({
      allowed: zero,
      deniedAtSource: c(5, 0, 500, 0),
      deniedAtDest: zero,
    });
    expect(edges['prod:NETWORK:-/pvt -> prod:WORKLOAD:shop/cart-5f6d7c8b9-*']).toMatchObject({
      allowed: zero,
      deniedAtSource: zero,
      deniedAtDest: c(3, 0, 300, 0),
    });
    // Through the Service: both hops carry r5 (not r6, the source's report of the same traffic).
    for (const hop of [
      'prod:WORKLOAD:payments/api-6c7d8f9-* -> prod:SERVICE:shop/cart',
      'prod:SERVICE:shop/cart -> prod:WORKLOAD:shop/cart-5f6d7c8b9-*',
    ])
      expect(edges[hop]!.allowed, hop).toEqual(c(20, 20, 2000, 2000, 4, 3));
    // A host that reports nothing: the source's report is all there is.
    expect(edges['staging:WORKLOAD:web/nginx-5d8f-* -> staging:HOST:-/node-1']!.allowed).toEqual(
      c(10, 8, 1000, 800),
    );
  });

  it('narrows to namespaces and clusters, and to the window', async () => {
    const g = await graph({ n: ['payments'] });
    expect(Object.keys(g.edges)).toHaveLength(2);
    expect(g.labels).toEqual(
      [
        'prod:NAMESPACE:payments/payments',
        'prod:NAMESPACE:shop/shop',
        'prod:SERVICE:shop/cart',
        'prod:WORKLOAD:payments/api-6c7d8f9-*',
        'prod:WORKLOAD:shop/cart-5f6d7c8b9-*',
      ].sort(),
    );
    expect(Object.keys((await graph({ c: ['staging'] })).edges)).toHaveLength(1);
    const old = await graph({
      r: {
        from: new Date((T - 3 * DAY - 60) * 1000).toISOString(),
        to: new Date((T - 60) * 1000).toISOString(),
      },
    });
    expect(
      old.edges['prod:WORKLOAD:shop/frontend-7d9c8b6f5-* -> prod:WORKLOAD:shop/cart-5f6d7c8b9-*']!.allowed,
    ).toEqual(c(10, 8, 1000, 800));
    expect(Object.keys(old.edges)).toHaveLength(1);
  });
});

describe('Cluster.flowIngestion', () => {
  it('shows each cluster’s ingestion, read once for a whole page of clusters', async () => {
    // dev: a batch whose three records were all refused, from an agent that had to drop seven.
    const before = Date.now();
    await storeFlows(ctx, orgId, clusterIds['dev']!, [], {
      rejected: { 'records[0].dest_port: out of range': 1, 'records[1].policies.enforced[0]: bad hit': 2 },
      droppedTotal: 7,
    });
    const after = Date.now();
    const db = ctx.app.get(Database);
    const spy = vi.spyOn(db, 'query');
    try {
      type R = {
        organization: {
          clusters: { edges: { node: { name: string; flowIngestion: Record<string, unknown> } }[] };
        };
      };
      const r = expectData(
        await ctx.gql<R>(
          viewer,
          `query($s: String!) { organization(slug: $s) { clusters(first: 10) { edges { node { name
            flowIngestion { lastBatchAt recordsPerSecond recordsAccepted recordsRejected droppedTotal rejected { reason count } } } } } } }`,
          { s: slug },
        ),
      );
      const byName = Object.fromEntries(
        r.organization.clusters.edges.map((e) => [e.node.name, e.node.flowIngestion]),
      );
      // prod and staging: one batch each in beforeAll, every record accepted.
      expect(byName['prod']).toMatchObject({
        recordsAccepted: Object.keys(prod).length,
        recordsRejected: 0,
        droppedTotal: 0,
        rejected: [],
      });
      expect(byName['staging']).toMatchObject({ recordsAccepted: 1, recordsRejected: 0 });
      expect(byName['dev']).toMatchObject({
        recordsAccepted: 0,
        recordsRejected: 3,
        droppedTotal: 7,
        rejected: [
          { reason: 'records[1].policies.enforced[0]: bad hit', count: 2 },
          { reason: 'records[0].dest_port: out of range', count: 1 },
        ],
      });
      const lastBatchAt = new Date(byName['dev']!['lastBatchAt'] as string).getTime();
      expect(lastBatchAt).toBeGreaterThanOrEqual(before - 1000);
      expect(lastBatchAt).toBeLessThanOrEqual(after + 1000);
      expect(byName['dev']!['recordsPerSecond']).toBe(0);
      expect(byName['idle']).toEqual({
        lastBatchAt: null,
        recordsPerSecond: 0,
        recordsAccepted: 0,
        recordsRejected: 0,
        droppedTotal: 0,
        rejected: [],
      });
      expect(Object.keys(byName)).toHaveLength(4);
      const reads = spy.mock.calls.filter(([, qs]) => qs.some((q) => q.text.includes('cluster_flow_status')));
      expect(reads).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('Cluster.flowIngestion: the rate as of now', () => {
  it('decays to 0 while a cluster sends nothing, and is the stored rate while it sends', async () => {
    const set = (name: string, rate: number, secondsAgo: number) =>
      ctx.sql(
        `UPDATE cluster_flow_status SET records_per_second = $2,
                last_batch_at = now() - make_interval(secs => $3) WHERE cluster_id = $1`,
        [clusterIds[name], rate, secondsAgo],
      );
    const [saved] = await ctx.sql<{ rows: unknown }>(
      `SELECT json_agg(json_build_array(cluster_id, records_per_second, last_batch_at)) AS rows
         FROM cluster_flow_status WHERE cluster_id = ANY($1::uuid[])`,
      [[clusterIds['prod'], clusterIds['staging'], clusterIds['dev']]],
    );
    try {
      await set('prod', 40, 5); // live: a batch 5 s ago
      await set('staging', 40, INGESTION_RATE_GRACE_SECONDS + 60); // one time constant past the grace
      await set('dev', 40, 15 * 60); // silent for a quarter of an hour
      type R = {
        organization: {
          clusters: { edges: { node: { name: string; flowIngestion: { recordsPerSecond: number } } }[] };
        };
      };
      const r = expectData(
        await ctx.gql<R>(
          viewer,
          `query($s: String!) { organization(slug: $s) { clusters(first: 10) { edges { node { name
            flowIngestion { recordsPerSecond } } } } } }`,
          { s: slug },
        ),
      );
      const rate = Object.fromEntries(
        r.organization.clusters.edges.map((e) => [e.node.name, e.node.flowIngestion.recordsPerSecond]),
      );
      expect(rate['prod']).toBe(40);
      // 40/e, less the few seconds between the update and the read.
      expect(rate['staging']).toBeGreaterThan((40 / Math.E) * 0.9);
      expect(rate['staging']).toBeLessThan(40 / Math.E + 0.1);
      expect(rate['dev']).toBe(0);
    } finally {
      await ctx.sql(
        `UPDATE cluster_flow_status s SET records_per_second = (x->>1)::float8, last_batch_at = (x->>2)::timestamptz
           FROM json_array_elements($1::json) x WHERE s.cluster_id = (x->>0)::uuid`,
        [JSON.stringify(saved?.rows ?? [])],
      );
    }
  });
});

describe('bad input', () => {
  it('names the argument that is wrong', async () => {
    const cases: [string, Record<string, unknown>, (string | number)[]][] = [
      [FLOWS, { s: slug, first: 101 }, ['first']],
      [FLOWS, { s: slug, first: 0 }, ['first']],
      [
        FLOWS,
        {
          s: slug,
          f: {
            timeRange: {
              from: new Date(T * 1000).toISOString(),
              to: new Date((T - 15) * 1000).toISOString(),
            },
          },
        },
        ['filter', 'timeRange', 'to'],
      ],
      [FLOWS, { s: slug, f: { destPorts: [70000] } }, ['filter', 'destPorts', 0]],
      [FLOWS, { s: slug, f: { sourceNames: [{ value: '' }] } }, ['filter', 'sourceNames', 0, 'value']],
      [
        'query($s: String!, $r: TimeRange) { organization(slug: $s) { policyStatistics(timeRange: $r) { totalCount } } }',
        { s: slug, r: { from: new Date(T * 1000).toISOString(), to: new Date(T * 1000).toISOString() } },
        ['timeRange', 'to'],
      ],
      [
        'query($s: String!, $r: TimeRange) { organization(slug: $s) { serviceGraph(timeRange: $r) { truncated } } }',
        {
          s: slug,
          r: { from: new Date(T * 1000).toISOString(), to: new Date((T - 1) * 1000).toISOString() },
        },
        ['timeRange', 'to'],
      ],
      [
        'query($s: String!) { organization(slug: $s) { flowFilterHints(type: DEST_NAME, first: 500) { totalCount } } }',
        { s: slug },
        ['first'],
      ],
    ];
    for (const [query, variables, field] of cases) {
      const r = await ctx.gql(viewer, query, variables);
      expect(codeOf(r), JSON.stringify(r)).toBe('VALIDATION_FAILED');
      expect(r.errors?.[0]?.extensions?.field).toEqual(field);
    }
  });
});

describe('flowsLive', () => {
  it('sends the new buckets that match the filter, re-read after the gateway’s event', async () => {
    const redis = new Redis('redis://127.0.0.1:6379');
    const channel = redisKeys(ctx.env.REDIS_PREFIX).flowEvents;
    const client = createClient({
      url: `${ctx.origin.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${viewer.secret}` },
      retryAttempts: 0,
    });
    const received: GqlResult[] = [];
    const dispose = client.subscribe(
      {
        query: `subscription($s: String!, $f: FlowFilter) { flowsLive(orgSlug: $s, filter: $f) {
          truncated cluster { name } flows { destName enforcedTrace reporter } } }`,
        variables: { s: slug, f: { destNames: [{ value: 'live-', type: 'FUZZY' }] } },
      },
      {
        next: (v) =>
          received.push({
            status: 101,
            data: v.data ?? null,
            ...(v.errors ? { errors: v.errors as NonNullable<GqlResult['errors']> } : {}),
          }),
        error: (e) => received.push({ status: 0, data: null, errors: [{ message: String(e) }] }),
        complete: () => undefined,
      },
    );
    try {
      const now = bucketAgo(0);
      const unrelated = record({ start_time: now, dest_name: 'other-*' });
      const live = record({ start_time: now + 15, dest_name: 'live-api-*' });
      await storeFlows(ctx, orgId, clusterIds['dev']!, [unrelated]);
      await storeFlows(ctx, orgId, clusterIds['dev']!, [live]);
      const event = (start: number) =>
        JSON.stringify({ orgId, clusterId: clusterIds['dev'], bucketStarts: [start], records: 1 });
      // The subscription is set up asynchronously: publish until it hears (a repeat is harmless).
      await waitFor(async () => {
        await redis.publish(channel, event(now));
        await redis.publish(channel, event(now + 15));
        return received.length > 0;
      }, 'a flowsLive event');
      const first = received[0]!;
      expect(first.errors).toBeUndefined();
      // The unrelated bucket was re-read, matched nothing and was skipped.
      expect(first.data).toEqual({
        flowsLive: {
          truncated: false,
          cluster: { name: 'dev' },
          flows: [
            {
              destName: 'live-api-*',
              enforcedTrace: ['0|default|np:shop/allow-frontend|allow|0'],
              reporter: 'DST',
            },
          ],
        },
      });
    } finally {
      dispose();
      await client.dispose();
      redis.disconnect();
    }
  });
});

describe('roles', () => {
  const READ = `query($s: String!) { organization(slug: $s) {
    flows(first: 1) { totalCount } flowFilterHints(type: SOURCE_NAME) { totalCount }
    policyStatistics { totalCount } serviceGraph { truncated } flowRetention { days } } }`;

  it('viewers and auditors read flows, statistics, the graph and the retention', async () => {
    for (const caller of [viewer, auditor, editor]) {
      const r = expectData(
        await ctx.gql<{ organization: { flows: { totalCount: number } } }>(caller, READ, { s: slug }),
      );
      expect(r.organization.flows.totalCount).toBeGreaterThan(0);
    }
  });
});

describe('flow retention', () => {
  const SET = 'mutation($i: SetFlowRetentionInput!) { setFlowRetention(input: $i) { days oldestVisible } }';

  it('defaults to 30 days, which keeps the flow of three days ago', async () => {
    const r = expectData(
      await ctx.gql<{ organization: { flowRetention: { days: number; oldestVisible: string } } }>(
        viewer,
        'query($s: String!) { organization(slug: $s) { flowRetention { days oldestVisible } } }',
        { s: slug },
      ),
    );
    expect(r.organization.flowRetention.days).toBe(30);
    expect(await flowTags(viewer, { timeRange: { to: new Date(T * 1000).toISOString() } })).toEqual(['r7']);
  });

  it('refuses editors, viewers and values outside 1–400, changing nothing', async () => {
    for (const caller of [editor, viewer, auditor]) {
      expect(codeOf(await ctx.gql(caller, SET, { i: { orgSlug: slug, days: 2 } }))).toBe('FORBIDDEN');
    }
    for (const days of [0, 401, -3]) {
      const r = await ctx.gql(admin, SET, { i: { orgSlug: slug, days } });
      expect(codeOf(r)).toBe('VALIDATION_FAILED');
      expect(r.errors?.[0]?.extensions?.field).toEqual(['input', 'days']);
    }
    const [row] = await ctx.sql<{ d: number }>(
      'SELECT flow_retention_days AS d FROM organizations WHERE id = $1',
      [orgId],
    );
    expect(row?.d).toBe(30);
  });

  it('an admin shortens it, audited; older flows are no longer listed, counted or graphed', async () => {
    const r = expectData(
      await ctx.gql<{ setFlowRetention: { days: number; oldestVisible: string } }>(admin, SET, {
        i: { orgSlug: slug, days: 2 },
      }),
    );
    expect(r.setFlowRetention.days).toBe(2);
    const events = await ctx.sql<{ action: string; before: unknown; after: unknown }>(
      "SELECT action, before, after FROM audit_events WHERE org_id = $1 AND action = 'organization.flow_retention.update'",
      [orgId],
    );
    expect(events).toEqual([
      {
        action: 'organization.flow_retention.update',
        before: { flowRetentionDays: 30 },
        after: { flowRetentionDays: 2 },
      },
    ]);
    expect(await flowTags(viewer, { clusters: ['prod', 'staging'] })).not.toContain('r7');
    expect(await flowTags(viewer, { timeRange: { to: new Date(T * 1000).toISOString() } })).toEqual([]);
    type S = {
      organization: { policyStatistics: { edges: { node: { allowed: { packetsIn: number } } }[] } };
    };
    const s = expectData(
      await ctx.gql<S>(
        viewer,
        'query($s: String!) { organization(slug: $s) { policyStatistics(clusters: ["prod"], policies: [{ name: "allow-frontend" }]) { edges { node { allowed { packetsIn } } } } } }',
        { s: slug },
      ),
    );
    expect(s.organization.policyStatistics.edges.map((e) => e.node.allowed.packetsIn)).toEqual([10]);
    // The rows themselves are still stored until the worker drops their partition.
    const [stored] = await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM flows WHERE org_id = $1 AND start_time < now() - interval '2 days'",
      [orgId],
    );
    expect(stored?.n).toBe(1);
  });
});

describe('a deleted cluster', () => {
  it('takes its flows out of every read', async () => {
    expectData(
      await ctx.gql(owner, 'mutation($i: DeleteClusterInput!) { deleteCluster(input: $i) { id } }', {
        i: { orgSlug: slug, name: 'staging' },
      }),
    );
    expect(await flowTags(viewer, { clusters: ['prod', 'staging'] })).not.toContain('r8');
    type H = { organization: { flowFilterHints: { edges: { node: { value: string } }[] } } };
    const hints = expectData(
      await ctx.gql<H>(
        viewer,
        'query($s: String!) { organization(slug: $s) { flowFilterHints(type: DEST_NAME) { edges { node { value } } } } }',
        { s: slug },
      ),
    );
    expect(hints.organization.flowFilterHints.edges.map((e) => e.node.value)).not.toContain('node-1');
    type G = { organization: { serviceGraph: { nodes: { cluster: string }[] } } };
    const graph = expectData(
      await ctx.gql<G>(
        viewer,
        'query($s: String!, $r: TimeRange) { organization(slug: $s) { serviceGraph(timeRange: $r) { nodes { cluster } } } }',
        { s: slug, r: { from: new Date((T - 60) * 1000).toISOString() } },
      ),
    );
    expect(graph.organization.serviceGraph.nodes.length).toBeGreaterThan(0);
    expect(graph.organization.serviceGraph.nodes.map((n) => n.cluster)).not.toContain('staging');
  });
});
