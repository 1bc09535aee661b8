// fast-check generators for random worlds, policies and connections used to compare the fast
// engine with the reference evaluator. Values come from small pools so that selectors, CIDRs and
// ports actually collide with the generated endpoints.

import fc from 'fast-check';
import type { Connection } from '../../src/engine/connection.js';
import type { WorldInput } from '../../src/engine/world-input.js';
import type { EntityRule, PolicyResource, Rule } from '../../src/resources/types.js';

const NAMESPACES = ['a', 'b', 'c'];
const SELECTORS = [
  '',
  'all()',
  "app == 'web'",
  "app != 'web'",
  "app in {'db', 'api'}",
  "env not in {'prod'}",
  'has(env)',
  '!has(env)',
  "app == 'db' || env == 'prod'",
  "role == 'partner'",
  "projectcalico.org/namespace == 'a'",
  "app starts with 'w' && !(env == 'dev')",
  'has(projectcalico.org/namespace)',
];
const NS_SELECTORS = [
  '',
  'all()',
  "team == 'x'",
  "kubernetes.io/metadata.name == 'b'",
  '!has(team)',
  'global()',
];
const SA_SELECTORS = ['', "tier == 'fe'", 'all()', '!has(tier)'];
const NETS = [
  '10.0.0.0/30',
  '10.0.0.4/32',
  '203.0.113.0/24',
  '0.0.0.0/1',
  '192.168.1.0/24',
  'fd00::/120',
  '2001:db8::/32',
];
const PORTS: (number | string)[] = [80, 443, 8080, '8000:8100', 'http', 'dns', 5432, '1:1023'];
const IPS = ['203.0.113.9', '10.0.0.1', '8.8.8.8', '192.168.1.1', '10.0.0.250'];
const IPS6 = ['2001:db8::9', 'fd00::1', '2606:4700::1'];

const labelsArb = fc.record(
  {
    app: fc.constantFrom('web', 'db', 'api'),
    env: fc.constantFrom('prod', 'dev'),
    role: fc.constantFrom('partner', 'blocked'),
  },
  { requiredKeys: [] },
);

const some = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });

function pick<T extends object>(o: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k))) as T;
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

const entityRuleArb: fc.Arbitrary<EntityRule> = fc
  .record({
    nets: fc.subarray(NETS, { minLength: 1, maxLength: 2 }),
    notNets: fc.subarray(NETS.slice(0, 3), { minLength: 1, maxLength: 1 }),
    selector: fc.constantFrom(...SELECTORS),
    notSelector: fc.constantFrom(...SELECTORS),
    namespaceSelector: fc.constantFrom(...NS_SELECTORS),
    serviceAccounts: fc.record(
      { names: fc.subarray(['default', 'sa1']), selector: fc.constantFrom(...SA_SELECTORS) },
      { requiredKeys: [] },
    ),
    ports: fc.subarray(PORTS, { minLength: 1, maxLength: 3 }),
    notPorts: fc.subarray(PORTS, { minLength: 1, maxLength: 2 }),
    services: fc.record({ name: fc.constantFrom('svc', 'nope'), namespace: fc.constantFrom('a', 'b') }),
  })
  .chain((r) => fc.subarray(Object.keys(r), { maxLength: 2 }).map((keys) => compact(pick(r, keys))));

const ruleArb: fc.Arbitrary<Rule> = fc
  .record(
    {
      action: fc.constantFrom('Allow', 'Deny', 'Pass', 'Log', 'Allow', 'Deny'),
      protocol: rarely(fc.constantFrom('TCP', 'UDP', 'ICMP', 17)),
      notProtocol: rarely(fc.constantFrom('UDP', 6)),
      ipVersion: rarely(fc.constantFrom(4, 6)),
      icmp: rarely(
        fc.record({ type: fc.constantFrom(0, 8), code: some(fc.constantFrom(0, 1)) }).map(compact),
      ),
      source: some(entityRuleArb),
      destination: some(entityRuleArb),
    },
    { requiredKeys: ['action'] },
  )
  .map((r) => compact(r as Rule));

const typesArb = fc.constantFrom<('Ingress' | 'Egress')[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']);

const calicoPolicyArb = (i: number): fc.Arbitrary<PolicyResource> =>
  fc
    .record({
      kind: fc.constantFrom(
        'NetworkPolicy',
        'GlobalNetworkPolicy',
        'StagedNetworkPolicy',
        'StagedGlobalNetworkPolicy',
      ),
      ns: fc.constantFrom(...NAMESPACES),
      tier: fc.constantFrom('default', 'default', 'security', 'app', 'missing'),
      order: some(fc.constantFrom(1, 100, 100, 1000, 5000)),
      selector: fc.constantFrom('', '', 'all()', ...SELECTORS),
      serviceAccountSelector: fc.constantFrom('', '', '', '', ...SA_SELECTORS),
      namespaceSelector: fc.constantFrom('', '', ...NS_SELECTORS.filter((s) => s !== 'global()')),
      types: typesArb,
      ingress: fc.array(ruleArb, { maxLength: 3 }),
      egress: fc.array(ruleArb, { maxLength: 3 }),
      stage: fc.constantFrom('normal', 'normal', 'normal', 'normal', 'normal', 'preDNAT', 'doNotTrack'),
      stagedAction: fc.constantFrom('Set', 'Set', 'Delete'),
    })
    .map((p) => {
      const global = p.kind.includes('Global');
      const staged = p.kind.startsWith('Staged');
      const spec: Record<string, unknown> = compact({
        tier: p.tier,
        order: p.order,
        selector: p.selector,
        serviceAccountSelector: p.serviceAccountSelector,
        types: p.types,
        ingress: p.ingress,
        egress: p.egress,
      });
      if (global) {
        if (p.namespaceSelector) spec.namespaceSelector = p.namespaceSelector;
        if (p.stage !== 'normal') Object.assign(spec, { [p.stage]: true, applyOnForward: true });
      }
      if (staged) spec.stagedAction = p.stagedAction;
      return {
        apiVersion: 'projectcalico.org/v3',
        kind: p.kind,
        metadata: global ? { name: `p${i}` } : { name: `p${i}`, namespace: p.ns },
        spec,
      } as unknown as PolicyResource;
    });

const k8sSelectorArb = fc
  .record(
    {
      matchLabels: fc.record({ app: fc.constantFrom('web', 'db') }, { requiredKeys: [] }),
      matchExpressions: fc.array(
        fc.record({
          key: fc.constantFrom('env', 'team', 'app'),
          operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
          values: fc.subarray(['prod', 'x', 'web']),
        }),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  )
  .map((s) => ({
    ...s,
    ...(s.matchExpressions
      ? {
          matchExpressions: s.matchExpressions.map((e) =>
            e.operator === 'In' || e.operator === 'NotIn' ? e : { key: e.key, operator: e.operator },
          ),
        }
      : {}),
  }));

const k8sPeerArb = fc.oneof(
  fc.record({ podSelector: k8sSelectorArb }),
  fc.record({ namespaceSelector: k8sSelectorArb }),
  fc.record({ podSelector: k8sSelectorArb, namespaceSelector: k8sSelectorArb }),
  fc.record({
    ipBlock: fc.record({
      cidr: fc.constantFrom('10.0.0.0/24', '0.0.0.0/0'),
      except: fc.subarray(['10.0.0.0/30']),
    }),
  }),
);

const k8sPortArb = fc
  .record(
    {
      protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
      port: fc.constantFrom<number | string>(80, 443, 8080, 8000, 'http'),
      endPort: fc.constantFrom(8100),
    },
    { requiredKeys: [] },
  )
  .map((p) =>
    typeof p.port !== 'number' || p.endPort === undefined || p.port > p.endPort
      ? { ...p, endPort: undefined }
      : p,
  )
  .map(compact);

const k8sRuleArb = (key: 'from' | 'to') =>
  fc.record(
    { [key]: fc.array(k8sPeerArb, { maxLength: 2 }), ports: fc.array(k8sPortArb, { maxLength: 3 }) },
    { requiredKeys: [] },
  );

const k8sPolicyArb = (i: number): fc.Arbitrary<PolicyResource> =>
  fc
    .record({
      staged: fc.boolean(),
      ns: fc.constantFrom(...NAMESPACES),
      podSelector: k8sSelectorArb,
      policyTypes: fc.constantFrom<('Ingress' | 'Egress')[]>(
        [],
        ['Ingress'],
        ['Egress'],
        ['Ingress', 'Egress'],
      ),
      ingress: fc.array(k8sRuleArb('from'), { maxLength: 2 }),
      egress: fc.array(k8sRuleArb('to'), { maxLength: 2 }),
    })
    .map(
      (p) =>
        ({
          apiVersion: p.staged ? 'projectcalico.org/v3' : 'networking.k8s.io/v1',
          kind: p.staged ? 'StagedKubernetesNetworkPolicy' : 'NetworkPolicy',
          metadata: { name: `k${i}`, namespace: p.ns },
          spec: {
            podSelector: p.podSelector,
            policyTypes: p.policyTypes,
            ingress: p.ingress,
            egress: p.egress,
            ...(p.staged ? { stagedAction: 'Set' } : {}),
          },
        }) as unknown as PolicyResource,
    );

const policiesArb = fc
  .array(fc.boolean(), { maxLength: 10 })
  .chain((kinds) =>
    fc.tuple(...kinds.map((k8s, i) => (k8s && i % 2 === 0 ? k8sPolicyArb(i) : calicoPolicyArb(i)))),
  );

export const worldArb: fc.Arbitrary<WorldInput> = fc
  .record({
    namespaces: fc.subarray(NAMESPACES, { minLength: 1 }).chain((names) =>
      fc.tuple(
        ...names.map((name) =>
          fc.record({
            name: fc.constant(name),
            labels: fc.record({ team: fc.constantFrom('x', 'y') }, { requiredKeys: [] }),
          }),
        ),
      ),
    ),
    pods: fc.array(
      fc.record({
        namespace: fc.constantFrom(...NAMESPACES),
        labels: labelsArb,
        serviceAccount: fc.constantFrom('default', 'sa1'),
        named: fc.boolean(),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    saLabels: fc.record({ tier: fc.constantFrom('fe', 'be') }, { requiredKeys: [] }),
    hep: fc.option(
      fc.record({
        labels: labelsArb,
        profiles: fc.constantFrom([], ['projectcalico-default-allow'], ['kns.a']),
      }),
      {
        nil: undefined,
        freq: 4,
      },
    ),
    netSets: fc.array(
      fc.record({
        global: fc.boolean(),
        ns: fc.constantFrom(...NAMESPACES),
        labels: labelsArb,
        nets: fc.subarray(NETS, { minLength: 1, maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
    tiers: fc
      .subarray([
        { name: 'security', order: 100, pass: false },
        { name: 'app', order: undefined, pass: true },
      ])
      .chain((ts) => fc.tuple(...ts.map((t) => fc.record({ t: fc.constant(t), pass: fc.boolean() })))),
    policies: policiesArb,
  })
  .map((w) => {
    const resources: PolicyResource[] = [];
    for (const { t, pass } of w.tiers) {
      resources.push({
        apiVersion: 'projectcalico.org/v3',
        kind: 'Tier',
        metadata: { name: t.name },
        spec: { order: t.order ?? 1_000_000, defaultAction: pass ? 'Pass' : 'Deny' },
      });
    }
    w.netSets.forEach((n, i) =>
      resources.push({
        apiVersion: 'projectcalico.org/v3',
        kind: n.global ? 'GlobalNetworkSet' : 'NetworkSet',
        metadata: n.global
          ? { name: `n${i}`, labels: n.labels }
          : { name: `n${i}`, namespace: n.ns, labels: n.labels },
        spec: { nets: n.nets },
      }),
    );
    if (w.hep) {
      resources.push({
        apiVersion: 'projectcalico.org/v3',
        kind: 'HostEndpoint',
        metadata: { name: 'node1-eth0', labels: w.hep.labels },
        spec: {
          node: 'node1',
          expectedIPs: ['192.168.1.1', 'fd00::99'],
          profiles: [...w.hep.profiles],
          ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
        },
      });
    }
    resources.push(...w.policies);
    return {
      namespaces: w.namespaces,
      serviceAccounts: NAMESPACES.map((ns) => ({ namespace: ns, name: 'sa1', labels: w.saLabels })),
      endpoints: w.pods.map((p, i) => ({
        namespace: p.namespace,
        name: `pod${i}`,
        labels: p.labels,
        serviceAccount: p.serviceAccount,
        ips: [`10.0.0.${i + 1}`, `fd00::${i + 1}`],
        ...(p.named
          ? {
              ports: [
                { name: 'http', port: 8080 },
                { name: 'dns', port: 53, protocol: 'UDP' as const },
              ],
            }
          : {}),
      })),
      services: [
        {
          namespace: 'a',
          name: 'svc',
          endpoints: [
            { ip: '10.0.0.1', port: 8080 },
            { ip: '10.0.0.2', port: 80 },
          ],
        },
      ],
      resources,
    };
  });

export function connectionArb(world: WorldInput): fc.Arbitrary<Connection> {
  const endpoints = [...(world.endpoints ?? []).map((e) => `${e.namespace}/${e.name}`)];
  if ((world.resources ?? []).some((r) => r.kind === 'HostEndpoint'))
    endpoints.push('node1-eth0', 'node1-eth0');
  return fc
    .record({ v6: fc.boolean(), src: fc.nat(), dst: fc.nat(), srcIp: fc.boolean(), dstIp: fc.boolean() })
    .chain((c) => {
      const pool = c.v6 ? IPS6 : IPS;
      const peer = (n: number, asIp: boolean, other: boolean) =>
        asIp && !other
          ? fc.constantFrom(...pool).map((ip) => ({ ip }))
          : fc.constant({ endpoint: endpoints[n % endpoints.length]! });
      return fc
        .record({
          source: peer(c.src, c.srcIp, false),
          destination: peer(c.dst, c.dstIp, c.srcIp),
          protocol: fc.constantFrom('TCP', 'UDP', 'ICMP', 'SCTP', 6),
          port: some(fc.constantFrom(80, 443, 8080, 8050, 5432, 53)),
          sourcePort: some(fc.constantFrom(40000, 80, 53)),
          icmpType: some(fc.constantFrom(0, 8)),
          icmpCode: some(fc.constantFrom(0, 1)),
        })
        .map((conn) => compact(conn) as Connection);
    });
}
