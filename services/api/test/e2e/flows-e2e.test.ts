// Flows end to end through the API (issue 13 acceptance), every component real: a simulated
// cluster's agent (its traffic and flow pipeline on a clock the test steps, starting minutes ago so
// the gateway's time checks see real times), a cluster gateway on the test database and Redis
// prefix, Postgres, and GraphQL. Checked: the cluster's flows are listed; a deny policy applied
// through the API changes the verdict of the matching flows in a later bucket, with the trace
// naming that policy and rule; a staged policy shows as a pending verdict while traffic still flows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '@palisade/cluster-gateway';
import { startSimulatedAgent } from '@palisade/agent/simulated';
import { TestContext, type Caller } from '../context.js';
import { expectData } from '../factories/members.js';
import { Subscription, eventually, startTestGateway } from '../support/fleet.js';

const BUCKET_MS = 15_000;
const TIMEOUT = 90_000;
const CLUSTER = `
cluster: { name: flows-api-e2e }
namespaces: [{ name: shop }, { name: db }]
workloads:
  - { namespace: shop, name: web, replicas: 2, labels: { app: web } }
  - { namespace: shop, name: worker, labels: { app: worker } }
  - { namespace: db, name: postgres, labels: { app: postgres } }
traffic:
  - { from: shop/web, to: db/postgres, port: 5432, rate: 5 }
  - { from: shop/web, to: shop/worker, port: 8080, rate: 3 }
`;

/** Time that moves only when the test says so; fires due timers in order (the agent's Clock). */
class SteppedClock {
  private timers: { every: number; next: number; fn: () => void }[] = [];
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  every(intervalMs: number, fn: () => void): () => void {
    const t = { every: intervalMs, next: this.current + intervalMs, fn };
    this.timers.push(t);
    return () => {
      this.timers = this.timers.filter((x) => x !== t);
    };
  }
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.next <= target).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.current = due.next;
      due.next += due.every;
      due.fn();
    }
    this.current = target;
  }
}

let ctx: TestContext;
let owner: Caller & { secret: string };
let viewer: Caller & { secret: string };
let slug: string;
let gateway: RunningGateway;
let agent: Awaited<ReturnType<typeof startSimulatedAgent>>;
let clock: SteppedClock;

interface FlowNode {
  startTime: string;
  sourceName: string;
  destName: string;
  reporter: string;
  action: string;
  pendingAction: string | null;
  enforcedTrace: string[];
  pendingTrace: string[];
}

async function flows(filter: Record<string, unknown>): Promise<FlowNode[]> {
  const r = expectData(
    await ctx.gql<{ organization: { flows: { edges: { node: FlowNode }[] } } }>(
      viewer,
      `query($s: String!, $f: FlowFilter) { organization(slug: $s) { flows(filter: $f, first: 100) { edges { node {
        startTime sourceName destName reporter action pendingAction enforcedTrace pendingTrace } } } } }`,
      { s: slug, f: { clusters: ['e2e'], ...filter } },
    ),
  );
  return r.organization.flows.edges.map((e) => e.node);
}

async function apply(yaml: string): Promise<void> {
  expectData(
    await ctx.gql(owner, 'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }', {
      i: { orgSlug: slug, yaml },
    }),
  );
  await eventually(
    'the policy applied in the cluster',
    async () => {
      const r = expectData(
        await ctx.gql<{ organization: { cluster: { policySync: { status: string } } } }>(
          viewer,
          'query($s: String!) { organization(slug: $s) { cluster(name: "e2e") { policySync { status } } } }',
          { s: slug },
        ),
      );
      return r.organization.cluster.policySync.status === 'IN_SYNC';
    },
    TIMEOUT,
  );
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  viewer = await ctx.tokenCaller(slug, 'viewer');
  gateway = await startTestGateway(ctx);
  const token = expectData(
    await ctx.gql<{ registerCluster: { enrollmentToken: string } }>(
      owner,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }',
      { i: { orgSlug: slug, name: 'e2e' } },
    ),
  ).registerCluster.enrollmentToken;
  const dir = mkdtempSync(join(tmpdir(), 'palisade-flows-api-e2e-'));
  writeFileSync(join(dir, 'cluster.yaml'), CLUSTER);
  // Forty buckets ago: every bucket the test makes is in the gateway's past.
  clock = new SteppedClock(Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS - 40 * BUCKET_MS);
  agent = await startSimulatedAgent({
    file: join(dir, 'cluster.yaml'),
    gatewayUrl: `ws://127.0.0.1:${gateway.port}/v1/tunnel`,
    enrollmentToken: token,
    stateDir: join(dir, 'state'),
    watch: false,
    clock,
    trafficSeed: 7,
    timings: { backoff: { initialMs: 100, maxMs: 500 }, immediateJitterMs: 100 },
  });
  await eventually('the agent connected', () => agent.status() === 'connected', TIMEOUT);
}, TIMEOUT);

afterAll(async () => {
  await agent?.close();
  await gateway?.close();
  await ctx?.close();
});

describe('flows of a simulated cluster through the API', () => {
  it('lists the cluster’s flows, allowed while no policy applies, and streams them as they land', async () => {
    type Live = { flowsLive: { cluster: { name: string }; flows: { destName: string; action: string }[] } };
    const live = new Subscription<Live>(
      ctx,
      viewer.secret,
      `subscription($s: String!, $f: FlowFilter) { flowsLive(orgSlug: $s, filter: $f) {
        cluster { name } flows { destName action } } }`,
      { s: slug, f: { destNames: [{ value: 'worker', type: 'FUZZY' }] } },
    );
    try {
      // The subscription is set up asynchronously: keep the traffic coming until it hears a batch,
      // but never closer than six buckets to the wall clock (the later steps need room).
      await eventually(
        'a live batch from the gateway',
        () => {
          if (clock.now() < Date.now() - 6 * BUCKET_MS) clock.advance(BUCKET_MS);
          return live.events.length > 0;
        },
        TIMEOUT,
      );
      expect(live.errors).toEqual([]);
      const event = live.events[0]!.flowsLive;
      expect(event.cluster.name).toBe('e2e');
      expect(event.flows.length).toBeGreaterThan(0);
      expect(event.flows.every((f) => f.destName.startsWith('worker'))).toBe(true);
    } finally {
      await live.close();
    }
    const listed = await eventually(
      'flows listed',
      async () => {
        const f = await flows({});
        return f.length > 0 ? f : undefined;
      },
      TIMEOUT,
    );
    expect(listed.every((f) => f.action === 'ALLOW')).toBe(true);
    expect(new Set(listed.map((f) => f.reporter))).toEqual(new Set(['SRC', 'DST']));
  });

  it('a deny policy applied through the API denies the matching flows in a later bucket, traced to its rule', async () => {
    await apply(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: deny-web-to-db
spec:
  tier: default
  order: 10
  selector: app == 'postgres'
  types: [Ingress]
  ingress:
    - action: Deny
      source:
        selector: app == 'web'
`);
    const applied = clock.now();
    clock.advance(2 * BUCKET_MS + 2_000);
    const denied = await eventually(
      'denied flows naming the policy',
      async () => {
        const f = await flows({ actions: ['DENY'], policies: [{ name: 'deny-web-to-db' }] });
        return f.length > 0 ? f : undefined;
      },
      TIMEOUT,
    );
    for (const f of denied) {
      expect(f.destName.startsWith('postgres')).toBe(true);
      expect(f.sourceName.startsWith('web')).toBe(true);
      expect(f.reporter).toBe('DST');
      expect(new Date(f.startTime).getTime()).toBeGreaterThanOrEqual(applied - BUCKET_MS);
      expect(f.enforcedTrace).toContain('0|default|gnp:deny-web-to-db|deny|0');
    }
    // Earlier buckets of the same pair stay allowed: history is not rewritten.
    const before = await flows({ destNames: [{ value: 'postgres', type: 'FUZZY' }], actions: ['ALLOW'] });
    expect(before.length).toBeGreaterThan(0);
  });

  it('a staged policy shows as a pending verdict while the traffic is still allowed', async () => {
    await apply(`apiVersion: projectcalico.org/v3
kind: StagedGlobalNetworkPolicy
metadata:
  name: quarantine-worker
spec:
  tier: default
  order: 20
  selector: app == 'worker'
  types: [Ingress]
  ingress:
    - action: Deny
      source:
        selector: app == 'web'
`);
    clock.advance(2 * BUCKET_MS + 2_000);
    const pending = await eventually(
      'flows with a pending deny',
      async () => {
        const f = await flows({ pendingActions: ['DENY'], destNames: [{ value: 'worker', type: 'FUZZY' }] });
        return f.length > 0 ? f : undefined;
      },
      TIMEOUT,
    );
    for (const f of pending) {
      expect(f.action).toBe('ALLOW');
      expect(f.pendingAction).toBe('DENY');
      expect(f.pendingTrace.some((h) => h.includes('|sgnp:quarantine-worker|deny|0'))).toBe(true);
    }
  });
});
