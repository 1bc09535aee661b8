import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLegacyPolicyHit } from './legacy-policy-hit.js';
import {
  POLICY_ACTIONS,
  POLICY_KINDS,
  PROFILE_TIER,
  PolicyHitError,
  isGlobalKind,
  parsePolicyHit,
  policyHit,
  renderPolicyHit,
} from './policy-hit.js';

describe('current trace format', () => {
  it.each([
    '0|security|gnp:quarantine|deny|0',
    '1|default|np:prod/api-allow|allow|2',
    '0|default|knp:prod/deny-all|deny|-1',
    '2|__PROFILE__|pro:kns.prod|allow|0',
    '0|default|snp:prod/new|allow|0',
    '0|security|sgnp:quarantine-shop|deny|0',
    '3|default|sknp:data/tighten|deny|1',
    '0|admin|kcnp:baseline|pass|4',
    '1|__PROFILE__|pro:__NO_MATCH__|deny|-1',
    '0|default|np:shop/allow-frontend|allow|-2',
  ])('round-trips %s', (text) => {
    expect(renderPolicyHit(parsePolicyHit(text))).toBe(text);
  });

  it('structures a rule hit with its namespace', () => {
    expect(parsePolicyHit('1|default|np:prod/api-allow|allow|2')).toEqual({
      policy_index: 1,
      tier: 'default',
      kind: 'np',
      namespace: 'prod',
      name: 'api-allow',
      action: 'allow',
      rule_index: 2,
      trigger: null,
    });
  });

  it('moves the policy of an end-of-tier hit into its trigger', () => {
    expect(parsePolicyHit('1|default|knp:data/db-allow|deny|-1')).toEqual({
      policy_index: 1,
      tier: 'default',
      kind: 'eot',
      namespace: '',
      name: '',
      action: 'deny',
      rule_index: -1,
      trigger: { kind: 'knp', namespace: 'data', name: 'db-allow' },
    });
  });

  it.each([
    ['0|default|np:prod/a|allow', 'expected 5'],
    ['x|default|np:prod/a|allow|0', 'policy index'],
    ['0|default|np:prod/a|block|0', 'action must be one of'],
    ['0|default|np:prod/a|allow|-3', 'rule index'],
    ['0|default|firewall:prod/a|allow|0', 'kind one of'],
    ['0|default|np:a|allow|0', 'needs <namespace>/<name>'],
    ['0|default|gnp:prod/a|allow|0', 'has no namespace'],
    ['0|default|pro:kns.prod|allow|0', 'tier must be __PROFILE__'],
    ['0||np:prod/a|allow|0', 'tier must be a name'],
    ['0|default|np:prod/|allow|0', 'policy name must be a name'],
  ])('rejects %s', (text, reason) => {
    expect(() => parsePolicyHit(text)).toThrow(PolicyHitError);
    expect(() => parsePolicyHit(text)).toThrow(reason);
  });
});

describe('legacy Enterprise trace format', () => {
  it.each([
    ['0|tier1|ns1/tier1.policy1|pass|3', '0|tier1|np:ns1/policy1|pass|3'],
    ['1|__PROFILE__|__PROFILE__.kns.curl-ns|allow|0', '1|__PROFILE__|pro:kns.curl-ns|allow|0'],
    ['0|security|security.quarantine|deny|0', '0|security|gnp:quarantine|deny|0'],
    ['0|default|prod/knp.default.deny-all|deny|-1', '0|default|knp:prod/deny-all|deny|-1'],
    ['0|security|security.staged:lockdown|deny|0', '0|security|sgnp:lockdown|deny|0'],
    ['0|default|prod/default.staged:new|allow|0', '0|default|snp:prod/new|allow|0'],
    ['0|default|prod/staged:default.new|allow|0', '0|default|snp:prod/new|allow|0'],
    ['0|default|staged:default.wide|deny|1', '0|default|sgnp:wide|deny|1'],
    ['0|default|data/staged:knp.default.tighten|deny|0', '0|default|sknp:data/tighten|deny|0'],
  ])('reads %s as %s', (legacy, current) => {
    expect(renderPolicyHit(parseLegacyPolicyHit(legacy))).toBe(current);
  });

  it.each([
    ['0|tier1|ns1/tier2.policy1|pass|3', 'must start with its tier'],
    ['0|tier1|a/b/tier1.p|pass|3', 'more than one'],
    ['0|__PROFILE__|kns.curl-ns|allow|0', 'profile must be named'],
    ['0|t|staged:t.staged:p|deny|0', 'staged twice'],
  ])('rejects %s', (text, reason) => {
    expect(() => parseLegacyPolicyHit(text)).toThrow(reason);
  });
});

describe('round trips of any hit', () => {
  const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?$/);
  const hit = fc
    .record({
      index: fc.nat(999),
      tier: name,
      kind: fc.constantFrom(...POLICY_KINDS),
      namespace: name,
      name,
      action: fc.constantFrom(...POLICY_ACTIONS),
      rule: fc.integer({ min: -2, max: 500 }),
    })
    .map(({ index, tier, kind, namespace, name: policy, action, rule }) =>
      policyHit(
        index,
        kind === 'pro' ? PROFILE_TIER : tier,
        { kind, namespace: isGlobalKind(kind) ? '' : namespace, name: policy },
        action,
        rule,
      ),
    );

  it('parses what it renders back to the same hit', () => {
    fc.assert(
      fc.property(hit, (h) => {
        expect(parsePolicyHit(renderPolicyHit(h))).toEqual(h);
      }),
    );
  });
});
