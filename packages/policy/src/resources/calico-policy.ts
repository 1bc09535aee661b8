// Spec validation and defaulting for Calico NetworkPolicy, GlobalNetworkPolicy and their staged
// variants (calico-semantics §2.3, §2.5, §2.8). Defaults are applied before the cross-field checks,
// as the Calico API server does.

import type { GlobalNetworkPolicySpec, PolicyType, Rule, StagedAction } from './types.js';
import type { Path } from './issues.js';
import { compact, isPlainObject, type RawObject, type Reader } from './reader.js';
import { readRule, type Direction } from './rule.js';
import { MAX_POLICY_SELECTOR_LENGTH, readSelector } from './selector-fields.js';
import { checkName, NAME_RULES } from './names.js';

export const MAX_RULES = 1024;
export const STAGED_ACTIONS = ['Set', 'Delete', 'Learn', 'Ignore'] as const;

const COMMON_FIELDS = [
  'tier',
  'order',
  'selector',
  'serviceAccountSelector',
  'types',
  'ingress',
  'egress',
  'performanceHints',
];
const GLOBAL_FIELDS = ['namespaceSelector', 'doNotTrack', 'preDNAT', 'applyOnForward'];

const NAMESPACED_HINTS = Object.fromEntries(
  GLOBAL_FIELDS.map((f) => [
    f,
    `${f} is only available on global policies; a namespaced policy applies in its own namespace`,
  ]),
);

export interface PolicyShape {
  global: boolean;
  staged: boolean;
}

/** §2.8: no types → Ingress, plus Egress when there are egress rules; only egress rules → Egress. */
export function defaultPolicyTypes(hasIngress: boolean, hasEgress: boolean): PolicyType[] {
  if (hasEgress && !hasIngress) return ['Egress'];
  if (hasEgress) return ['Ingress', 'Egress'];
  return ['Ingress'];
}

function readRules(
  r: Reader,
  value: unknown,
  path: Path,
  direction: Direction,
  global: boolean,
): Rule[] | undefined {
  return r.list(value, path, MAX_RULES, (v, p) => readRule(r, v, p, { direction, global }));
}

function readTypes(r: Reader, value: unknown, path: Path): PolicyType[] | undefined {
  const types = r.list(value, path, 2, (v, p) => r.oneOf(v, p, ['Ingress', 'Egress'] as const));
  r.uniqueStrings(types, path, 'policy type');
  return types;
}

function isZero(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.values(value).every(isZero);
  return false;
}

/** §2.5: a staged Delete names the policy to delete and nothing else (tier aside). */
export function checkStagedDeleteIsEmpty(
  r: Reader,
  raw: RawObject,
  path: Path,
  known: readonly string[],
  keep: readonly string[],
): void {
  for (const [key, value] of Object.entries(raw)) {
    if (!known.includes(key) || keep.includes(key) || isZero(value)) continue;
    r.fail([...path, key], `a staged policy with stagedAction Delete may not set ${key}`);
  }
}

export function readStagedAction(r: Reader, value: unknown, path: Path): StagedAction {
  return r.oneOf(value, path, STAGED_ACTIONS) ?? 'Set';
}

export function readCalicoPolicySpec(
  r: Reader,
  value: unknown,
  shape: PolicyShape,
): (GlobalNetworkPolicySpec & { stagedAction?: StagedAction }) | undefined {
  const path: Path = ['spec'];
  const allowed = [
    ...COMMON_FIELDS,
    ...(shape.global ? GLOBAL_FIELDS : []),
    ...(shape.staged ? ['stagedAction'] : []),
  ];
  const hints = shape.global ? {} : NAMESPACED_HINTS;
  const raw = r.object(value ?? {}, path, allowed, hints);
  if (raw === undefined) return undefined;

  const stagedAction = shape.staged
    ? readStagedAction(r, raw.stagedAction, [...path, 'stagedAction'])
    : undefined;
  const tier = r.string(raw.tier, [...path, 'tier']) || 'default';
  const tierProblem = checkName(tier, NAME_RULES.tier, 'tier');
  if (tierProblem) r.fail([...path, 'tier'], tierProblem);
  if (stagedAction === 'Delete') {
    checkStagedDeleteIsEmpty(r, raw, path, allowed, ['tier', 'stagedAction']);
    return { tier, types: [], stagedAction };
  }

  const ingress = readRules(r, raw.ingress, [...path, 'ingress'], 'ingress', shape.global);
  const egress = readRules(r, raw.egress, [...path, 'egress'], 'egress', shape.global);
  const givenTypes = readTypes(r, raw.types, [...path, 'types']);
  const hasEgress = Array.isArray(raw.egress) && raw.egress.length > 0;
  const hasIngress = Array.isArray(raw.ingress) && raw.ingress.length > 0;
  const types =
    givenTypes !== undefined && givenTypes.length > 0
      ? givenTypes
      : defaultPolicyTypes(hasIngress, hasEgress);

  const performanceHints = r.list(raw.performanceHints, [...path, 'performanceHints'], 1, (v, p) =>
    r.oneOf(v, p, ['AssumeNeededOnEveryNode'] as const),
  );

  const spec = compact<GlobalNetworkPolicySpec & { stagedAction?: StagedAction }>({
    tier,
    order: r.number(raw.order, [...path, 'order']),
    selector: readSelector(r, raw.selector, [...path, 'selector'], 'forbidden', MAX_POLICY_SELECTOR_LENGTH),
    serviceAccountSelector: readSelector(
      r,
      raw.serviceAccountSelector,
      [...path, 'serviceAccountSelector'],
      'forbidden',
    ),
    namespaceSelector: shape.global
      ? readSelector(r, raw.namespaceSelector, [...path, 'namespaceSelector'], 'forbidden')
      : undefined,
    types,
    ingress,
    egress,
    doNotTrack: shape.global ? r.boolean(raw.doNotTrack, [...path, 'doNotTrack']) : undefined,
    preDNAT: shape.global ? r.boolean(raw.preDNAT, [...path, 'preDNAT']) : undefined,
    applyOnForward: shape.global ? r.boolean(raw.applyOnForward, [...path, 'applyOnForward']) : undefined,
    performanceHints,
    stagedAction,
  });
  if (shape.global) checkForwardingFlags(r, path, spec, hasEgress);
  return spec;
}

function checkForwardingFlags(
  r: Reader,
  path: Path,
  spec: GlobalNetworkPolicySpec,
  hasEgress: boolean,
): void {
  if (spec.doNotTrack && spec.preDNAT)
    r.fail([...path, 'preDNAT'], 'preDNAT and doNotTrack cannot both be true');
  if (spec.doNotTrack && !spec.applyOnForward)
    r.fail([...path, 'applyOnForward'], 'doNotTrack requires applyOnForward: true');
  if (spec.preDNAT && !spec.applyOnForward)
    r.fail([...path, 'applyOnForward'], 'preDNAT requires applyOnForward: true');
  if (spec.preDNAT && hasEgress) r.fail([...path, 'egress'], 'a preDNAT policy cannot have egress rules');
  if (spec.preDNAT && spec.types.includes('Egress'))
    r.fail([...path, 'types'], 'a preDNAT policy cannot have type Egress');
}
