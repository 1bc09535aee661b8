// Entry point of resource validation: identifies apiVersion/kind, then validates and defaults the
// metadata and spec for that kind. A resource is returned only when there are no errors, so a
// caller can never store a half-valid object.

import {
  CALICO_API_VERSION,
  K8S_NETWORKING_API_VERSION,
  type CalicoKind,
  type ObjectMeta,
  type PolicyResource,
} from './types.js';
import { IssueSink, toValidationError, type ValidationError, type ValidationIssue } from './issues.js';
import { isPlainObject, Reader, type RawObject } from './reader.js';
import { NAME_RULES, type NameRule } from './names.js';
import { NAMESPACE_LABEL, readMetadata, TIER_LABEL } from './metadata.js';
import { checkStagedDeleteIsEmpty, readCalicoPolicySpec, readStagedAction } from './calico-policy.js';
import { K8S_SPEC_FIELDS, readK8sPolicySpec } from './k8s-policy.js';
import { readTierSpec } from './tier.js';
import { readNetworkSetSpec } from './network-set.js';
import { readHostEndpointSpec } from './host-endpoint.js';
import { readFelixConfigurationSpec } from './felix-configuration.js';
import { isTieredKind } from './kinds.js';

export interface ValidateOptions {
  /** Namespace given to namespaced resources that have none, as `kubectl apply` does. Default "default". */
  defaultNamespace?: string;
  /** Extra metadata fields to accept (unvalidated, not copied to the result), e.g. Palisade's own. */
  extraMetadataFields?: readonly string[];
}

export interface ValidationResult {
  resource?: PolicyResource;
  errors: ValidationError[];
}

interface KindRules {
  namespaced: boolean;
  name: NameRule;
  forbiddenLabels?: readonly string[];
}

const CALICO_KINDS: Readonly<Record<CalicoKind, KindRules>> = {
  Tier: { namespaced: false, name: NAME_RULES.tier },
  NetworkPolicy: { namespaced: true, name: NAME_RULES.namespacedPolicy },
  GlobalNetworkPolicy: { namespaced: false, name: NAME_RULES.globalPolicy },
  StagedNetworkPolicy: { namespaced: true, name: NAME_RULES.namespacedPolicy },
  StagedGlobalNetworkPolicy: { namespaced: false, name: NAME_RULES.globalPolicy },
  StagedKubernetesNetworkPolicy: { namespaced: true, name: NAME_RULES.subdomain },
  NetworkSet: { namespaced: true, name: NAME_RULES.subdomain, forbiddenLabels: [NAMESPACE_LABEL] },
  GlobalNetworkSet: { namespaced: false, name: NAME_RULES.subdomain, forbiddenLabels: [NAMESPACE_LABEL] },
  HostEndpoint: { namespaced: false, name: NAME_RULES.subdomain },
  FelixConfiguration: { namespaced: false, name: NAME_RULES.subdomain },
};
const K8S_POLICY_RULES: KindRules = { namespaced: true, name: NAME_RULES.subdomain };

const API_VERSION_HINTS: Readonly<Record<string, string>> = {
  'crd.projectcalico.org/v1':
    "crd.projectcalico.org/v1 is Calico's internal storage API; write apiVersion projectcalico.org/v3",
  'policy.networking.k8s.io/v1alpha1':
    'Kubernetes AdminNetworkPolicy and ClusterNetworkPolicy are not supported',
};

function isCalicoKind(kind: string): kind is CalicoKind {
  return Object.hasOwn(CALICO_KINDS, kind);
}

function readSpec(
  r: Reader,
  kind: CalicoKind | 'K8sNetworkPolicy',
  spec: unknown,
  meta: ObjectMeta | undefined,
): object | undefined {
  switch (kind) {
    case 'Tier':
      return readTierSpec(r, spec, meta?.name);
    case 'NetworkPolicy':
      return readCalicoPolicySpec(r, spec, { global: false, staged: false });
    case 'GlobalNetworkPolicy':
      return readCalicoPolicySpec(r, spec, { global: true, staged: false });
    case 'StagedNetworkPolicy':
      return readCalicoPolicySpec(r, spec, { global: false, staged: true });
    case 'StagedGlobalNetworkPolicy':
      return readCalicoPolicySpec(r, spec, { global: true, staged: true });
    case 'NetworkSet':
    case 'GlobalNetworkSet':
      return readNetworkSetSpec(r, spec);
    case 'HostEndpoint':
      return readHostEndpointSpec(r, spec);
    case 'FelixConfiguration':
      return readFelixConfigurationSpec(r, spec, meta);
    case 'StagedKubernetesNetworkPolicy':
      return readStagedK8sSpec(r, spec);
    case 'K8sNetworkPolicy': {
      if (spec === undefined || spec === null)
        return r.fail(['spec'], 'spec is required (at least spec.podSelector)');
      const raw = r.object(spec, ['spec'], K8S_SPEC_FIELDS);
      return raw && readK8sPolicySpec(r, raw, ['spec']);
    }
  }
}

function readStagedK8sSpec(r: Reader, spec: unknown): object | undefined {
  const raw = r.object(spec ?? {}, ['spec'], [...K8S_SPEC_FIELDS, 'stagedAction']);
  if (raw === undefined) return undefined;
  const stagedAction = readStagedAction(r, raw.stagedAction, ['spec', 'stagedAction']);
  if (stagedAction === 'Delete') {
    checkStagedDeleteIsEmpty(r, raw, ['spec'], K8S_SPEC_FIELDS, ['stagedAction']);
    return { podSelector: {}, stagedAction };
  }
  return { ...readK8sPolicySpec(r, raw, ['spec']), stagedAction };
}

function identify(
  r: Reader,
  raw: RawObject,
): { kind: CalicoKind | 'K8sNetworkPolicy'; rules: KindRules } | undefined {
  const apiVersion = r.requiredString(raw.apiVersion, ['apiVersion'], 'apiVersion');
  const kind = r.requiredString(raw.kind, ['kind'], 'kind');
  if (apiVersion === undefined || kind === undefined) return undefined;
  if (apiVersion === CALICO_API_VERSION) {
    if (isCalicoKind(kind)) return { kind, rules: CALICO_KINDS[kind] };
    return r.fail(
      ['kind'],
      `kind "${kind}" is not supported for ${CALICO_API_VERSION}; use one of ${Object.keys(CALICO_KINDS).join(', ')}`,
    );
  }
  if (apiVersion === K8S_NETWORKING_API_VERSION) {
    if (kind === 'NetworkPolicy') return { kind: 'K8sNetworkPolicy', rules: K8S_POLICY_RULES };
    return r.fail(
      ['kind'],
      `kind "${kind}" is not supported for ${K8S_NETWORKING_API_VERSION}; only NetworkPolicy is`,
    );
  }
  const hint = Object.hasOwn(API_VERSION_HINTS, apiVersion) ? API_VERSION_HINTS[apiVersion] : undefined;
  return r.fail(
    ['apiVersion'],
    hint ??
      `apiVersion "${apiVersion}" is not supported; use ${CALICO_API_VERSION} or ${K8S_NETWORKING_API_VERSION}`,
  );
}

/** Validation with unformatted paths, for callers that map errors back onto source (the YAML layer). */
export function validateResourceIssues(
  input: unknown,
  opts: ValidateOptions = {},
): { resource?: PolicyResource; issues: ValidationIssue[] } {
  const sink = new IssueSink();
  const r = new Reader(sink);
  if (!isPlainObject(input)) {
    r.fail([], 'a resource must be an object with apiVersion, kind, metadata and spec');
    return { issues: sink.issues };
  }
  const raw = r.object(input, [], ['apiVersion', 'kind', 'metadata', 'spec', 'status'])!;
  const id = identify(r, raw);
  if (id === undefined) return { issues: sink.issues };
  const metadata = readMetadata(
    r,
    raw.metadata,
    { kind: String(raw.kind), ...id.rules },
    {
      defaultNamespace: opts.defaultNamespace ?? 'default',
      extraFields: opts.extraMetadataFields ?? [],
    },
  );
  const spec = readSpec(r, id.kind, raw.spec, metadata);
  if (sink.count > 0 || metadata === undefined || spec === undefined) return { issues: sink.issues };
  if (isTieredKind(id.kind)) {
    metadata.labels = { ...metadata.labels, [TIER_LABEL]: (spec as { tier: string }).tier };
  }
  const resource = { apiVersion: raw.apiVersion, kind: raw.kind, metadata, spec } as PolicyResource;
  return { resource, issues: [] };
}

export function validateResource(input: unknown, opts: ValidateOptions = {}): ValidationResult {
  const { resource, issues } = validateResourceIssues(input, opts);
  const errors = issues.map(toValidationError);
  return resource === undefined ? { errors } : { resource, errors };
}
