// Deterministic synthetic world for the policy benchmark: namespaces, pods, network sets, tiers,
// a mix of Calico, global and Kubernetes policies, and connections between them. A seeded PRNG
// keeps every run identical so figures are comparable across machines. The mix follows what real
// clusters look like — mostly namespaced policies selecting one app, a few broad global policies
// per tier, some staged ones — and run.ts prints how many policies and rules each verdict sees.

import type { Connection } from '../../packages/policy/src/engine/connection.js';
import type { WorldInput } from '../../packages/policy/src/engine/world-input.js';
import type { PolicyResource, Rule } from '../../packages/policy/src/resources/types.js';

export interface BenchSizes {
  namespaces: number;
  endpoints: number;
  policies: number;
  connections: number;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TIERS = ['security', 'platform', 'app', 'compliance'];
const APPS = Array.from({ length: 20 }, (_, i) => `app-${i}`);
const ROLES = ['web', 'api', 'db', 'cache', 'worker'];
const PORTS = [80, 443, 8080, 5432, 6379, 9090, 53];

export function generateBenchWorld(sizes: BenchSizes): { world: WorldInput; connections: Connection[] } {
  const rnd = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const ns = (i: number): string => `ns-${i}`;

  const namespaces = Array.from({ length: sizes.namespaces }, (_, i) => ({
    name: ns(i),
    labels: { team: `team-${i % 10}`, env: i % 3 === 0 ? 'prod' : 'dev' },
  }));
  const endpoints = Array.from({ length: sizes.endpoints }, (_, i) => ({
    namespace: ns(i % sizes.namespaces),
    name: `pod-${i}`,
    labels: { app: pick(APPS), role: pick(ROLES), version: `v${i % 3}` },
    serviceAccount: i % 4 === 0 ? 'default' : `sa-${i % 7}`,
    ips: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
    ports: [
      { name: 'http', port: 8080 },
      { name: 'metrics', port: 9090 },
    ],
  }));

  const resources: PolicyResource[] = TIERS.map((name, i) => ({
    apiVersion: 'projectcalico.org/v3',
    kind: 'Tier',
    metadata: { name },
    spec: { order: (i + 1) * 100, defaultAction: name === 'app' || name === 'compliance' ? 'Pass' : 'Deny' },
  }));
  for (let i = 0; i < sizes.namespaces; i++) {
    resources.push({
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkSet',
      metadata: { name: 'partners', namespace: ns(i), labels: { role: 'partner' } },
      spec: { nets: [`198.51.${i}.0/24`] },
    });
  }
  resources.push({
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkSet',
    metadata: { name: 'threats', labels: { feed: 'threats' } },
    spec: { nets: ['203.0.113.0/24', '192.0.2.0/24'] },
  });

  const rule = (): Rule => {
    const action = rnd() < 0.7 ? 'Allow' : rnd() < 0.5 ? 'Deny' : 'Pass';
    const r: Rule = { action, protocol: rnd() < 0.8 ? 'TCP' : 'UDP' };
    const choice = rnd();
    if (choice < 0.4) r.source = { selector: `app == '${pick(APPS)}'` };
    else if (choice < 0.6) r.source = { namespaceSelector: `team == 'team-${Math.floor(rnd() * 10)}'` };
    else if (choice < 0.75) r.source = { nets: ['10.0.0.0/16', '172.16.0.0/12'] };
    else if (choice < 0.85) r.source = { selector: "role == 'partner'" };
    r.destination = rnd() < 0.2 ? { ports: ['http'] } : { ports: [pick(PORTS), '8000:8100'] };
    return r;
  };
  for (let i = 0; i < sizes.policies; i++) {
    const kind = rnd();
    const tier = TIERS[i % 4]!;
    const types: ('Ingress' | 'Egress')[] = rnd() < 0.6 ? ['Ingress'] : ['Ingress', 'Egress'];
    const rules = (): Rule[] => Array.from({ length: 1 + Math.floor(rnd() * 4) }, rule);
    const namespace = ns(i % sizes.namespaces);
    if (kind < 0.1) {
      resources.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `k8s-${i}`, namespace },
        spec: {
          podSelector: { matchLabels: { app: pick(APPS) } },
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { role: pick(ROLES) } } }],
              ports: [{ port: pick(PORTS) }],
            },
          ],
        },
      });
    } else if (kind < 0.16) {
      const staged = kind >= 0.15;
      resources.push({
        apiVersion: 'projectcalico.org/v3',
        kind: staged ? 'StagedGlobalNetworkPolicy' : 'GlobalNetworkPolicy',
        metadata: { name: `gnp-${i}` },
        spec: {
          tier,
          order: Math.floor(rnd() * 1000),
          selector: `role == '${pick(ROLES)}'`,
          namespaceSelector: rnd() < 0.5 ? `env == 'prod'` : '',
          types,
          ingress: rules(),
          egress: rules(),
          ...(staged ? { stagedAction: 'Set' as const } : {}),
        },
      } as PolicyResource);
    } else {
      const staged = kind >= 0.98;
      resources.push({
        apiVersion: 'projectcalico.org/v3',
        kind: staged ? 'StagedNetworkPolicy' : 'NetworkPolicy',
        metadata: { name: `np-${i}`, namespace },
        spec: {
          tier: i % 5 === 4 ? 'default' : tier,
          order: Math.floor(rnd() * 1000),
          selector: `app == '${pick(APPS)}'`,
          types,
          ingress: rules(),
          egress: rules(),
          ...(staged ? { stagedAction: 'Set' as const } : {}),
        },
      } as PolicyResource);
    }
  }

  const key = (i: number): string => `${endpoints[i]!.namespace}/${endpoints[i]!.name}`;
  const external = ['203.0.113.7', '8.8.8.8', '198.51.3.9', '172.16.4.4'];
  const connections: Connection[] = Array.from({ length: sizes.connections }, () => {
    const src = Math.floor(rnd() * endpoints.length);
    const dst = Math.floor(rnd() * endpoints.length);
    const r = rnd();
    return {
      source: r < 0.05 ? { ip: pick(external) } : { endpoint: key(src) },
      destination: r > 0.95 ? { ip: pick(external) } : { endpoint: key(dst) },
      protocol: rnd() < 0.85 ? 'TCP' : 'UDP',
      port: rnd() < 0.5 ? pick(PORTS) : 8000 + Math.floor(rnd() * 200),
      sourcePort: 32768 + Math.floor(rnd() * 20000),
    };
  });
  return { world: { namespaces, endpoints, resources }, connections };
}
