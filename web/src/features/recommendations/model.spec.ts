import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  actionsFor,
  byCluster,
  enforcedPreviewYaml,
  ruleViews,
  stagedRefOf,
  type Recommendation,
} from './model';

const YAML = `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata:
  name: namespace-isolation.shop
  namespace: shop
spec:
  stagedAction: Set
  tier: namespace-isolation
  order: 100
  selector: projectcalico.org/namespace == 'shop'
  types:
    - Ingress
    - Egress
  ingress:
    - action: Allow
      protocol: TCP
      source:
        namespaceSelector: projectcalico.org/name == 'web'
      destination:
        ports: [8080, 8443]
      metadata:
        annotations:
          palisade.io/recommended-from: web/frontend-* > shop/api-*:8080/tcp; web/frontend-* > shop/api-*:8443/tcp
    - action: Pass
      source:
        selector: all()
  egress:
    - action: Allow
      protocol: UDP
      destination:
        namespaceSelector: projectcalico.org/name == 'kube-system'
        ports: [53]
      metadata:
        annotations:
          palisade.io/recommended-from: DNS to kube-system, always allowed
    - action: Allow
      protocol: TCP
      destination:
        nets: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
        ports: [5432]
`;

const rec = (over: Partial<Recommendation> = {}): Recommendation => ({
  id: 'r1',
  cluster: 'shop',
  namespace: 'shop',
  state: 'RECOMMENDED',
  stable: true,
  changedAt: '2026-12-06T10:00:00Z',
  windowFrom: '2026-12-05T10:00:00Z',
  windowTo: '2026-12-06T10:00:00Z',
  unmatchedFlows: 0,
  yaml: YAML,
  rules: [
    { direction: 'ingress', index: 0, flowKeys: ['a', 'b'] },
    { direction: 'ingress', index: 1, flowKeys: ['c'] },
    { direction: 'egress', index: 1, flowKeys: ['d', 'e', 'f'] },
  ],
  ...over,
});

describe('recommendation model', () => {
  it('puts every rule in words with the flows behind it', () => {
    const views = ruleViews(rec());
    expect(views.map((v) => [v.direction, v.index, v.action, v.traffic, v.peer, v.flowCount])).toEqual([
      ['ingress', 0, 'Allow', 'TCP 8080, 8443', 'namespace web', 2],
      ['ingress', 1, 'Pass', 'any protocol', 'this namespace', 1],
      ['egress', 0, 'Allow', 'UDP 53', 'namespace kube-system', 0],
      ['egress', 1, 'Allow', 'TCP 5432', 'networks 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16', 3],
    ]);
    expect(views[0]!.namedFlows).toEqual([
      'web/frontend-* > shop/api-*:8080/tcp',
      'web/frontend-* > shop/api-*:8443/tcp',
    ]);
    expect(views[2]!.namedFlows).toEqual(['DNS to kube-system, always allowed']);
  });

  it('previews the enforced twin, with the tier only when the organisation lacks it', () => {
    type Doc = {
      kind: string;
      metadata: { name: string };
      spec: { stagedAction?: string; ingress?: unknown[] };
    };
    const withTier = enforcedPreviewYaml(YAML, false)
      .split('---\n')
      .map((d) => parse(d) as Doc);
    expect(withTier.map((d) => d.kind)).toEqual(['Tier', 'NetworkPolicy']);
    expect(withTier[0]!.metadata.name).toBe('namespace-isolation');
    expect(withTier[1]!.spec.stagedAction).toBeUndefined();
    expect(withTier[1]!.spec.ingress).toHaveLength(2);
    const without = enforcedPreviewYaml(YAML, true).split('---\n');
    expect(without).toHaveLength(1);
    expect((parse(without[0]!) as { kind: string }).kind).toBe('NetworkPolicy');
  });

  it('names the staged policy accepting stored', () => {
    expect(stagedRefOf(YAML)).toEqual({
      kind: 'StagedNetworkPolicy',
      namespace: 'shop',
      name: 'namespace-isolation.shop',
    });
    expect(() => stagedRefOf('kind: StagedNetworkPolicy\n')).toThrow(/metadata/);
  });

  it('offers only what the state and the role allow', () => {
    expect(actionsFor('RECOMMENDED', true)).toEqual({
      accept: true,
      dismiss: true,
      preview: true,
      enforce: false,
    });
    expect(actionsFor('ACCEPTED', true)).toEqual({
      accept: false,
      dismiss: true,
      preview: true,
      enforce: true,
    });
    expect(actionsFor('ENFORCED', true)).toEqual({
      accept: false,
      dismiss: false,
      preview: false,
      enforce: false,
    });
    expect(actionsFor('RECOMMENDED', false)).toEqual({
      accept: false,
      dismiss: false,
      preview: false,
      enforce: false,
    });
  });

  it('groups by cluster, clusters and namespaces A to Z', () => {
    const groups = byCluster([
      rec({ id: '1', cluster: 'b', namespace: 'y' }),
      rec({ id: '2', cluster: 'a', namespace: 'z' }),
      rec({ id: '3', cluster: 'b', namespace: 'x' }),
    ]);
    expect(groups.map(([c, l]) => [c, l.map((r) => r.namespace)])).toEqual([
      ['a', ['z']],
      ['b', ['x', 'y']],
    ]);
  });
});
