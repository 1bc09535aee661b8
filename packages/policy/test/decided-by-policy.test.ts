// PolicyIndex.decidedByPolicy, Palisade's protection for compliance reports (decision 0067): a
// direction is protected when a policy applies AND no connection falls through to the profile.
import { describe, expect, it } from 'vitest';
import { PolicyEngine } from '../src/engine/engine.js';
import { buildWorld } from '../src/engine/world.js';
import type { PolicyResource, Rule } from '../src/resources/types.js';
import { PolicyIndex } from '../src/indexes/policy-index.js';

function gnp(name: string, tier: string, order: number, ingress: Rule[]): PolicyResource {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    metadata: { name: tier === 'default' ? name : `${tier}.${name}` },
    spec: { tier, order, selector: "app == 'web'", types: ['Ingress'], ingress },
  };
}

function tier(name: string, order: number): PolicyResource {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'Tier',
    metadata: { name },
    spec: { order },
  } as PolicyResource;
}

function index(resources: PolicyResource[]): PolicyIndex {
  return new PolicyIndex(
    new PolicyEngine(
      buildWorld({
        namespaces: [{ name: 'a' }, { name: 'b' }],
        endpoints: [
          { namespace: 'a', name: 'web', labels: { app: 'web' }, ips: ['10.0.0.1'] },
          { namespace: 'b', name: 'client', labels: { app: 'client' }, ips: ['10.0.1.1'] },
        ],
        resources,
      }),
    ),
  );
}

describe('decidedByPolicy', () => {
  it('is false without any policy', () => {
    expect(index([]).decidedByPolicy('a/web', 'ingress')).toBe(false);
  });

  it('is true for a policy that decides everything, even when it allows everything', () => {
    const i = index([gnp('allow-all', 'default', 10, [{ action: 'Allow' }])]);
    expect(i.decidedByPolicy('a/web', 'ingress')).toBe(true);
    expect(i.decidedByPolicy('a/web', 'egress')).toBe(false);
  });

  it('is false when a Pass sends traffic to a tier with no applicable policy (the profile decides)', () => {
    const i = index([tier('security', 100), gnp('pass', 'security', 10, [{ action: 'Pass' }])]);
    expect(i.appliedPolicies('a/web', 'ingress')).toHaveLength(1);
    expect(i.decidedByPolicy('a/web', 'ingress')).toBe(false);
  });

  it('is false when only some traffic is passed through (here: from namespace b)', () => {
    const i = index([
      tier('security', 100),
      gnp('pass-b', 'security', 10, [
        { action: 'Pass', source: { namespaceSelector: "projectcalico.org/name == 'b'" } },
        { action: 'Deny' },
      ]),
    ]);
    expect(i.decidedByPolicy('a/web', 'ingress')).toBe(false);
  });

  it('is true when the passed traffic meets a policy in the next tier', () => {
    const i = index([
      tier('security', 100),
      gnp('pass', 'security', 10, [{ action: 'Pass' }]),
      gnp('deny', 'default', 10, [{ action: 'Deny' }]),
    ]);
    expect(i.decidedByPolicy('a/web', 'ingress')).toBe(true);
  });
});
