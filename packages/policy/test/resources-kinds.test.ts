// Per-kind validation and defaulting (calico-semantics §2.1–2.3, §2.5–2.9): identification,
// naming, metadata, Tier, policy specs, staged kinds, network sets, host endpoints and Kubernetes
// NetworkPolicy.

import { describe, expect, it } from 'vitest';
import { validateResource } from '../src/resources/index.js';
import { calico, errorsOf, gnp, knp, np, type Raw } from './resources-builders.js';

type Row = [name: string, doc: Raw, path: string, message: RegExp];

function expectRejected(doc: unknown, path: string, message: RegExp): void {
  const errors = errorsOf(doc);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.path).toBe(path);
  expect(errors[0]!.message).toMatch(message);
}

const accepts = (doc: unknown): void => {
  expect(errorsOf(doc)).toEqual([]);
};

describe('identification', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['a non-object', 'kind: Tier', '', /must be an object with apiVersion, kind/],
    [
      'missing apiVersion',
      { kind: 'Tier', metadata: { name: 'a' } },
      'apiVersion',
      /^apiVersion is required$/,
    ],
    [
      'missing kind',
      { apiVersion: 'projectcalico.org/v3', metadata: { name: 'a' } },
      'kind',
      /^kind is required$/,
    ],
    [
      'unknown apiVersion',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } },
      'apiVersion',
      /apiVersion "v1" is not supported/,
    ],
    [
      'crd API',
      { apiVersion: 'crd.projectcalico.org/v1', kind: 'Tier', metadata: { name: 'a' } },
      'apiVersion',
      /write apiVersion projectcalico.org\/v3/,
    ],
    [
      'unknown Calico kind',
      calico('Profile', {}, { name: 'a' }),
      'kind',
      /kind "Profile" is not supported for projectcalico.org\/v3/,
    ],
    [
      'unknown k8s kind',
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'a' } },
      'kind',
      /only NetworkPolicy is/,
    ],
    ['unknown top-level field', { ...gnp(), extra: 1 }, 'extra', /^unknown field "extra"$/],
    [
      'missing metadata',
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier' },
      'metadata',
      /metadata is required/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));

  it('ignores status', () => accepts({ ...calico('Tier', {}, { name: 'a' }), status: { conditions: [] } }));
});

describe('names', () => {
  it.each<[string, unknown]>([
    ['tier', calico('Tier', {}, { name: 'security-1' })],
    ['NP with one dot', np({}, { name: 'security.allow-web' })],
    ['NP with knp.default. prefix', np({}, { name: 'knp.default.a.b.c' })],
    ['NP with ossg.default. prefix', np({}, { name: 'ossg.default.sg-1' })],
    ['GNP with one dot', gnp({}, { name: 'security.quarantine' })],
    ['63-char tier', calico('Tier', {}, { name: 'a'.repeat(63) })],
    [
      '253-char network set',
      calico('GlobalNetworkSet', {}, { name: `${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(61) }),
    ],
    [
      'subdomain SKNP',
      calico('StagedKubernetesNetworkPolicy', { podSelector: {} }, { name: 'a.b.c', namespace: 'x' }),
    ],
    ['subdomain K8s NP', knp({ podSelector: {} }, { name: 'a.b.c' })],
  ])('accepts %s', (_name, doc) => accepts(doc));

  it.each<Row>([
    [
      'tier with a dot',
      calico('Tier', {}, { name: 'a.b' }),
      'metadata.name',
      /^Tier name "a.b" is not valid: use lowercase letters, digits and "-"/,
    ],
    ['64-char tier', calico('Tier', {}, { name: 'a'.repeat(64) }), 'metadata.name', /at most 63 characters/],
    [
      'NP with two dots',
      np({}, { name: 'a.b.c' }),
      'metadata.name',
      /NetworkPolicy name "a.b.c" is not valid/,
    ],
    [
      'GNP with knp prefix',
      gnp({}, { name: 'knp.default.x' }),
      'metadata.name',
      /GlobalNetworkPolicy name "knp.default.x" is not valid/,
    ],
    ['uppercase name', np({}, { name: 'Allow' }), 'metadata.name', /is not valid/],
    [
      'trailing dash',
      calico('NetworkSet', {}, { name: 'a-', namespace: 'x' }),
      'metadata.name',
      /is not valid/,
    ],
    ['missing name', np({}, { name: undefined }), 'metadata.name', /^metadata.name is required$/],
    [
      '254-char name',
      calico('HostEndpoint', { node: 'n', interfaceName: '*' }, { name: 'a'.repeat(254) }),
      'metadata.name',
      /at most 253/,
    ],
    ['bad namespace', np({}, { namespace: 'Prod' }), 'metadata.namespace', /namespace "Prod" is not valid/],
    [
      'namespace on a cluster kind',
      gnp({}, { namespace: 'prod' }),
      'metadata.namespace',
      /GlobalNetworkPolicy is cluster-scoped and cannot have a namespace/,
    ],
    [
      'generateName',
      np({}, { generateName: 'p-' }),
      'metadata.generateName',
      /generateName is not supported/,
    ],
    ['unknown metadata field', np({}, { owner: 'me' }), 'metadata.owner', /^unknown field "owner"$/],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));

  it('defaults a missing namespace like kubectl apply does', () => {
    const { resource } = validateResource(np({}, { namespace: undefined }));
    expect(resource?.metadata.namespace).toBe('default');
    expect(
      validateResource(np({}, { namespace: undefined }), { defaultNamespace: 'prod' }).resource?.metadata
        .namespace,
    ).toBe('prod');
  });

  it('accepts and drops read-only server fields, and configured extra fields', () => {
    const doc = np({}, { uid: 'u', resourceVersion: '1', creationTimestamp: 'x', palisadeCluster: 'c' });
    expect(errorsOf(doc)).toEqual([
      { path: 'metadata.palisadeCluster', message: 'unknown field "palisadeCluster"' },
    ]);
    const { resource, errors } = validateResource(doc, { extraMetadataFields: ['palisadeCluster'] });
    expect(errors).toEqual([]);
    expect(Object.keys(resource!.metadata)).toEqual(['name', 'namespace', 'labels']);
  });
});

describe('labels and annotations', () => {
  it('accepts qualified label keys and values', () => {
    accepts(
      np(
        {},
        {
          labels: { 'app.kubernetes.io/name': 'web_1.2', team: '' },
          annotations: { 'example.com/owner': 'anything at all: 🙂' },
        },
      ),
    );
  });

  it.each<Row>([
    [
      'bad label key',
      np({}, { labels: { 'bad key': 'x' } }),
      'metadata.labels["bad key"]',
      /label key "bad key" is not valid/,
    ],
    [
      'bad label key prefix',
      np({}, { labels: { 'Example.com/a': 'x' } }),
      'metadata.labels["Example.com/a"]',
      /invalid prefix/,
    ],
    [
      'bad label value',
      np({}, { labels: { a: 'x y' } }),
      'metadata.labels.a',
      /label value "x y" is not valid/,
    ],
    ['64-char label value', np({}, { labels: { a: 'v'.repeat(64) } }), 'metadata.labels.a', /at most 63/],
    [
      'non-string label value',
      np({}, { labels: { a: 1 } }),
      'metadata.labels.a',
      /must be a string, not a number/,
    ],
    [
      'bad annotation key',
      np({}, { annotations: { '/x': 'y' } }),
      'metadata.annotations["/x"]',
      /annotation key/,
    ],
    [
      'oversized annotations',
      np({}, { annotations: { a: 'x'.repeat(256 * 1024) } }),
      'metadata.annotations',
      /at most 256 KiB/,
    ],
    [
      'namespace label on a NetworkSet',
      calico('NetworkSet', {}, { name: 's', namespace: 'x', labels: { 'projectcalico.org/namespace': 'x' } }),
      'metadata.labels["projectcalico.org/namespace"]',
      /is reserved/,
    ],
    [
      'namespace label on a GlobalNetworkSet',
      calico('GlobalNetworkSet', {}, { name: 's', labels: { 'projectcalico.org/namespace': 'x' } }),
      'metadata.labels["projectcalico.org/namespace"]',
      /is reserved/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));

  it('keeps label keys such as constructor as data and rejects __proto__ as a key', () => {
    const { resource } = validateResource(np({}, { labels: { constructor: 'x', toString: 'y' } }));
    expect(resource!.metadata.labels).toEqual({
      constructor: 'x',
      toString: 'y',
      'projectcalico.org/tier': 'default',
    });
    const labels = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    expectRejected(np({}, { labels }), 'metadata.labels.__proto__', /label key "__proto__" is not valid/);
  });
});

describe('Tier', () => {
  it('defaults order and defaultAction', () => {
    expect(validateResource(calico('Tier', undefined, { name: 'security' })).resource?.spec).toEqual({
      order: 1_000_000,
      defaultAction: 'Deny',
    });
    expect(
      validateResource(calico('Tier', { order: 100.5, defaultAction: 'Pass' }, { name: 'security' })).resource
        ?.spec,
    ).toEqual({
      order: 100.5,
      defaultAction: 'Pass',
    });
  });

  it('defaults built-in tiers to their fixed values', () => {
    expect(validateResource(calico('Tier', {}, { name: 'kube-admin' })).resource?.spec).toEqual({
      order: 1000,
      defaultAction: 'Pass',
    });
    expect(validateResource(calico('Tier', {}, { name: 'kube-baseline' })).resource?.spec).toEqual({
      order: 10_000_000,
      defaultAction: 'Pass',
    });
    expect(validateResource(calico('Tier', {}, { name: 'default' })).resource?.spec).toEqual({
      order: 1_000_000,
      defaultAction: 'Deny',
    });
  });

  it.each<Row>([
    [
      'lowercase action',
      calico('Tier', { defaultAction: 'pass' }, { name: 't' }),
      'spec.defaultAction',
      /must be one of Deny, Pass/,
    ],
    [
      'Allow action',
      calico('Tier', { defaultAction: 'Allow' }, { name: 't' }),
      'spec.defaultAction',
      /must be one of Deny, Pass/,
    ],
    [
      'string order',
      calico('Tier', { order: '100' }, { name: 't' }),
      'spec.order',
      /must be a finite number, not a string/,
    ],
    [
      'default tier with Pass',
      calico('Tier', { defaultAction: 'Pass' }, { name: 'default' }),
      'spec.defaultAction',
      /built-in tier "default" must have defaultAction Deny/,
    ],
    [
      'kube-admin with Deny',
      calico('Tier', { defaultAction: 'Deny' }, { name: 'kube-admin' }),
      'spec.defaultAction',
      /must have defaultAction Pass/,
    ],
    [
      'kube-baseline reordered',
      calico('Tier', { order: 5 }, { name: 'kube-baseline' }),
      'spec.order',
      /must have order 10000000/,
    ],
    ['unknown field', calico('Tier', { priority: 1 }, { name: 't' }), 'spec.priority', /unknown field/],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('NetworkPolicy and GlobalNetworkPolicy', () => {
  it.each<[string, Raw, string[]]>([
    ['no rules', np(), ['Ingress']],
    ['ingress only', np({ ingress: [{ action: 'Allow' }] }), ['Ingress']],
    ['egress only', np({ egress: [{ action: 'Allow' }] }), ['Egress']],
    ['both', np({ ingress: [{ action: 'Deny' }], egress: [{ action: 'Allow' }] }), ['Ingress', 'Egress']],
    ['empty types list', np({ types: [], egress: [{ action: 'Allow' }] }), ['Egress']],
    ['explicit types kept', np({ types: ['Egress'] }), ['Egress']],
  ])('defaults types with %s', (_name, doc, types) => {
    expect((validateResource(doc).resource?.spec as { types: string[] }).types).toEqual(types);
  });

  it('defaults the tier and keeps the tier label equal to it', () => {
    const plain = validateResource(np()).resource!;
    expect(plain.spec).toMatchObject({ tier: 'default' });
    expect(plain.metadata.labels).toEqual({ 'projectcalico.org/tier': 'default' });
    const tiered = validateResource(
      gnp({ tier: 'security' }, { labels: { 'projectcalico.org/tier': 'wrong', a: 'b' } }),
    ).resource!;
    expect(tiered.metadata.labels).toEqual({ 'projectcalico.org/tier': 'security', a: 'b' });
  });

  it('keeps spec fields in declaration order', () => {
    const doc = gnp({
      egress: [],
      types: ['Ingress'],
      selector: 'has(a)',
      order: 10,
      tier: 'security',
      namespaceSelector: 'has(b)',
    });
    expect(Object.keys(validateResource(doc).resource!.spec)).toEqual([
      'tier',
      'order',
      'selector',
      'namespaceSelector',
      'types',
      'egress',
    ]);
  });

  it.each<[string, Raw]>([
    [
      'a full GNP',
      gnp({
        tier: 'security',
        order: 1.5,
        selector: "role == 'db'",
        serviceAccountSelector: 'has(x)',
        namespaceSelector: 'team in {"a","b"}',
        types: ['Ingress', 'Egress'],
        ingress: [{ action: 'Deny' }],
        egress: [{ action: 'Pass' }],
        doNotTrack: true,
        applyOnForward: true,
        performanceHints: ['AssumeNeededOnEveryNode'],
      }),
    ],
    [
      'preDNAT with applyOnForward',
      gnp({ preDNAT: true, applyOnForward: true, ingress: [{ action: 'Deny' }] }),
    ],
    ['1024-char selector', np({ selector: `a == "${'x'.repeat(1017)}"` })],
    ['legacy tier-prefixed name in another tier', np({ tier: 'security' }, { name: 'security.allow' })],
    ['dotted name that is not the tier', np({ tier: 'security' }, { name: 'other.allow' })],
  ])('accepts %s', (_name, doc) => accepts(doc));

  it.each<Row>([
    ['bad tier name', np({ tier: 'Security' }), 'spec.tier', /tier "Security" is not valid/],
    [
      'namespaceSelector on NP',
      np({ namespaceSelector: 'all()' }),
      'spec.namespaceSelector',
      /only available on global policies/,
    ],
    ['doNotTrack on NP', np({ doNotTrack: true }), 'spec.doNotTrack', /only available on global policies/],
    [
      'global() in spec.selector',
      np({ selector: 'global()' }),
      'spec.selector',
      /may only be used in a rule namespaceSelector/,
    ],
    [
      'global() in GNP namespaceSelector',
      gnp({ namespaceSelector: 'global()' }),
      'spec.namespaceSelector',
      /may only be used in a rule namespaceSelector/,
    ],
    [
      'global() in serviceAccountSelector',
      gnp({ serviceAccountSelector: '!global()' }),
      'spec.serviceAccountSelector',
      /may only be used/,
    ],
    ['unparseable selector', np({ selector: 'app == web' }), 'spec.selector', /does not parse/],
    [
      '1025-char selector',
      np({ selector: `a == "${'x'.repeat(1018)}"` }),
      'spec.selector',
      /at most 1024 characters/,
    ],
    ['lowercase type', np({ types: ['ingress'] }), 'spec.types[0]', /must be one of Ingress, Egress/],
    ['duplicate type', np({ types: ['Ingress', 'Ingress'] }), 'spec.types[1]', /listed more than once/],
    ['order as string', np({ order: 'first' }), 'spec.order', /must be a finite number/],
    [
      '1025 ingress rules',
      np({ ingress: Array.from({ length: 1025 }, () => ({ action: 'Allow' })) }),
      'spec.ingress',
      /at most 1024 entries/,
    ],
    [
      'unknown performance hint',
      np({ performanceHints: ['Fast'] }),
      'spec.performanceHints[0]',
      /AssumeNeededOnEveryNode/,
    ],
    [
      'doNotTrack without applyOnForward',
      gnp({ doNotTrack: true }),
      'spec.applyOnForward',
      /^doNotTrack requires applyOnForward: true$/,
    ],
    [
      'preDNAT without applyOnForward',
      gnp({ preDNAT: true }),
      'spec.applyOnForward',
      /^preDNAT requires applyOnForward: true$/,
    ],
    [
      'doNotTrack and preDNAT',
      gnp({ doNotTrack: true, preDNAT: true, applyOnForward: true }),
      'spec.preDNAT',
      /cannot both be true/,
    ],
    [
      'preDNAT with Egress type',
      gnp({ preDNAT: true, applyOnForward: true, types: ['Egress'] }),
      'spec.types',
      /cannot have type Egress/,
    ],
    [
      'applyOnForward as string',
      gnp({ applyOnForward: 'yes' }),
      'spec.applyOnForward',
      /must be true or false/,
    ],
    ['stagedAction on an enforced kind', np({ stagedAction: 'Set' }), 'spec.stagedAction', /unknown field/],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));

  it('rejects preDNAT with egress rules (which also default the Egress type)', () => {
    expect(errorsOf(gnp({ preDNAT: true, applyOnForward: true, egress: [{ action: 'Allow' }] }))).toEqual([
      { path: 'spec.egress', message: 'a preDNAT policy cannot have egress rules' },
      { path: 'spec.types', message: 'a preDNAT policy cannot have type Egress' },
    ]);
  });

  it('rejects more than two types', () => {
    expect(errorsOf(np({ types: ['Ingress', 'Egress', 'Ingress'] }))).toContainEqual({
      path: 'spec.types',
      message: 'must have at most 2 entries (has 3)',
    });
  });

  it('reports every error of a document, not only the first', () => {
    expect(
      errorsOf(np({ tier: 'A', selector: '(', ingress: [{ action: 'Nope' }] })).map((e) => e.path),
    ).toEqual(['spec.tier', 'spec.ingress[0].action', 'spec.selector']);
  });
});

describe('staged policies', () => {
  it('defaults stagedAction to Set and validates like the enforced kind', () => {
    const { resource } = validateResource(
      calico('StagedNetworkPolicy', { ingress: [{ action: 'Allow' }] }, { name: 'p', namespace: 'x' }),
    );
    expect(resource?.spec).toMatchObject({ stagedAction: 'Set', tier: 'default', types: ['Ingress'] });
    expect(resource?.metadata.labels).toEqual({ 'projectcalico.org/tier': 'default' });
    expectRejected(
      calico(
        'StagedGlobalNetworkPolicy',
        { stagedAction: 'Learn', ingress: [{ action: 'Allow', protocol: 'tcp' }] },
        { name: 'p' },
      ),
      'spec.ingress[0].protocol',
      /case-sensitive/,
    );
  });

  it.each(['Set', 'Delete', 'Learn', 'Ignore'])('accepts stagedAction %s', (stagedAction) => {
    accepts(calico('StagedGlobalNetworkPolicy', { stagedAction }, { name: 'p' }));
  });

  it('reports an unknown field of a Delete once', () => {
    expect(
      errorsOf(calico('StagedGlobalNetworkPolicy', { stagedAction: 'Delete', bogus: 1 }, { name: 'p' })),
    ).toEqual([{ path: 'spec.bogus', message: 'unknown field "bogus"' }]);
  });

  it('accepts a Delete that only names the policy and its tier', () => {
    const { resource } = validateResource(
      calico(
        'StagedNetworkPolicy',
        { stagedAction: 'Delete', tier: 'security', types: [] },
        { name: 'p', namespace: 'x' },
      ),
    );
    expect(resource?.spec).toEqual({ tier: 'security', types: [], stagedAction: 'Delete' });
    const sknp = validateResource(
      calico(
        'StagedKubernetesNetworkPolicy',
        { stagedAction: 'Delete', podSelector: {} },
        { name: 'p', namespace: 'x' },
      ),
    );
    expect(sknp.resource?.spec).toEqual({ podSelector: {}, stagedAction: 'Delete' });
  });

  it.each<Row>([
    [
      'Delete with rules',
      calico(
        'StagedNetworkPolicy',
        { stagedAction: 'Delete', ingress: [{ action: 'Allow' }] },
        { name: 'p', namespace: 'x' },
      ),
      'spec.ingress',
      /stagedAction Delete may not set ingress/,
    ],
    [
      'Delete with a selector',
      calico('StagedGlobalNetworkPolicy', { stagedAction: 'Delete', selector: 'all()' }, { name: 'p' }),
      'spec.selector',
      /may not set selector/,
    ],
    [
      'Delete SKNP with a podSelector',
      calico(
        'StagedKubernetesNetworkPolicy',
        { stagedAction: 'Delete', podSelector: { matchLabels: { a: 'b' } } },
        { name: 'p', namespace: 'x' },
      ),
      'spec.podSelector',
      /may not set podSelector/,
    ],
    [
      'unknown stagedAction',
      calico('StagedNetworkPolicy', { stagedAction: 'delete' }, { name: 'p', namespace: 'x' }),
      'spec.stagedAction',
      /must be one of Set, Delete, Learn, Ignore/,
    ],
    [
      'SKNP without podSelector',
      calico('StagedKubernetesNetworkPolicy', {}, { name: 'p', namespace: 'x' }),
      'spec.podSelector',
      /podSelector is required/,
    ],
    [
      'SKNP with a tier',
      calico('StagedKubernetesNetworkPolicy', { podSelector: {}, tier: 'x' }, { name: 'p', namespace: 'x' }),
      'spec.tier',
      /unknown field/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('NetworkSet and GlobalNetworkSet', () => {
  it('accepts IPs and CIDRs of both families, unmasked too', () => {
    accepts(
      calico(
        'NetworkSet',
        { nets: ['198.51.100.0/24', '2001:db8::/32', '10.0.0.1', '10.0.0.1/8', '::ffff:1.2.3.4'] },
        { name: 's', namespace: 'x' },
      ),
    );
    accepts(calico('GlobalNetworkSet', undefined, { name: 's', labels: { role: 'partner' } }));
  });

  it.each<Row>([
    [
      'bad net',
      calico('GlobalNetworkSet', { nets: ['300.0.0.0/8'] }, { name: 's' }),
      'spec.nets[0]',
      /"300.0.0.0\/8" is not a valid IP address or CIDR/,
    ],
    [
      'bad IPv6',
      calico('GlobalNetworkSet', { nets: ['1::2::3'] }, { name: 's' }),
      'spec.nets[0]',
      /not a valid/,
    ],
    [
      'allowedEgressDomains',
      calico('GlobalNetworkSet', { allowedEgressDomains: ['a.com'] }, { name: 's' }),
      'spec.allowedEgressDomains',
      /Calico Enterprise/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('HostEndpoint', () => {
  it.each<[string, Raw]>([
    ['an interface', calico('HostEndpoint', { node: 'node-1', interfaceName: 'eth0' }, { name: 'h' })],
    [
      'all interfaces',
      calico(
        'HostEndpoint',
        { node: 'node-1', interfaceName: '*', profiles: ['projectcalico-default-allow'] },
        { name: 'h' },
      ),
    ],
    [
      'expected IPs only',
      calico(
        'HostEndpoint',
        {
          node: 'n',
          expectedIPs: ['10.0.0.1', 'fd00::1'],
          ports: [{ name: 'ssh', protocol: 'TCP', port: 22 }],
        },
        { name: 'h' },
      ),
    ],
  ])('accepts %s', (_name, doc) => accepts(doc));

  it.each<Row>([
    ['no spec', calico('HostEndpoint', undefined, { name: 'h' }), 'spec', /spec is required/],
    [
      'no node',
      calico('HostEndpoint', { interfaceName: 'eth0' }, { name: 'h' }),
      'spec.node',
      /^spec.node is required$/,
    ],
    [
      'neither interface nor IPs',
      calico('HostEndpoint', { node: 'n' }, { name: 'h' }),
      'spec.expectedIPs',
      /without interfaceName must list its expectedIPs/,
    ],
    [
      'long interface name',
      calico('HostEndpoint', { node: 'n', interfaceName: 'a'.repeat(16) }, { name: 'h' }),
      'spec.interfaceName',
      /at most 15/,
    ],
    [
      'CIDR as expected IP',
      calico('HostEndpoint', { node: 'n', expectedIPs: ['10.0.0.0/8'] }, { name: 'h' }),
      'spec.expectedIPs[0]',
      /not a valid IP address/,
    ],
    [
      'port without protocol',
      calico(
        'HostEndpoint',
        { node: 'n', interfaceName: 'e', ports: [{ name: 'ssh', port: 22 }] },
        { name: 'h' },
      ),
      'spec.ports[0].protocol',
      /protocol is required/,
    ],
    [
      'ICMP port',
      calico(
        'HostEndpoint',
        { node: 'n', interfaceName: 'e', ports: [{ name: 'x', protocol: 'ICMP', port: 1 }] },
        { name: 'h' },
      ),
      'spec.ports[0].protocol',
      /TCP, UDP, SCTP/,
    ],
    [
      'port 0',
      calico(
        'HostEndpoint',
        { node: 'n', interfaceName: 'e', ports: [{ name: 'x', protocol: 'TCP', port: 0 }] },
        { name: 'h' },
      ),
      'spec.ports[0].port',
      /1 to 65535/,
    ],
    [
      'bad port name',
      calico(
        'HostEndpoint',
        { node: 'n', interfaceName: 'e', ports: [{ name: '80', protocol: 'TCP', port: 80 }] },
        { name: 'h' },
      ),
      'spec.ports[0].name',
      /not a valid port name/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('Kubernetes NetworkPolicy', () => {
  const full = {
    podSelector: {
      matchLabels: { app: 'db' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'x', operator: 'Exists' },
      ],
    },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { podSelector: {} },
          { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'api' } } },
          { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
        ],
        ports: [
          { port: 5432 },
          { protocol: 'UDP', port: 'dns' },
          { protocol: 'SCTP', port: 1000, endPort: 2000 },
        ],
      },
    ],
    egress: [{}, { to: [{ ipBlock: { cidr: '2001:db8::/32' } }] }],
  };

  it('accepts every field and defaults port protocols to TCP', () => {
    const { resource, errors } = validateResource(knp(full));
    expect(errors).toEqual([]);
    expect(resource?.spec).toMatchObject({
      ingress: [{ ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'UDP' }, { protocol: 'SCTP' }] }],
    });
    expect(resource?.spec).not.toHaveProperty('tier');
  });

  it('keeps policyTypes as written', () => {
    expect(validateResource(knp({ podSelector: {}, egress: [{}] })).resource?.spec).toEqual({
      podSelector: {},
      egress: [{}],
    });
  });

  it.each<Row>([
    [
      'missing podSelector',
      knp({}),
      'spec.podSelector',
      /^podSelector is required; use \{\} to select every pod in the namespace$/,
    ],
    ['missing spec', { ...knp(), spec: undefined }, 'spec', /spec is required/],
    [
      'bad operator',
      knp({ podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] } }),
      'spec.podSelector.matchExpressions[0].operator',
      /In, NotIn, Exists, DoesNotExist/,
    ],
    [
      'In without values',
      knp({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }),
      'spec.podSelector.matchExpressions[0].values',
      /operator In needs at least one value/,
    ],
    [
      'Exists with values',
      knp({ podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } }),
      'spec.podSelector.matchExpressions[0].values',
      /operator Exists takes no values/,
    ],
    [
      'bad matchLabels key',
      knp({ podSelector: { matchLabels: { 'a b': 'x' } } }),
      'spec.podSelector.matchLabels["a b"]',
      /label key/,
    ],
    [
      'empty peer',
      knp({ podSelector: {}, ingress: [{ from: [{}] }] }),
      'spec.ingress[0].from[0]',
      /must set podSelector, namespaceSelector or ipBlock/,
    ],
    [
      'ipBlock with podSelector',
      knp({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }),
      'spec.egress[0].to[0]',
      /ipBlock cannot be combined/,
    ],
    [
      'ipBlock with a bare IP',
      knp({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.1' } }] }] }),
      'spec.ingress[0].from[0].ipBlock.cidr',
      /not a valid CIDR/,
    ],
    [
      'except outside cidr',
      knp({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }],
      }),
      'spec.ingress[0].from[0].ipBlock.except[0]',
      /strict subset of 10.0.0.0\/16/,
    ],
    [
      'except equal to cidr',
      knp({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }] }],
      }),
      'spec.ingress[0].from[0].ipBlock.except[0]',
      /strict subset/,
    ],
    [
      'lowercase protocol',
      knp({ podSelector: {}, ingress: [{ ports: [{ protocol: 'tcp', port: 80 }] }] }),
      'spec.ingress[0].ports[0].protocol',
      /TCP, UDP, SCTP/,
    ],
    [
      'port 0',
      knp({ podSelector: {}, ingress: [{ ports: [{ port: 0 }] }] }),
      'spec.ingress[0].ports[0].port',
      /1 to 65535/,
    ],
    [
      'bad port name',
      knp({ podSelector: {}, ingress: [{ ports: [{ port: 'web--1' }] }] }),
      'spec.ingress[0].ports[0].port',
      /not a valid port name/,
    ],
    [
      'endPort with named port',
      knp({ podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }),
      'spec.ingress[0].ports[0].endPort',
      /requires a numeric port/,
    ],
    [
      'endPort below port',
      knp({ podSelector: {}, ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }),
      'spec.ingress[0].ports[0].endPort',
      /must not be less than port 90/,
    ],
    [
      'bad policyType',
      knp({ podSelector: {}, policyTypes: ['Both'] }),
      'spec.policyTypes[0]',
      /Ingress, Egress/,
    ],
    [
      'duplicate policyType',
      knp({ podSelector: {}, policyTypes: ['Egress', 'Egress'] }),
      'spec.policyTypes[1]',
      /more than once/,
    ],
    [
      'unknown rule field',
      knp({ podSelector: {}, ingress: [{ to: [] }] }),
      'spec.ingress[0].to',
      /unknown field "to"/,
    ],
    ['bad name', knp({ podSelector: {} }, { name: 'A' }), 'metadata.name', /is not valid/],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});
