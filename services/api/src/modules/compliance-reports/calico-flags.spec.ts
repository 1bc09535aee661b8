import { describe, expect, it } from 'vitest';
import { calicoFlags, hasPublicAddress } from './calico-flags.js';

describe("Calico's flags", () => {
  it('tells private from public addresses', () => {
    expect(hasPublicAddress('10.1.0.0/16')).toBe(false);
    expect(hasPublicAddress('172.16.0.0/12')).toBe(false);
    expect(hasPublicAddress('172.0.0.0/8')).toBe(true);
    expect(hasPublicAddress('8.8.8.8')).toBe(true);
    expect(hasPublicAddress('0.0.0.0/0')).toBe(true);
    expect(hasPublicAddress('fd00::/8')).toBe(false);
    expect(hasPublicAddress('2001:db8::/32')).toBe(true);
  });

  it('counts Allow rules only, ignoring Deny before them (the over-approximation)', () => {
    const f = calicoFlags(
      [{ global: false, ingress: [{ action: 'Deny' }, { action: 'Allow' }], egress: null }],
      [],
      [],
    );
    expect(f).toEqual({
      ingressProtected: true,
      egressProtected: false,
      ingressFromInternet: true,
      egressToInternet: false,
      ingressFromOtherNamespace: true,
      egressToOtherNamespace: false,
    });
  });

  it('treats a Pass-only policy as protecting and exposing nothing', () => {
    const f = calicoFlags([{ global: true, ingress: [{ action: 'Pass' }], egress: null }], [], []);
    expect(f.ingressProtected).toBe(true);
    expect(f.ingressFromInternet).toBe(false);
    expect(f.ingressFromOtherNamespace).toBe(false);
  });

  it('follows selectors to network sets with public addresses', () => {
    const labels = new Map([['kind', 'partners']]);
    const rule = { action: 'Allow' as const, source: { selector: "kind == 'partners'" } };
    const policy = [{ global: false, ingress: [rule], egress: null }];
    expect(calicoFlags(policy, [], [{ labels, nets: ['203.0.113.0/24'] }]).ingressFromInternet).toBe(true);
    expect(calicoFlags(policy, [], [{ labels, nets: ['10.0.0.0/8'] }]).ingressFromInternet).toBe(false);
    // A same-namespace selector in a namespaced policy: not other namespaces.
    expect(calicoFlags(policy, [], []).ingressFromOtherNamespace).toBe(false);
  });
});
