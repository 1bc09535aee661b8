// Identity, staged promotion, built-in tiers and the address parser behind rule validation.

import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TIERS,
  isStagedKind,
  isStagedPolicy,
  resourceKey,
  stagedToEnforced,
  validateResource,
  type StagedPolicy,
} from '../src/resources/index.js';
import { isMasked, isStrictSubnet, parseCidr, parseIp } from '../src/resources/ip.js';
import { calico, gnp, knp, np } from './resources-builders.js';

const valid = (doc: unknown) => {
  const { resource, errors } = validateResource(doc);
  expect(errors).toEqual([]);
  return resource!;
};

describe('resourceKey', () => {
  it('names kind, namespace and name, keeping Calico and Kubernetes policies apart', () => {
    expect(resourceKey(valid(np()))).toBe('NetworkPolicy/prod/p');
    expect(resourceKey(valid(knp()))).toBe('KubernetesNetworkPolicy/prod/p');
    expect(resourceKey(valid(gnp()))).toBe('GlobalNetworkPolicy/p');
    expect(resourceKey(valid(calico('Tier', {}, { name: 'security' })))).toBe('Tier/security');
  });
});

describe('staged kinds', () => {
  it('recognises the staged kinds only', () => {
    expect(
      ['StagedNetworkPolicy', 'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy'].every(
        isStagedKind,
      ),
    ).toBe(true);
    expect(isStagedKind('NetworkPolicy')).toBe(false);
    expect(isStagedPolicy(valid(knp()))).toBe(false);
  });

  it('promotes a staged policy to its enforced kind without stagedAction', () => {
    const staged = valid(
      calico(
        'StagedNetworkPolicy',
        { stagedAction: 'Learn', tier: 'security', ingress: [{ action: 'Allow' }] },
        { name: 'p', namespace: 'x', labels: { a: 'b' } },
      ),
    ) as StagedPolicy;
    const enforced = stagedToEnforced(staged);
    expect(enforced).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'x', labels: { a: 'b', 'projectcalico.org/tier': 'security' } },
      spec: { tier: 'security', types: ['Ingress'], ingress: [{ action: 'Allow' }] },
    });
    expect(valid(enforced)).toEqual(enforced);
    enforced!.metadata.labels!.a = 'changed';
    expect(staged.metadata.labels!.a).toBe('b');
  });

  it('promotes global and Kubernetes staged policies', () => {
    const sgnp = valid(
      calico('StagedGlobalNetworkPolicy', { selector: 'has(a)' }, { name: 'g' }),
    ) as StagedPolicy;
    expect(stagedToEnforced(sgnp)).toMatchObject({
      kind: 'GlobalNetworkPolicy',
      spec: { selector: 'has(a)' },
    });
    const sknp = valid(
      calico(
        'StagedKubernetesNetworkPolicy',
        { podSelector: {}, policyTypes: ['Egress'] },
        { name: 'k', namespace: 'x' },
      ),
    ) as StagedPolicy;
    expect(stagedToEnforced(sknp)).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'k', namespace: 'x' },
      spec: { podSelector: {}, policyTypes: ['Egress'] },
    });
  });

  it('has nothing to promote for a Delete', () => {
    const del = valid(
      calico('StagedGlobalNetworkPolicy', { stagedAction: 'Delete' }, { name: 'g' }),
    ) as StagedPolicy;
    expect(stagedToEnforced(del)).toBeUndefined();
  });
});

describe('BUILTIN_TIERS', () => {
  it('lists the three undeletable tiers', () => {
    expect(BUILTIN_TIERS).toEqual({
      'kube-admin': { order: 1000, defaultAction: 'Pass' },
      default: { order: 1_000_000, defaultAction: 'Deny' },
      'kube-baseline': { order: 10_000_000, defaultAction: 'Pass' },
    });
  });
});

describe('address parsing', () => {
  it.each([
    '0.0.0.0',
    '255.255.255.255',
    '::',
    '::1',
    '2001:db8::',
    'fe80::1:2',
    '1:2:3:4:5:6:7:8',
    '::ffff:10.0.0.1',
    '1::',
  ])('parses %s', (ip) => {
    expect(parseIp(ip)).toBeDefined();
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.0',
    '01.2.3.4',
    '1.2.3.-4',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    'g::',
    '12345::',
    'fe80::1%eth0',
    ' 1.2.3.4',
  ])('rejects %j', (ip) => {
    expect(parseIp(ip)).toBeUndefined();
  });

  it('parses CIDRs and knows masking and strict subnets', () => {
    const net = parseCidr('10.0.0.0/8')!;
    expect(net).toMatchObject({ version: 4, prefix: 8, bare: false });
    expect(isMasked(net)).toBe(true);
    expect(isMasked(parseCidr('10.0.0.1/8')!)).toBe(false);
    expect(isMasked(parseCidr('2001:db8::/32')!)).toBe(true);
    expect(isMasked(parseCidr('2001:db8::1/127')!)).toBe(false);
    expect(parseCidr('10.0.0.1')).toMatchObject({ prefix: 32, bare: true });
    expect(parseCidr('10.0.0.0/08')).toBeUndefined();
    expect(parseCidr('::/129')).toBeUndefined();
    expect(isStrictSubnet(parseCidr('10.1.0.0/16')!, net)).toBe(true);
    expect(isStrictSubnet(net, net)).toBe(false);
    expect(isStrictSubnet(parseCidr('11.0.0.0/16')!, net)).toBe(false);
    expect(isStrictSubnet(parseCidr('::/16')!, net)).toBe(false);
  });
});
