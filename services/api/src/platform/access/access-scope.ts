// The one home of scope enforcement in the API (issue 17 item 3, decision 0120). A limited caller's
// tenant transactions get, before any statement of theirs, the ids of the clusters, policy
// resources and report definitions outside the scope; migration 0029's restrictive RLS policies
// hide those rows and everything hanging off them (flows, inventory, status, revisions, runs)
// from every statement of that transaction. Writes are checked here too (checkWritable*), with an
// error naming the field, since a new row is not in a deny list yet.
// What "inside" means is decided by rules owned elsewhere: cluster selectors by
// @palisade/policy/managed, which roles and permissions a scope allows by @palisade/access.
import {
  clusterMatcher,
  clusterSelectorWithin,
  normaliseClusterSelector,
  tierOf,
  fromStored,
} from '@palisade/policy/managed';
import { AppError } from '../errors/app-error.js';
import { sql, type SqlQuery } from '../db/sql.js';
import { isScoped, tierInScope, UNSCOPED, type AccessScope } from './roles.js';

/** A stored scope (cluster_selector text, tiers jsonb array) as an AccessScope. */
export function storedScope(clusterSelector: string | null | undefined, tiers: unknown): AccessScope {
  const list = Array.isArray(tiers) ? tiers.filter((t): t is string => typeof t === 'string') : [];
  if (!clusterSelector && list.length === 0) return UNSCOPED;
  return { clusterSelector: clusterSelector ?? '', tiers: list.length > 0 ? list : null };
}

/** The columns to store for a scope. */
export function scopeColumns(scope: AccessScope): { clusterSelector: string; tiers: string[] } {
  return { clusterSelector: scope.clusterSelector, tiers: scope.tiers ? [...scope.tiers] : [] };
}

interface ClusterRow {
  id: string;
  labels: unknown;
}
interface ResourceRow {
  id: string;
  kind: string;
  name: string;
  tier: string | null;
  cluster_selector: string;
}
interface ReportRow {
  id: string;
  cluster_selector: string;
}

/** What a limited transaction reads first, through RLS (the organisation is already set). */
export const SCOPE_INPUTS = [
  sql<ClusterRow>`SELECT id::text, labels FROM clusters`,
  sql<ResourceRow>`SELECT id::text, kind, name, tier, cluster_selector FROM policy_resources`,
  sql<ReportRow>`SELECT id::text, cluster_selector FROM report_definitions`,
] as const;

export interface DeniedIds {
  clusters: string[];
  policies: string[];
  reports: string[];
}

/** The tier a stored policy resource belongs to: its own, the name of a Tier, `default` for Kubernetes policies. */
export function resourceTier(kind: string, name: string, tier: string | null): string | null {
  if (kind === 'Tier') return name;
  if (tier !== null) return tier;
  if (kind === 'KubernetesNetworkPolicy' || kind === 'StagedKubernetesNetworkPolicy') return 'default';
  return null;
}

/**
 * Whether a policy resource lies inside the scope, to change it: its tier is one of the scope's (a
 * resource of no tier — network sets, Felix configuration — lies inside only an all-tiers scope),
 * and its cluster selector can only ever reach the scope's clusters (decision 0120).
 */
export function resourceInScope(
  scope: AccessScope,
  r: { kind: string; name: string; tier: string | null; clusterSelector: string },
): boolean {
  return resourceVisible(scope, r) && clusterSelectorWithin(r.clusterSelector, scope.clusterSelector);
}

/**
 * Whether a limited caller sees a policy resource. As for changing it, except that a Tier of the
 * scope is seen whatever clusters it targets: a tier is the ordered container the scope's policies
 * live in, and naming it is how they are written (decision 0123).
 */
export function resourceVisible(
  scope: AccessScope,
  r: { kind: string; name: string; tier: string | null; clusterSelector: string },
): boolean {
  if (scope.tiers !== null) {
    const tier = resourceTier(r.kind, r.name, r.tier);
    if (tier === null || !tierInScope(scope, tier)) return false;
  }
  return r.kind === 'Tier' || clusterSelectorWithin(r.clusterSelector, scope.clusterSelector);
}

export function deniedIds(
  scope: AccessScope,
  clusters: readonly ClusterRow[],
  resources: readonly ResourceRow[],
  reports: readonly ReportRow[],
): DeniedIds {
  const inScope = clusterMatcher(scope.clusterSelector);
  return {
    clusters: clusters.filter((c) => !inScope(labelsOf(c.labels))).map((c) => c.id),
    policies: resources
      .filter(
        (r) =>
          !resourceVisible(scope, {
            kind: r.kind,
            name: r.name,
            tier: r.tier,
            clusterSelector: r.cluster_selector,
          }),
      )
      .map((r) => r.id),
    reports: reports
      .filter((r) => !clusterSelectorWithin(r.cluster_selector, scope.clusterSelector))
      .map((r) => r.id),
  };
}

/** The statement that installs the deny lists for the rest of the transaction. */
export function setDenied(denied: DeniedIds): SqlQuery<unknown> {
  return sql`SELECT set_config('app.denied_clusters', ${pgArray(denied.clusters)}, true),
    set_config('app.denied_policies', ${pgArray(denied.policies)}, true),
    set_config('app.denied_reports', ${pgArray(denied.reports)}, true)`;
}

/** Lifts the deny lists for the rest of the transaction (system computations such as rollout). */
export const CLEAR_DENIED = sql`SELECT set_config('app.denied_clusters', '', true),
    set_config('app.denied_policies', '', true), set_config('app.denied_reports', '', true)`;

export function needsDenyLists(scope: AccessScope | undefined | null): scope is AccessScope {
  return !!scope && isScoped(scope);
}

function pgArray(ids: readonly string[]): string {
  return ids.length === 0 ? '' : `{${ids.join(',')}}`;
}

function labelsOf(v: unknown): Record<string, string> {
  return v && typeof v === 'object' ? (v as Record<string, string>) : {};
}

// ---- Writes: a new or changed object must lie inside the caller's scope -------------------

function outside(field: string, scope: AccessScope, what: string): AppError {
  const message = `your access is limited to ${describeScope(scope)}; ${what}`;
  return new AppError('FORBIDDEN', `${field}: ${message}`, [
    { path: ['input', ...field.split('.')], message },
  ]);
}

export function describeScope(scope: AccessScope): string {
  const parts: string[] = [];
  if (scope.clusterSelector !== '') parts.push(`clusters ${scope.clusterSelector}`);
  if (scope.tiers !== null) parts.push(`tiers ${scope.tiers.join(', ')}`);
  return parts.join(' and ');
}

/** A cluster's new labels must keep it inside the scope. */
export function checkClusterLabels(scope: AccessScope, labels: Record<string, string>): void {
  if (!isScoped(scope) || scope.clusterSelector === '') return;
  if (!clusterMatcher(scope.clusterSelector)(labels))
    throw outside('labels', scope, 'these labels would put the cluster outside it');
}

/**
 * A policy resource a limited caller writes must lie inside the scope. `clusterSelector` is the
 * stored form the resource will have; returns it, narrowed to the scope when the caller gave none
 * (an empty selector would mean every cluster: a limited caller's default is its own clusters).
 */
export function scopedResourceSelector(
  scope: AccessScope,
  r: { kind: string; name: string; tier: string | null; clusterSelector: string },
  narrowEmpty = true,
): string {
  if (!isScoped(scope)) return r.clusterSelector;
  const selector =
    narrowEmpty && r.clusterSelector === '' && scope.clusterSelector !== ''
      ? normaliseClusterSelector(scope.clusterSelector)
      : r.clusterSelector;
  if (scope.tiers !== null) {
    const tier = resourceTier(r.kind, r.name, r.tier);
    if (tier === null)
      throw outside('kind', scope, `a ${r.kind} belongs to no tier, so only an all-tiers role may change it`);
    if (!tierInScope(scope, tier)) throw outside('tier', scope, `tier ${tier} is outside it`);
  }
  if (!clusterSelectorWithin(selector, scope.clusterSelector))
    throw outside(
      'clusterSelector',
      scope,
      `the resource's cluster selector must keep that selector, e.g. (${scope.clusterSelector}) && (…)`,
    );
  return selector;
}

/**
 * A stored resource a limited caller changes must lie inside its scope: one it sees but that
 * reaches beyond (a Tier targeting every cluster, decision 0123) is read-only to it.
 */
export function requireWritableResource(
  scope: AccessScope,
  r: { kind: string; name: string; tier: string | null; clusterSelector: string },
): void {
  if (!isScoped(scope) || resourceInScope(scope, r)) return;
  const message = `your access is limited to ${describeScope(scope)}; ${r.kind} ${r.name} reaches beyond it, so you cannot change it`;
  throw new AppError('FORBIDDEN', `clusterSelector: ${message}`, [
    { path: ['input', 'clusterSelector'], message },
  ]);
}

/** For a stored document (JSON): whether it lies inside the scope. */
export function storedResourceInScope(
  scope: AccessScope,
  kind: string,
  object: unknown,
  selector: string,
): boolean {
  const doc = fromStored(object);
  return resourceInScope(scope, {
    kind,
    name: doc.metadata.name,
    tier: tierOf(doc),
    clusterSelector: selector,
  });
}

/** A report definition a limited caller writes must only ever cover clusters of the scope. */
export function checkReportSelector(scope: AccessScope, clusterSelector: string): string {
  if (!isScoped(scope) || scope.clusterSelector === '') return clusterSelector;
  const selector = clusterSelector === '' ? normaliseClusterSelector(scope.clusterSelector) : clusterSelector;
  if (!clusterSelectorWithin(selector, scope.clusterSelector))
    throw outside(
      'scope.clusterSelector',
      scope,
      `the report's cluster selector must keep that selector, e.g. (${scope.clusterSelector}) && (…)`,
    );
  return selector;
}

/** Organisation-wide settings and objects are out of reach of a limited binding (decision 0121). */
export function requireUnscoped(scope: AccessScope, what: string): void {
  if (isScoped(scope))
    throw new AppError(
      'FORBIDDEN',
      `your access is limited to ${describeScope(scope)}; ${what} needs an organisation-wide role`,
    );
}
