// Kubernetes NetworkPolicy → Calico translation, exactly as calico-semantics §2.9 describes it.

import { describe, expect, it } from 'vitest';
import { canonicalSelector, parseSelector, simplifyPorts, translateK8sPolicy } from '../src/index.js';

describe('selectors', () => {
  it('puts the orchestrator clause first, matchLabels sorted by key, then expressions in order', () => {
    const t = translateK8sPolicy({
      podSelector: {
        matchLabels: { zone: 'a', app: 'db' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['x', 'y'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
    });
    expect(t.selector).toBe(
      "projectcalico.org/orchestrator == 'k8s' && app == 'db' && zone == 'a' && tier in { 'x', 'y' } && env not in { 'dev' } && has(owner) && ! has(legacy)",
    );
    expect(canonicalSelector(parseSelector(t.selector))).toBe(
      '(projectcalico.org/orchestrator == "k8s" && app == "db" && zone == "a" && tier in {"x", "y"} && env not in {"dev"} && has(owner) && !has(legacy))',
    );
  });

  it('maps an empty podSelector to the orchestrator clause and an empty namespaceSelector to all()', () => {
    const t = translateK8sPolicy({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(t.selector).toBe("projectcalico.org/orchestrator == 'k8s'");
    expect(t.ingress).toEqual([
      {
        action: 'Allow',
        source: { selector: "projectcalico.org/orchestrator == 'k8s'", namespaceSelector: 'all()' },
        destination: {},
      },
    ]);
  });
});

describe('policy types', () => {
  it('copies policyTypes and defaults an empty list to Ingress only', () => {
    expect(translateK8sPolicy({ podSelector: {}, egress: [{}] }).types).toEqual(['Ingress']);
    expect(translateK8sPolicy({ podSelector: {}, policyTypes: ['Egress'] }).types).toEqual(['Egress']);
    expect(translateK8sPolicy({ podSelector: {}, policyTypes: ['Egress', 'Ingress'] }).types).toEqual([
      'Ingress',
      'Egress',
    ]);
  });
});

describe('rules', () => {
  it('expands protocol × peer with protocols sorted SCTP, TCP, UDP', () => {
    const t = translateK8sPolicy({
      podSelector: {},
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: 'a' } } },
            { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
          ],
          ports: [{ protocol: 'UDP', port: 53 }, { port: 80 }, { protocol: 'SCTP', port: 9000 }],
        },
      ],
    });
    const pod = { selector: "projectcalico.org/orchestrator == 'k8s' && app == 'a'" };
    const block = { nets: ['10.0.0.0/8'], notNets: ['10.1.0.0/16'] };
    expect(t.ingress).toEqual([
      { action: 'Allow', protocol: 'SCTP', source: pod, destination: { ports: [9000] } },
      { action: 'Allow', protocol: 'SCTP', source: block, destination: { ports: [9000] } },
      { action: 'Allow', protocol: 'TCP', source: pod, destination: { ports: [80] } },
      { action: 'Allow', protocol: 'TCP', source: block, destination: { ports: [80] } },
      { action: 'Allow', protocol: 'UDP', source: pod, destination: { ports: [53] } },
      { action: 'Allow', protocol: 'UDP', source: block, destination: { ports: [53] } },
    ]);
  });

  it('puts peers and ports on the destination side for egress', () => {
    const t = translateK8sPolicy({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            { namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'b' } } },
          ],
          ports: [{ port: 'dns', protocol: 'UDP' }],
        },
      ],
    });
    expect(t.egress).toEqual([
      {
        action: 'Allow',
        protocol: 'UDP',
        source: {},
        destination: {
          selector: "projectcalico.org/orchestrator == 'k8s' && app == 'b'",
          namespaceSelector: "team == 'x'",
          ports: ['dns'],
        },
      },
    ]);
  });

  it('treats absent ports as any protocol and a port-less entry as all ports of its protocol', () => {
    expect(translateK8sPolicy({ podSelector: {}, ingress: [{}] }).ingress).toEqual([
      { action: 'Allow', source: {}, destination: {} },
    ]);
    const t = translateK8sPolicy({
      podSelector: {},
      ingress: [{ ports: [{ port: 80 }, { protocol: 'TCP' }, { port: 443 }] }],
    });
    expect(t.ingress).toEqual([{ action: 'Allow', protocol: 'TCP', source: {}, destination: {} }]);
  });

  it('keeps a policy with its types but no rules (isolation)', () => {
    const t = translateK8sPolicy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(t).toMatchObject({ ingress: [], egress: [], types: ['Ingress', 'Egress'] });
  });

  it('turns endPort into a range and merges numeric ports of one protocol into minimal ranges', () => {
    const t = translateK8sPolicy({
      podSelector: {},
      ingress: [
        {
          ports: [
            { port: 82 },
            { port: 80 },
            { port: 81 },
            { port: 'http' },
            { port: 8000, endPort: 8080 },
            { port: 8050 },
            { port: 90 },
          ],
        },
      ],
    });
    expect(t.ingress[0]!.destination!.ports).toEqual(['80:82', 90, '8000:8080', 'http']);
  });
});

describe('simplifyPorts', () => {
  it('merges adjacent and overlapping ranges, keeps singletons as numbers and named ports last', () => {
    expect(simplifyPorts([5, '1:3', 4, 'web', 10, '9:9', 'web', 12])).toEqual(['1:5', '9:10', 12, 'web']);
    expect(simplifyPorts([])).toEqual([]);
  });
});
