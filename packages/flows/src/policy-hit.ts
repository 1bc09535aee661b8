// One step of a policy trace, structured as Goldmane's PolicyHit, and its current string format
// `<policy_index>|<tier>|<kind>:[<namespace>/]<name>|<action>|<rule_index>` (calico-semantics
// §4.2). A hit with rule index −1 is an end of tier: the tier's default action, attributed to the
// policy that selected the endpoint. Structured, that hit has kind `eot` and the policy in
// `trigger`, as Goldmane reports it, so a filter on a policy can find the verdicts it triggered.
// Parsing is strict: what it accepts renders back to the same string.

/** Kinds of a policy that appears in a trace, by their short names in the trace format. */
export const POLICY_KINDS = ['np', 'gnp', 'snp', 'sgnp', 'sknp', 'knp', 'kcnp', 'pro'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** A hit's kind: a policy's, or `eot` for an end-of-tier verdict. */
export const POLICY_HIT_KINDS = [...POLICY_KINDS, 'eot'] as const;
export type PolicyHitKind = (typeof POLICY_HIT_KINDS)[number];

/** Kinds without a namespace in the name part. */
export const GLOBAL_POLICY_KINDS: readonly PolicyKind[] = ['gnp', 'sgnp', 'kcnp', 'pro'];
/** Staged kinds: they act only in the pending trace. */
export const STAGED_POLICY_KINDS: readonly PolicyKind[] = ['snp', 'sgnp', 'sknp'];

export const POLICY_ACTIONS = ['allow', 'deny', 'pass'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** The tier of profiles. */
export const PROFILE_TIER = '__PROFILE__';
/** Rule index of an end-of-tier hit. */
export const END_OF_TIER_RULE = -1;
/** Rule index when the rule is unknown. */
export const UNKNOWN_RULE = -2;

/** A policy by identity. `namespace` is '' for global kinds. */
export type PolicyRef = {
  kind: PolicyKind;
  namespace: string;
  name: string;
};

export type PolicyHit = {
  policy_index: number;
  tier: string;
  kind: PolicyHitKind;
  /** '' for global kinds and for end-of-tier hits (their policy is the trigger). */
  namespace: string;
  /** '' for end-of-tier hits. */
  name: string;
  action: PolicyAction;
  /** 0-based rule index; −1 end of tier; −2 unknown. */
  rule_index: number;
  /** For an end-of-tier hit, the policy that selected the endpoint; otherwise null. */
  trigger: PolicyRef | null;
};

export class PolicyHitError extends Error {
  constructor(
    readonly hit: string,
    readonly reason: string,
  ) {
    super(`${JSON.stringify(hit)}: ${reason}`);
    this.name = 'PolicyHitError';
  }
}

const INDEX = /^(0|[1-9][0-9]{0,5})$/;
const RULE_INDEX = /^(-1|-2|0|[1-9][0-9]{0,5})$/;
/** Tier, namespace and policy names: Kubernetes names plus the `__PROFILE__`/`__NO_MATCH__` markers. */
const NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.:-]{0,251}[A-Za-z0-9_])?$/;

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

export function isGlobalKind(kind: PolicyKind): boolean {
  return GLOBAL_POLICY_KINDS.includes(kind);
}

/** The policy a hit is about: itself, or the trigger of an end-of-tier hit. */
export function hitPolicy(hit: PolicyHit): PolicyRef {
  if (hit.kind === 'eot') {
    if (hit.trigger === null) throw new PolicyHitError(hit.name, 'an end-of-tier hit has no trigger');
    return hit.trigger;
  }
  return { kind: hit.kind, namespace: hit.namespace, name: hit.name };
}

/** The trace string of a hit. */
export function renderPolicyHit(hit: PolicyHit): string {
  const policy = hitPolicy(hit);
  const name = policy.namespace === '' ? policy.name : `${policy.namespace}/${policy.name}`;
  return `${String(hit.policy_index)}|${hit.tier}|${policy.kind}:${name}|${hit.action}|${String(hit.rule_index)}`;
}

/** Builds a structured hit from its parts, moving the policy into `trigger` at an end of tier. */
export function policyHit(
  policyIndex: number,
  tier: string,
  policy: PolicyRef,
  action: PolicyAction,
  ruleIndex: number,
): PolicyHit {
  if (ruleIndex === END_OF_TIER_RULE) {
    return {
      policy_index: policyIndex,
      tier,
      kind: 'eot',
      namespace: '',
      name: '',
      action,
      rule_index: ruleIndex,
      trigger: policy,
    };
  }
  return {
    policy_index: policyIndex,
    tier,
    kind: policy.kind,
    namespace: policy.namespace,
    name: policy.name,
    action,
    rule_index: ruleIndex,
    trigger: null,
  };
}

/** Checks the parts shared by both string formats; throws a PolicyHitError naming the bad part. */
export function checkedParts(text: string): [string, string, string, PolicyAction, number] {
  const parts = text.split('|');
  if (parts.length !== 5) {
    throw new PolicyHitError(text, `has ${String(parts.length)} "|"-separated parts, expected 5`);
  }
  const [index, tier, name, action, rule] = parts as [string, string, string, string, string];
  if (!INDEX.test(index)) throw new PolicyHitError(text, 'policy index must be a non-negative integer');
  if (!NAME.test(tier)) throw new PolicyHitError(text, 'tier must be a name');
  if (!isOneOf(POLICY_ACTIONS, action)) {
    throw new PolicyHitError(text, `action must be one of ${POLICY_ACTIONS.join(', ')}`);
  }
  if (!RULE_INDEX.test(rule)) throw new PolicyHitError(text, 'rule index must be an integer from -2');
  return [index, tier, name, action, Number(rule)];
}

export function checkName(text: string, what: string, value: string): void {
  if (!NAME.test(value)) throw new PolicyHitError(text, `${what} must be a name`);
}

/** Parses a hit in the current format; throws a PolicyHitError saying what is wrong. */
export function parsePolicyHit(text: string): PolicyHit {
  const [index, tier, name, action, rule] = checkedParts(text);
  const colon = name.indexOf(':');
  const kind = colon < 0 ? '' : name.slice(0, colon);
  if (!isOneOf(POLICY_KINDS, kind)) {
    throw new PolicyHitError(
      text,
      `policy must be <kind>:[<namespace>/]<name> with kind one of ${POLICY_KINDS.join(', ')}`,
    );
  }
  const qualified = name.slice(colon + 1);
  const slash = qualified.indexOf('/');
  let namespace = '';
  let policyName = qualified;
  if (isGlobalKind(kind)) {
    if (slash >= 0) throw new PolicyHitError(text, `a ${kind} policy has no namespace`);
  } else {
    if (slash < 0) throw new PolicyHitError(text, `a ${kind} policy needs <namespace>/<name>`);
    namespace = qualified.slice(0, slash);
    policyName = qualified.slice(slash + 1);
    checkName(text, 'namespace', namespace);
  }
  checkName(text, 'policy name', policyName);
  if (kind === 'pro' && tier !== PROFILE_TIER) {
    throw new PolicyHitError(text, `a profile's tier must be ${PROFILE_TIER}`);
  }
  return policyHit(Number(index), tier, { kind, namespace, name: policyName }, action, rule);
}
