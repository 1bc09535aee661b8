// The policy indexes: applicability both ways, protection, and reachability computed with the full
// semantics (a higher-tier deny or a pod-owned address is not "the internet").

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolicyEngine } from '../src/engine/engine.js';
import { buildWorld } from '../src/engine/world.js';
import type { WorldInput } from '../src/engine/world-input.js';
import type { PolicyResource, Protocol, Rule } from '../src/resources/types.js';
import { PolicyIndex } from '../src/indexes/policy-index.js';
import { worldArb } from './support/random-world.js';

function np(
  name: string,
  namespace: string,
  selector: string,
  spec: { ingress?: Rule[]; egress?: Rule[]; order?: number; tier?: string },
): PolicyResource {
  const types: ('Ingress' | 'Egress')[] = [];
  if (spec.ingress) types.push('Ingress');
  if (spec.egress) types.push('Egress');
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { tier: 'default', selector, types, ...spec },
  };
}

function gnp(
  name: string,
  selector: string,
  spec: { ingress?: Rule[]; egress?: Rule[]; order?: number; tier?: string },
): PolicyResource {
  const types: ('Ingress' | 'Egress')[] = [];
  if (spec.ingress) types.push('Ingress');
  if (spec.egress) types.push('Egress');
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    metadata: { name },
    spec: { tier: 'default', selector, types, ...spec },
  };
}

function index(resources: PolicyResource[], extra: Partial<WorldInput> = {}): PolicyIndex {
  return new PolicyIndex(
    new PolicyEngine(
      buildWorld({
        namespaces: [{ name: 'a' }, { name: 'b' }],
        endpoints: [
          {
            namespace: 'a',
            name: 'web',
            labels: { app: 'web' },
            ips: ['10.0.0.1'],
            ports: [{ name: 'http', port: 8080 }],
          },
          { namespace: 'a', name: 'db', labels: { app: 'db' }, ips: ['10.0.0.2'] },
          { namespace: 'b', name: 'client', labels: { app: 'client' }, ips: ['10.0.1.1'] },
          { namespace: 'b', name: 'public-pod', labels: { app: 'edge' }, ips: ['203.0.113.77'] },
        ],
        resources,
        ...extra,
      }),
    ),
  );
}

describe('applicability', () => {
  const idx = index([
    {
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'sec' },
      spec: { order: 10, defaultAction: 'Deny' },
    },
    np('web-in', 'a', "app == 'web'", { ingress: [{ action: 'Allow' }] }),
    gnp('all-out', 'all()', { egress: [{ action: 'Pass' }], tier: 'sec' }),
    {
      apiVersion: 'projectcalico.org/v3',
      kind: 'StagedNetworkPolicy',
      metadata: { name: 'next', namespace: 'a' },
      spec: { tier: 'default', selector: 'all()', types: ['Ingress'], stagedAction: 'Set' },
    },
  ]);

  it('lists applied policies per direction in evaluation order', () => {
    expect(idx.appliedPolicies('a/web', 'ingress')).toEqual([
      { kind: 'np', namespace: 'a', name: 'web-in', tier: 'default', staged: false },
    ]);
    expect(idx.appliedPolicies('a/web', 'egress')).toEqual([
      { kind: 'gnp', name: 'all-out', tier: 'sec', staged: false },
    ]);
    expect(idx.appliedPolicies('a/web', 'ingress', { staged: true }).map((p) => p.name)).toEqual([
      'next',
      'web-in',
    ]);
  });

  it('lists the endpoints a policy selects', () => {
    expect(idx.selectedEndpoints({ kind: 'np', namespace: 'a', name: 'web-in' })).toEqual({
      ingress: ['a/web'],
      egress: [],
    });
    expect(idx.selectedEndpoints({ kind: 'gnp', name: 'all-out' }).egress).toHaveLength(4);
    expect(idx.selectedEndpoints({ kind: 'gnp', name: 'missing' })).toEqual({ ingress: [], egress: [] });
  });

  it('marks protection from policy types, not rule content', () => {
    const e = idx.exposure('a/web');
    expect([e.ingressProtected, e.egressProtected]).toEqual([true, true]);
    expect(idx.exposure('a/db').ingressProtected).toBe(false);
  });
});

describe('reachability from the internet', () => {
  it('is true for an unprotected pod (profile allows)', () => {
    expect(index([]).exposure('a/web').ingressFromInternet).toBe(true);
  });

  it('is false when only private sources are allowed', () => {
    const idx = index([
      np('web', 'a', 'all()', { ingress: [{ action: 'Allow', source: { nets: ['10.0.0.0/8'] } }] }),
    ]);
    expect(idx.exposure('a/web').ingressFromInternet).toBe(false);
  });

  it('finds a single allowed public /32 on a single port', () => {
    const idx = index([
      np('web', 'a', 'all()', {
        ingress: [
          {
            action: 'Allow',
            protocol: 'TCP',
            source: { nets: ['198.51.100.7/32'] },
            destination: { ports: [8443] },
          },
        ],
      }),
    ]);
    expect(idx.exposure('a/web').ingressFromInternet).toBe(true);
  });

  it('honours a higher-tier deny that Calico’s over-approximation would miss', () => {
    const idx = index([
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'Tier',
        metadata: { name: 'sec' },
        spec: { order: 10, defaultAction: 'Pass' },
      },
      gnp('block-public', 'all()', {
        tier: 'sec',
        ingress: [{ action: 'Deny', source: { notNets: ['10.0.0.0/8'] } }],
      }),
      np('web', 'a', 'all()', { ingress: [{ action: 'Allow', source: { nets: ['0.0.0.0/0'] } }] }),
    ]);
    expect(idx.exposure('a/web').ingressFromInternet).toBe(false);
    expect(idx.exposure('a/web').ingressFromOtherNamespaces).toBe(true);
  });

  it('does not count a public address owned by a pod as the internet', () => {
    const idx = index([
      np('web', 'a', 'all()', { ingress: [{ action: 'Allow', source: { nets: ['203.0.113.77/32'] } }] }),
    ]);
    expect(idx.exposure('a/web').ingressFromInternet).toBe(false);
  });

  it('counts public CIDRs reached through a network-set selector', () => {
    const idx = index([
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'GlobalNetworkSet',
        metadata: { name: 'partners', labels: { partner: 'yes' } },
        spec: { nets: ['192.0.2.0/28'] },
      },
      gnp('web', "app == 'web'", {
        ingress: [{ action: 'Allow', source: { selector: "partner == 'yes'" } }],
      }),
    ]);
    expect(idx.exposure('a/web').ingressFromInternet).toBe(true);
    expect(idx.exposure('a/web').ingressFromOtherNamespaces).toBe(false);
  });

  it('computes egress to the internet', () => {
    const idx = index([
      np('db', 'a', "app == 'db'", { egress: [{ action: 'Allow', destination: { nets: ['10.0.0.0/8'] } }] }),
    ]);
    expect(idx.exposure('a/db').egressToInternet).toBe(false);
    expect(idx.exposure('a/web').egressToInternet).toBe(true);
  });
});

describe('reachability from other namespaces', () => {
  it('is false when only the own namespace is allowed', () => {
    const idx = index([
      np('db', 'a', "app == 'db'", { ingress: [{ action: 'Allow', source: { selector: 'all()' } }] }),
    ]);
    expect(idx.exposure('a/db').ingressFromOtherNamespaces).toBe(false);
  });

  it('needs the peer’s egress to allow too', () => {
    const allowB = np('db', 'a', "app == 'db'", {
      ingress: [{ action: 'Allow', source: { namespaceSelector: "kubernetes.io/metadata.name == 'b'" } }],
    });
    expect(index([allowB]).exposure('a/db').ingressFromOtherNamespaces).toBe(true);
    const lockB = np('lock', 'b', 'all()', {
      egress: [{ action: 'Allow', destination: { nets: ['8.8.8.8/32'] } }],
    });
    expect(index([allowB, lockB]).exposure('a/db').ingressFromOtherNamespaces).toBe(false);
    expect(index([allowB, lockB]).exposure('b/client').egressToOtherNamespaces).toBe(false);
  });

  it('reports every endpoint', () => {
    expect(
      index([])
        .report()
        .map((r) => r.endpoint),
    ).toEqual(['a/web', 'a/db', 'b/client', 'b/public-pod']);
  });
});

describe('reachability never misses an allowed connection', () => {
  it('agrees with random probes on random worlds (internet and other namespaces)', () => {
    const publicV4 = fc
      .tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.nat(255))
      .filter(
        ([a, b]) =>
          a !== 10 &&
          a !== 127 &&
          !(a === 172 && b >= 16 && b < 32) &&
          !(a === 192 && b === 168) &&
          !(a === 169 && b === 254),
      )
      .map((parts) => parts.join('.'));
    const ip = fc.oneof(publicV4, fc.constantFrom('203.0.113.9', '8.8.8.8', '192.0.2.1'));
    // A connection carries ports only for a protocol that has them (evaluation-scenarios.md: "omit
    // for ICMP"); ICMP and other protocols are probed without.
    const probe = fc.oneof(
      fc.record({
        ip,
        protocol: fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'),
        port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(80, 443, 8080, 53)),
        sourcePort: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(53, 80)),
      }),
      fc.record({ ip, protocol: fc.constantFrom<Protocol>('ICMP', 47) }),
    );
    fc.assert(
      fc.property(worldArb, fc.array(probe, { minLength: 1, maxLength: 25 }), (input, probes) => {
        const engine = new PolicyEngine(buildWorld(input));
        const idx = new PolicyIndex(engine);
        for (const e of engine.world.endpoints.filter((x) => x.kind === 'wep')) {
          const exposure = idx.exposure(e.key);
          for (const p of probes) {
            const { ip, ...rest } = p;
            const inbound = engine.evaluate({ source: { ip }, destination: { endpoint: e.key }, ...rest });
            if (inbound.ingress?.action === 'allow')
              expect(exposure.ingressFromInternet, `${ip} → ${e.key}`).toBe(true);
            const outbound = engine.evaluate({ source: { endpoint: e.key }, destination: { ip }, ...rest });
            if (outbound.egress?.action === 'allow')
              expect(exposure.egressToInternet, `${e.key} → ${ip}`).toBe(true);
          }
          for (const peer of engine.world.endpoints.filter(
            (x) => x.kind === 'wep' && x.namespace !== e.namespace,
          )) {
            const { ip: _ip, ...rest } = probes[0]!;
            const v = engine.evaluate({
              source: { endpoint: peer.key },
              destination: { endpoint: e.key },
              ...rest,
            });
            if (v.action === 'allow')
              expect(exposure.ingressFromOtherNamespaces, `${peer.key} → ${e.key}`).toBe(true);
            const w = engine.evaluate({
              source: { endpoint: e.key },
              destination: { endpoint: peer.key },
              ...rest,
            });
            if (w.action === 'allow')
              expect(exposure.egressToOtherNamespaces, `${e.key} → ${peer.key}`).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
