// Canonical serialisation: fixed key order, sorted maps, explicit defaults, YAML 1.1-safe quoting,
// and the fixed point parse → serialise → parse → serialise, also over random resources.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateResource, type PolicyResource } from '../src/index.js';
import { canonicalJson, parseResourcesYaml, stableStringify, toCanonicalYaml } from '../src/yaml/index.js';
import { calico, gnp, knp, np, type Raw } from './resources-builders.js';

const valid = (doc: Raw): PolicyResource => {
  const { resource, errors } = validateResource(doc);
  expect(errors).toEqual([]);
  return resource!;
};

function roundTrip(yaml: string): string {
  const parsed = parseResourcesYaml(yaml);
  expect(parsed.errors).toEqual([]);
  return toCanonicalYaml(parsed.documents.map((d) => d.resource!));
}

describe('toCanonicalYaml', () => {
  it('prints fixed key order, sorted maps and explicit defaults', () => {
    const doc = np(
      {
        egress: [
          { destination: { ports: [443, '80:80'], nets: ['10.0.0.0/8'] }, protocol: 'TCP', action: 'Allow' },
        ],
        selector: "app == 'web'",
      },
      { labels: { z: 'last', a: 'first' }, annotations: { b: '2', a: '1' }, namespace: 'prod', name: 'web' },
    );
    expect(
      toCanonicalYaml([
        valid({ spec: doc.spec, metadata: doc.metadata, kind: doc.kind, apiVersion: doc.apiVersion }),
      ]),
    ).toBe(
      [
        'apiVersion: projectcalico.org/v3',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: web',
        '  namespace: prod',
        '  labels:',
        '    a: first',
        '    projectcalico.org/tier: default',
        '    z: last',
        '  annotations:',
        '    a: "1"',
        '    b: "2"',
        'spec:',
        '  tier: default',
        "  selector: app == 'web'",
        '  types:',
        '    - Egress',
        '  egress:',
        '    - action: Allow',
        '      protocol: TCP',
        '      destination:',
        '        nets:',
        '          - 10.0.0.0/8',
        '        ports:',
        '          - 443',
        '          - 80',
        '',
      ].join('\n'),
    );
  });

  it('separates documents with --- and fills defaults of hand-built resources', () => {
    const tier = {
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'security' },
      spec: {},
    } as unknown as PolicyResource;
    const text = toCanonicalYaml([tier, valid(knp())]);
    expect(text.split('\n---\n')).toHaveLength(2);
    expect(text).toContain('spec:\n  order: 1000000\n  defaultAction: Deny\n');
  });

  it('quotes strings a YAML 1.1 reader (kubectl) would turn into other types', () => {
    const set = calico(
      'GlobalNetworkSet',
      {},
      { name: 's', labels: { a: 'yes', b: 'on', c: '0777', e: 'null' }, annotations: { d: '1:2' } },
    );
    const text = toCanonicalYaml([valid(set)]);
    expect(text).toContain(
      'labels:\n    a: "yes"\n    b: "on"\n    c: "0777"\n    e: "null"\n  annotations:\n    d: "1:2"\n',
    );
  });

  it('still prints an invalid resource, in canonical order', () => {
    const bad = {
      spec: { b: 1, a: 2 },
      metadata: { labels: { z: '1', a: '2' }, name: 'x' },
      kind: 'Nope',
      apiVersion: 'v9',
    } as unknown as PolicyResource;
    expect(toCanonicalYaml([bad])).toBe(
      'apiVersion: v9\nkind: Nope\nmetadata:\n  name: x\n  labels:\n    a: "2"\n    z: "1"\nspec:\n  b: 1\n  a: 2\n',
    );
  });

  it('is a fixed point for a realistic stream', () => {
    const yaml = [
      'apiVersion: projectcalico.org/v3',
      'kind: GlobalNetworkPolicy',
      'metadata: {name: security.quarantine, annotations: {note: "multi\\nline: yes"}}',
      'spec:',
      '  tier: security',
      '  order: 10.5',
      "  namespaceSelector: \"team in {'a', 'b'}\"",
      '  ingress: [{action: Deny, protocol: ICMP, icmp: {type: 8}, source: {namespaceSelector: global()}}]',
      '  egress: [{action: Pass, protocol: 17, destination: {services: {name: dns, namespace: kube-system}}}]',
      '---',
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata: {name: db, namespace: data}',
      'spec:',
      '  podSelector: {matchLabels: {app: db}}',
      '  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: 5432, endPort: 5440}]}]',
      '---',
      'apiVersion: projectcalico.org/v3',
      'kind: HostEndpoint',
      'metadata: {name: node1-eth0, labels: {role: edge}}',
      'spec: {node: node1, interfaceName: eth0, expectedIPs: [192.0.2.1], ports: [{name: ssh, protocol: TCP, port: 22}]}',
      '---',
      'apiVersion: projectcalico.org/v3',
      'kind: StagedKubernetesNetworkPolicy',
      'metadata: {name: gone, namespace: data}',
      'spec: {stagedAction: Delete}',
    ].join('\n');
    const once = roundTrip(yaml);
    expect(roundTrip(once)).toBe(once);
  });
});

describe('canonicalJson and stableStringify', () => {
  it('is independent of input key order', () => {
    const a = valid(gnp({ selector: 'has(a)', order: 1 }, { labels: { x: '1', y: '2' } }));
    const b = valid({
      spec: { order: 1, selector: 'has(a)' },
      metadata: { labels: { y: '2', x: '1' }, name: 'p' },
      kind: 'GlobalNetworkPolicy',
      apiVersion: 'projectcalico.org/v3',
    });
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toMatch(
      /^\{"apiVersion":"projectcalico.org\/v3","kind":"GlobalNetworkPolicy","metadata":\{"name":"p","labels":\{"projectcalico.org\/tier":"default","x":"1","y":"2"\}\},"spec":\{"tier":"default","order":1,/,
    );
  });

  it('sorts keys at every depth and drops undefined members', () => {
    expect(stableStringify({ b: [{ z: 1, a: undefined, c: null }], a: 'x' })).toBe(
      '{"a":"x","b":[{"c":null,"z":1}]}',
    );
    expect(stableStringify(undefined)).toBe('null');
    expect(stableStringify({ b: 1, a: 2 }, 2)).toBe('{\n  "a": 2,\n  "b": 1\n}');
  });
});

// ---- random resources ---------------------------------------------------------------------------

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

const labelValue = fc.constantFrom('', 'a', 'web', 'yes', 'on', '0777', '1e3', 'null', 'x.y-z_1');
const labels = fc.dictionary(
  fc.constantFrom('app', 'team', 'zeta', 'a.b/c', 'example.com/role'),
  labelValue,
  { maxKeys: 3 },
);
const selector = fc.constantFrom(
  "app == 'web'",
  'has(team)',
  '!has(x) && a in {"b", "a"}',
  'all()',
  '',
  'x contains "#: "',
);
const cidr = fc.constantFrom('10.0.0.0/8', '192.168.1.1', '172.16.0.0/12');
const port = fc.constantFrom<number | string>(80, 443, '8000:8080', '1:1', 'http', '53');

const entity = fc.record(
  {
    nets: fc.array(cidr, { maxLength: 2 }),
    selector,
    notSelector: selector,
    namespaceSelector: fc.constantFrom('global()', 'team == "a"'),
    ports: fc.array(port, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const rule = fc.record(
  {
    action: fc.constantFrom('Allow', 'Deny', 'Log', 'Pass'),
    protocol: opt(fc.constantFrom('TCP', 'UDP', 6, '17')),
    source: opt(entity),
    destination: opt(entity),
    metadata: opt(fc.record({ annotations: labels })),
  },
  { requiredKeys: ['action'] },
);

const policySpec = fc.record(
  {
    tier: fc.constantFrom('default', 'security'),
    order: opt(fc.double({ min: -1e6, max: 1e6, noNaN: true })),
    selector,
    types: fc.subarray(['Ingress', 'Egress']),
    ingress: fc.array(rule, { maxLength: 2 }),
    egress: fc.array(rule, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const labelSelector = fc.record(
  {
    matchLabels: labels,
    matchExpressions: fc.array(
      fc.constantFrom(
        { key: 'a', operator: 'In', values: ['x', 'y'] },
        { key: 'b', operator: 'DoesNotExist' },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

const k8sSpec = fc.record(
  {
    podSelector: labelSelector,
    policyTypes: fc.subarray(['Ingress', 'Egress'] as const),
    ingress: fc.array(
      fc.record(
        {
          from: fc.array(fc.record({ podSelector: labelSelector }), { maxLength: 2 }),
          ports: fc.array(fc.record({ port: fc.constantFrom(80, 'http') }, { requiredKeys: [] }), {
            maxLength: 2,
          }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['podSelector'] },
);

const metadata = (namespaced: boolean) =>
  fc.record(
    {
      name: fc.constantFrom('a', 'web-1', 'x.y'),
      labels: opt(labels),
      annotations: opt(fc.dictionary(fc.constantFrom('note', 'b/c'), fc.string({ maxLength: 8 }))),
      ...(namespaced ? { namespace: fc.constantFrom('prod', 'default') } : {}),
    },
    { requiredKeys: ['name'] },
  );

const rawResource: fc.Arbitrary<Raw> = fc.oneof(
  fc.record({
    apiVersion: fc.constant('projectcalico.org/v3'),
    kind: fc.constantFrom('NetworkPolicy', 'StagedNetworkPolicy'),
    metadata: metadata(true),
    spec: policySpec,
  }),
  fc.record({
    apiVersion: fc.constant('projectcalico.org/v3'),
    kind: fc.constantFrom('GlobalNetworkPolicy', 'StagedGlobalNetworkPolicy'),
    metadata: metadata(false),
    spec: policySpec,
  }),
  fc.record({
    apiVersion: fc.constant('projectcalico.org/v3'),
    kind: fc.constant('Tier'),
    metadata: metadata(false),
    spec: fc.record(
      { order: fc.integer(), defaultAction: fc.constantFrom('Deny', 'Pass') },
      { requiredKeys: [] },
    ),
  }),
  fc
    .record({
      apiVersion: fc.constant('projectcalico.org/v3'),
      kind: fc.constantFrom('GlobalNetworkSet', 'NetworkSet'),
      metadata: metadata(true),
      spec: fc.record({ nets: fc.array(cidr) }),
    })
    .map((r) =>
      r.kind === 'GlobalNetworkSet' ? { ...r, metadata: { ...r.metadata, namespace: undefined } } : r,
    ),
  fc.record({
    apiVersion: fc.constant('networking.k8s.io/v1'),
    kind: fc.constant('NetworkPolicy'),
    metadata: metadata(true),
    spec: k8sSpec,
  }),
  fc.record({
    apiVersion: fc.constant('projectcalico.org/v3'),
    kind: fc.constant('StagedKubernetesNetworkPolicy'),
    metadata: metadata(true),
    spec: k8sSpec.map((s) => ({ ...s, stagedAction: 'Ignore' })),
  }),
);

const validResource = rawResource
  .map((raw) => validateResource(JSON.parse(JSON.stringify(raw)) as unknown).resource)
  .filter((r): r is PolicyResource => r !== undefined);

describe('canonical YAML properties', () => {
  it('generates a useful share of valid resources', () => {
    const samples = fc.sample(rawResource, { numRuns: 300, seed: 42 });
    const validCount = samples.filter(
      (s) => validateResource(JSON.parse(JSON.stringify(s)) as unknown).resource,
    ).length;
    expect(validCount).toBeGreaterThan(100);
  });

  it('parse → serialise → parse → serialise is a fixed point and preserves the resources', () => {
    fc.assert(
      fc.property(fc.array(validResource, { minLength: 1, maxLength: 4 }), (resources) => {
        const once = toCanonicalYaml(resources);
        const parsed = parseResourcesYaml(once);
        const unique = parsed.documents.filter((d) => d.resource !== undefined);
        expect(parsed.errors.every((e) => e.message.includes('defined more than once'))).toBe(true);
        const twice = toCanonicalYaml(unique.map((d) => d.resource!));
        expect(toCanonicalYaml(parseResourcesYaml(twice).documents.map((d) => d.resource!))).toBe(twice);
        expect(unique.map((d) => canonicalJson(d.resource!))).toEqual(
          resources
            .filter((_, i) => parsed.documents[i]!.resource !== undefined)
            .map((r) => canonicalJson(r)),
        );
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
