// What a stored policy resource, a tier and a revision look like to the rest of the API: the views
// the services return and the resolvers translate. Pure mapping from rows; it owns no rule beyond
// "a resource without its own drift mode follows the organisation's" and must never read the
// database or know of GraphQL.
import type { PolicyResource } from '@palisade/policy';
import {
  fromStored,
  isBuiltinTier,
  managedRef,
  parseDriftMode,
  type DriftMode,
  type ManagedKind,
  type ManagedRef,
} from '@palisade/policy/managed';
import type { PolicyResource as PolicyRow, PolicyRevision } from '../../generated/prisma/client.js';
import type { RevisionChange } from './policies.repository.js';

export interface PolicyView {
  id: string;
  orgId: string;
  kind: ManagedKind;
  namespace: string;
  name: string;
  tier: string | null;
  clusterSelector: string;
  driftMode: DriftMode | null;
  effectiveDriftMode: DriftMode;
  revision: number;
  document: PolicyResource;
  builtin: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface TierView {
  name: string;
  order: number;
  defaultAction: string;
  builtin: boolean;
  policyCount: number;
  resource: PolicyView;
}

export interface RevisionView {
  orgId: string;
  resourceId: string;
  ref: ManagedRef;
  revision: number;
  change: RevisionChange;
  document: PolicyResource | null;
  actor: { type: 'user' | 'token' | 'system'; id: string | null; label: string };
  createdAt: Date;
}

export function toView(row: PolicyRow, orgDefault: DriftMode): PolicyView {
  const { kind } = managedRef(row);
  const driftMode = parseDriftMode(row.driftMode);
  return {
    id: row.id,
    orgId: row.orgId,
    kind,
    namespace: row.namespace,
    name: row.name,
    tier: row.tier,
    clusterSelector: row.clusterSelector,
    driftMode,
    effectiveDriftMode: driftMode ?? orgDefault,
    revision: row.revision,
    document: fromStored(row.object),
    builtin: isBuiltinTier(row.kind, row.name),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Tiers in evaluation order (order, then name), each with how many policies it holds. */
export function tierViews(
  rows: readonly PolicyRow[],
  policyCounts: ReadonlyMap<string | null, number>,
  orgDefault: DriftMode,
): TierView[] {
  return rows
    .map((r) => {
      const view = toView(r, orgDefault);
      const spec = view.document.spec as { order: number; defaultAction: string };
      return {
        name: r.name,
        order: spec.order,
        defaultAction: spec.defaultAction,
        builtin: view.builtin,
        policyCount: policyCounts.get(r.name) ?? 0,
        resource: view,
      };
    })
    .sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function revisionView(r: PolicyRevision): RevisionView {
  return {
    orgId: r.orgId,
    resourceId: r.resourceId,
    ref: managedRef(r),
    revision: r.revision,
    change: r.change as RevisionChange,
    document: r.object === null ? null : fromStored(r.object),
    actor: {
      type: r.actorType === 'user' || r.actorType === 'token' ? r.actorType : 'system',
      id: r.actorId,
      label: r.actorLabel,
    },
    createdAt: r.createdAt,
  };
}
