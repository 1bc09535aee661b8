// The Enterprise/Cloud trace format before Calico v3.32 (calico-semantics §4.2), read so that old
// flow logs can be imported: `<index>|<tier>|<name>|<action>|<rule>` where the kind is encoded in
// the name — `tier.name` (global), `ns/tier.name` (namespaced), `ns/knp.default.name` (Kubernetes),
// a `staged:` marker before the name or before the tier prefix, `__PROFILE__.<profile>` (profile).
// The tier prefix is verified against the tier part. Parsed hits render in the current format;
// nothing writes the legacy one.

import {
  PROFILE_TIER,
  PolicyHitError,
  checkName,
  checkedParts,
  policyHit,
  type PolicyHit,
  type PolicyKind,
} from './policy-hit.js';

const STAGED = 'staged:';
const K8S_PREFIX = 'knp.default.';

function stripStaged(value: string): [boolean, string] {
  return value.startsWith(STAGED) ? [true, value.slice(STAGED.length)] : [false, value];
}

/** Parses a hit in the legacy format; throws a PolicyHitError saying what is wrong. */
export function parseLegacyPolicyHit(text: string): PolicyHit {
  const [index, tier, qualified, action, rule] = checkedParts(text);
  const slashes = qualified.split('/');
  if (slashes.length > 2) throw new PolicyHitError(text, 'policy name has more than one "/"');
  const namespaced = slashes.length === 2;
  const namespace = namespaced ? slashes[0]! : '';
  let rest = slashes[slashes.length - 1]!;
  if (namespaced) checkName(text, 'namespace', namespace);

  if (tier === PROFILE_TIER) {
    const prefix = `${PROFILE_TIER}.`;
    if (namespaced || !rest.startsWith(prefix)) {
      throw new PolicyHitError(text, `a profile must be named ${prefix}<profile>`);
    }
    const name = rest.slice(prefix.length);
    checkName(text, 'profile name', name);
    return policyHit(Number(index), tier, { kind: 'pro', namespace: '', name }, action, rule);
  }

  let staged: boolean;
  [staged, rest] = stripStaged(rest);
  let kind: PolicyKind;
  if (namespaced && rest.startsWith(K8S_PREFIX)) {
    rest = rest.slice(K8S_PREFIX.length);
    kind = staged ? 'sknp' : 'knp';
  } else {
    const prefix = `${tier}.`;
    if (!rest.startsWith(prefix))
      throw new PolicyHitError(text, `policy name must start with its tier "${prefix}"`);
    let stagedAfterTier: boolean;
    [stagedAfterTier, rest] = stripStaged(rest.slice(prefix.length));
    if (staged && stagedAfterTier) throw new PolicyHitError(text, 'policy name is marked staged twice');
    staged ||= stagedAfterTier;
    kind = namespaced ? (staged ? 'snp' : 'np') : staged ? 'sgnp' : 'gnp';
  }
  checkName(text, 'policy name', rest);
  return policyHit(Number(index), tier, { kind, namespace, name: rest }, action, rule);
}
