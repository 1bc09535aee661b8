// The simulated cluster's flows: connections drawn from the traffic matrix, evaluated with the real
// policy engine over the policies in the store at that moment, reported by both ends as Felix does.
// The clock is stepped by hand and the simulator seeded, so every run sees the same traffic.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pendingAction, validateFlowRecord, type FlowRecord } from '@palisade/flows';
import { validateResource, type PolicyResource } from '@palisade/policy';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { ManualClock } from './support/manual-clock.js';

const CLUSTER = `
cluster: { name: flows-test }
namespaces:
  - { name: shop }
  - { name: db }
workloads:
  - { namespace: shop, name: web, replicas: 2, labels: { app: web } }
  - namespace: db
    name: postgres
    replicas: 2
    labels: { app: postgres }
    ports: [{ name: pg, port: 5432 }]
services:
  - { namespace: db, name: postgres, selector: { app: postgres }, ports: [{ name: sql, port: 5432, targetPort: pg }] }
traffic:
  - { from: shop/web, to: db/postgres, port: 5432, rate: 10, jitter: 0 }
  - { from: shop/web, to: 203.0.113.0/24, port: 443, rate: 4 }
  - { from: shop/web, to: 10.20.0.0/16, port: 53, protocol: UDP, rate: 4 }
`;

const START_MS = 1_767_225_600_000;

function policy(kind: string, name: string, namespace: string | null, spec: object): PolicyResource {
  const object = {
    apiVersion: 'projectcalico.org/v3',
    kind,
    metadata: {
      name,
      ...(namespace === null ? {} : { namespace }),
      labels: { 'app.kubernetes.io/managed-by': 'palisade' },
    },
    spec,
  };
  const { resource, errors } = validateResource(object);
  if (resource === undefined) throw new Error(JSON.stringify(errors));
  return resource;
}

const denyShopToDb = policy('NetworkPolicy', 'default.no-shop', 'db', {
  tier: 'default',
  order: 10,
  selector: "app == 'postgres'",
  types: ['Ingress'],
  ingress: [
    { action: 'Deny', source: { namespaceSelector: "kubernetes.io/metadata.name == 'shop'" } },
    { action: 'Allow' },
  ],
});

const stagedEgressLockdown = policy('StagedGlobalNetworkPolicy', 'default.lockdown', null, {
  tier: 'default',
  order: 5,
  selector: "app == 'web'",
  types: ['Egress'],
  egress: [{ action: 'Deny', protocol: 'UDP' }],
});

describe('simulated provider: flows', () => {
  let dir: string;
  let providers: SimulatedProvider[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-sim-flows-'));
    await writeFile(join(dir, 'cluster.yaml'), CLUSTER);
    providers = [];
  });
  afterEach(async () => {
    await Promise.all(providers.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  async function cluster(seed = 7): Promise<{
    provider: SimulatedProvider;
    clock: ManualClock;
    records: FlowRecord[];
  }> {
    const clock = new ManualClock(START_MS);
    const provider = await SimulatedProvider.load({
      file: join(dir, 'cluster.yaml'),
      watch: false,
      clock,
      trafficSeed: seed,
    });
    await provider.start();
    providers.push(provider);
    const records: FlowRecord[] = [];
    provider.onFlows((batch) => records.push(...batch));
    return { provider, clock, records };
  }

  const toDb = (r: FlowRecord) => r.dest_namespace === 'db';

  it('reports pod-to-pod flows from both ends and outside destinations from the source only', async () => {
    const { clock, records } = await cluster();
    clock.advance(15_000);

    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(validateFlowRecord(record, { now: START_MS / 1000 + 15 })).toEqual({ ok: true, record });
      expect(record.start_time % 15).toBe(0);
    }
    const src = records.filter((r) => toDb(r) && r.reporter === 'src');
    const dst = records.filter((r) => toDb(r) && r.reporter === 'dst');
    expect(src.length).toBeGreaterThan(0);
    expect(dst.length).toBeGreaterThan(0);
    const connections = (rs: FlowRecord[]) => rs.reduce((n, r) => n + r.num_flows, 0);
    // Every connection the source let out is seen by the destination.
    expect(connections(dst)).toBe(connections(src));
    expect(src[0]).toMatchObject({
      source_type: 'wep',
      source_namespace: 'shop',
      source_name: expect.stringMatching(/^web-[a-z0-9]+-\*$/),
      source_labels: expect.arrayContaining(['app=web']),
      dest_type: 'wep',
      dest_name: expect.stringMatching(/^postgres-[a-z0-9]+-\*$/),
      dest_port: 5432,
      dest_service_namespace: 'db',
      dest_service_name: 'postgres',
      dest_service_port_name: 'sql',
      dest_service_port: 5432,
      proto: 'tcp',
      action: 'allow',
    });
    // Out of the source on its side, into the destination on the other.
    const bytes = (rs: FlowRecord[], k: 'bytes_in' | 'bytes_out') => rs.reduce((n, r) => n + r[k], 0);
    expect(bytes(src, 'bytes_out')).toBe(bytes(dst, 'bytes_in'));

    const outside = records.filter((r) => r.dest_type === 'net');
    expect(new Set(outside.map((r) => `${r.dest_name}/${r.proto}/${String(r.dest_port)}`))).toEqual(
      new Set(['pub/tcp/443', 'pvt/udp/53']),
    );
    expect(outside.every((r) => r.reporter === 'src' && r.dest_namespace === '-')).toBe(true);
  });

  it('repeats the same traffic for the same seed', async () => {
    const a = await cluster(42);
    const b = await cluster(42);
    a.clock.advance(30_000);
    b.clock.advance(30_000);
    expect(b.records).toEqual(a.records);
  });

  it('changes verdicts within one bucket of a deny policy being applied, naming the policy and rule', async () => {
    const { provider, clock, records } = await cluster();
    clock.advance(15_000);
    expect(records.filter(toDb).every((r) => r.action === 'allow')).toBe(true);

    await provider.applyDesiredState(1, [denyShopToDb], []);
    records.length = 0;
    clock.advance(15_000);

    const toDbNow = records.filter(toDb);
    expect(toDbNow.length).toBeGreaterThan(0);
    const dst = toDbNow.filter((r) => r.reporter === 'dst');
    expect(dst.length).toBeGreaterThan(0);
    for (const r of dst) {
      expect(r.action).toBe('deny');
      expect(r.policies.enforced).toEqual(['0|default|np:db/default.no-shop|deny|0']);
      expect(r.packets_out).toBe(0);
    }
    // The source's egress still lets the connection out: Felix logs it allowed at the source.
    for (const r of toDbNow.filter((r) => r.reporter === 'src')) {
      expect(r.action).toBe('allow');
      expect(r.packets_in).toBe(0);
    }
  });

  it('reports a flow denied at the source by its source only', async () => {
    const { provider, clock, records } = await cluster();
    const egressDeny = policy('GlobalNetworkPolicy', 'default.no-db-egress', null, {
      tier: 'default',
      order: 10,
      selector: "app == 'web'",
      types: ['Egress'],
      egress: [{ action: 'Deny', destination: { namespaceSelector: "kubernetes.io/metadata.name == 'db'" } }],
    });
    await provider.applyDesiredState(1, [egressDeny], []);
    clock.advance(15_000);
    const toDbNow = records.filter(toDb);
    expect(toDbNow.length).toBeGreaterThan(0);
    expect(toDbNow.every((r) => r.reporter === 'src' && r.action === 'deny')).toBe(true);
    expect(toDbNow[0]!.policies.enforced).toEqual(['0|default|gnp:default.no-db-egress|deny|0']);
    // The policy selects web for egress and has no rule for the internet: end of tier, deny.
    const internet = records.filter((r) => r.dest_name === 'pub');
    expect(internet.every((r) => r.action === 'deny')).toBe(true);
    expect(internet[0]!.policies.enforced).toEqual(['0|default|gnp:default.no-db-egress|deny|-1']);
  });

  it('shows a staged policy as a pending deny while the enforced verdict allows', async () => {
    const { provider, clock, records } = await cluster();
    await provider.applyDesiredState(1, [stagedEgressLockdown], []);
    clock.advance(15_000);
    const dns = records.filter((r) => r.proto === 'udp');
    expect(dns.length).toBeGreaterThan(0);
    for (const r of dns) {
      expect(r.action).toBe('allow');
      expect(r.policies.enforced).not.toContainEqual(expect.stringContaining('sgnp:'));
      expect(r.policies.pending).toEqual(['0|default|sgnp:default.lockdown|deny|0']);
      expect(pendingAction(r.policies)).toBe('deny');
    }
    // TCP is not matched by the staged rule: end of tier in the pending trace, still a deny.
    const tcp = records.filter((r) => r.dest_name === 'pub');
    expect(tcp.every((r) => r.action === 'allow' && pendingAction(r.policies) === 'deny')).toBe(true);
  });

  it.each(['shop', 'large'])('runs the traffic of examples/%s.yaml into valid flows', async (example) => {
    const clock = new ManualClock(START_MS);
    const provider = await SimulatedProvider.load({
      file: new URL(`../examples/${example}.yaml`, import.meta.url).pathname,
      watch: false,
      clock,
      stateDir: join(dir, example),
    });
    await provider.start();
    providers.push(provider);
    const records: FlowRecord[] = [];
    provider.onFlows((batch) => records.push(...batch));
    clock.advance(15_000);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(validateFlowRecord(record, { now: START_MS / 1000 + 15 })).toEqual({ ok: true, record });
    }
    const kinds = new Set(
      records.map((r) => (r.dest_type === 'wep' ? 'wep' : `${r.dest_type}:${r.dest_name}`)),
    );
    expect(kinds).toContain('net:pub');
    expect(kinds).toContain('net:pvt');
    if (example === 'large') {
      // Its seeded policies: a network set names the partner, the payments policy denies two callers.
      expect(kinds).toContain('ns:partner-apis');
      const denied = records.filter((r) => r.action === 'deny');
      expect(new Set(denied.map((r) => `${r.source_namespace}>${r.dest_namespace}/${r.reporter}`))).toEqual(
        new Set(['reports>payments/dst', 'fraud>payments/dst']),
      );
      expect(denied[0]!.policies.enforced).toEqual(['0|default|knp:payments/payments-api-ingress|deny|-1']);
    }
  });

  it('stops drawing traffic when nobody listens', async () => {
    const { provider, clock, records } = await cluster();
    const more: FlowRecord[] = [];
    const unsubscribe = provider.onFlows((batch) => more.push(...batch));
    clock.advance(5_000);
    unsubscribe();
    const seen = more.length;
    clock.advance(5_000);
    expect(more.length).toBe(seen);
    expect(records.length).toBeGreaterThan(0);
  });
});
