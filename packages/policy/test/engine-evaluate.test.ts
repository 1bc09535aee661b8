// The engine's public evaluate() API: connection resolution (families, explicit addresses,
// errors naming the field), pending presence, and shared immutable verdicts.

import { describe, expect, it } from 'vitest';
import { buildWorld, ConnectionError, PolicyEngine, WorldError, type PolicyResource } from '../src/index.js';

const world = (resources: PolicyResource[] = []) =>
  buildWorld({
    namespaces: [{ name: 'a' }],
    endpoints: [
      { namespace: 'a', name: 'dual', ips: ['10.0.0.1', 'fd00::1'] },
      { namespace: 'a', name: 'v6', ips: ['fd00::2'] },
      { namespace: 'a', name: 'v4', ips: ['10.0.0.3'] },
    ],
    resources,
  });

const denyV6: PolicyResource = {
  apiVersion: 'projectcalico.org/v3',
  kind: 'GlobalNetworkPolicy',
  metadata: { name: 'no-v6' },
  spec: {
    tier: 'default',
    selector: 'all()',
    types: ['Ingress'],
    ingress: [{ action: 'Deny', ipVersion: 6 }, { action: 'Allow' }],
  },
};

describe('PolicyEngine.evaluate', () => {
  it('uses IPv4 between dual-stack endpoints and IPv6 when only that is shared', () => {
    const engine = new PolicyEngine(world([denyV6]));
    expect(
      engine.evaluate({
        source: { endpoint: 'a/dual' },
        destination: { endpoint: 'a/v4' },
        protocol: 'TCP',
        port: 1,
      }).action,
    ).toBe('allow');
    const v6 = engine.evaluate({
      source: { endpoint: 'a/dual' },
      destination: { endpoint: 'a/v6' },
      protocol: 'TCP',
      port: 1,
    });
    expect(v6.ingress?.trace).toEqual(['0|default|gnp:no-v6|deny|0']);
  });

  it('follows the family of an explicit address', () => {
    const engine = new PolicyEngine(world([denyV6]));
    const r = engine.evaluate({
      source: { ip: 'fd00::99' },
      destination: { endpoint: 'a/dual' },
      protocol: 'UDP',
      port: 53,
    });
    expect([r.egress, r.ingress?.action]).toEqual([null, 'deny']);
  });

  it('names the bad field of a connection it cannot evaluate', () => {
    const engine = new PolicyEngine(world());
    const attempt = (c: Parameters<PolicyEngine['evaluate']>[0]) => {
      try {
        engine.evaluate(c);
        return 'ok';
      } catch (err) {
        return err instanceof ConnectionError ? err.path : String(err);
      }
    };
    expect(attempt({ source: { endpoint: 'a/nope' }, destination: { ip: '1.1.1.1' }, protocol: 'TCP' })).toBe(
      'source.endpoint',
    );
    expect(attempt({ source: { ip: '1.1.1' }, destination: { endpoint: 'a/v4' }, protocol: 'TCP' })).toBe(
      'source.ip',
    );
    expect(attempt({ source: { ip: 'fd00::5' }, destination: { endpoint: 'a/v4' }, protocol: 'TCP' })).toBe(
      'destination.endpoint',
    );
    expect(
      attempt({ source: { ip: '1.1.1.1' }, destination: { endpoint: 'a/v4' }, protocol: 'tcp' as 'TCP' }),
    ).toBe('protocol');
    expect(attempt({ source: {}, destination: { endpoint: 'a/v4' }, protocol: 'TCP' })).toBe('source');
  });

  it('adds pending only when the world holds staged resources, even a staged Delete', () => {
    const plain = new PolicyEngine(world());
    const conn = {
      source: { endpoint: 'a/v4' },
      destination: { endpoint: 'a/dual' },
      protocol: 'TCP' as const,
      port: 80,
    };
    expect(plain.evaluate(conn).pending).toBeUndefined();
    const staged = new PolicyEngine(
      world([
        {
          apiVersion: 'projectcalico.org/v3',
          kind: 'StagedGlobalNetworkPolicy',
          metadata: { name: 'gone' },
          spec: { tier: 'default', types: ['Ingress'], stagedAction: 'Delete' },
        },
      ]),
    );
    const r = staged.evaluate(conn);
    expect(r.pending).toEqual({ action: 'allow', egress: r.egress, ingress: r.ingress });
  });

  it('returns shared, frozen verdicts for repeated outcomes', () => {
    const engine = new PolicyEngine(world());
    const conn = {
      source: { endpoint: 'a/v4' },
      destination: { endpoint: 'a/dual' },
      protocol: 'TCP' as const,
      port: 80,
    };
    const first = engine.evaluate(conn).ingress!;
    expect(engine.evaluate(conn).ingress).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.trace)).toBe(true);
  });
});

describe('buildWorld', () => {
  it('rejects bad addresses with the path of the field', () => {
    expect(() => buildWorld({ endpoints: [{ namespace: 'a', name: 'p', ips: ['10.0.0.300'] }] })).toThrow(
      WorldError,
    );
    expect(() => buildWorld({ endpoints: [{ namespace: 'a', name: 'p', ips: ['10.0.0.300'] }] })).toThrow(
      'endpoints[0].ips[0]',
    );
  });

  it('gives pods the implicit labels and inherited profile labels, own labels winning', () => {
    const w = buildWorld({
      namespaces: [{ name: 'a', labels: { team: 'x' } }],
      serviceAccounts: [{ namespace: 'a', name: 'sa', labels: { role: 'r' } }],
      endpoints: [
        {
          namespace: 'a',
          name: 'p',
          serviceAccount: 'sa',
          labels: { 'pcns.team': 'mine' },
          ips: ['10.0.0.1'],
        },
      ],
    });
    expect(Object.fromEntries(w.endpoints[0]!.labels)).toEqual({
      'pcns.team': 'mine',
      'pcns.kubernetes.io/metadata.name': 'a',
      'pcns.projectcalico.org/name': 'a',
      'pcsa.role': 'r',
      'pcsa.projectcalico.org/name': 'sa',
      'projectcalico.org/namespace': 'a',
      'projectcalico.org/orchestrator': 'k8s',
      'projectcalico.org/serviceaccount': 'sa',
    });
    expect(w.endpoints[0]!.profiles).toEqual(['kns.a', 'ksa.a.sa']);
  });

  it('leaves out the service-account label for names of 63 characters or more', () => {
    const sa = 's'.repeat(63);
    const w = buildWorld({
      endpoints: [{ namespace: 'a', name: 'p', serviceAccount: sa, ips: ['10.0.0.1'] }],
    });
    expect(w.endpoints[0]!.labels.has('projectcalico.org/serviceaccount')).toBe(false);
    expect(w.endpoints[0]!.labels.get('pcsa.projectcalico.org/name')).toBe(sa);
  });

  it('orders tiers: built-ins, defined tiers by order then name, missing tiers last', () => {
    const w = buildWorld({
      resources: [
        {
          apiVersion: 'projectcalico.org/v3',
          kind: 'Tier',
          metadata: { name: 'zeta' },
          spec: { order: 1_000_000, defaultAction: 'Deny' },
        },
        {
          apiVersion: 'projectcalico.org/v3',
          kind: 'Tier',
          metadata: { name: 'app' },
          spec: { order: 1_000_000, defaultAction: 'Pass' },
        },
        {
          apiVersion: 'projectcalico.org/v3',
          kind: 'GlobalNetworkPolicy',
          metadata: { name: 'g' },
          spec: { tier: 'ghost', types: ['Ingress'] },
        },
      ],
    });
    expect(w.tiers.map((t) => t.name)).toEqual([
      'kube-admin',
      'app',
      'default',
      'zeta',
      'kube-baseline',
      'ghost',
    ]);
  });
});
