// Reading stored policy (docs/decisions/0008): the resource list (filterable, also by the cluster a
// resource targets, through the cluster-selector rule of @palisade/policy/managed), one resource,
// tiers in evaluation order, canonical YAML export, revisions and the diff between two of them.
// The commands live in policy-changes.service.ts. Read-only: it must never write, and knows
// nothing of GraphQL.
import { Inject, Injectable } from '@nestjs/common';
import { toCanonicalYaml } from '@palisade/policy';
import {
  compareRefs,
  documentUnifiedDiff,
  fieldChanges,
  fromStored,
  isBuiltinTier,
  managedRef,
  orgDriftMode,
  refKey,
  selectsCluster,
  type DriftMode,
  type FieldChange,
  type ManagedRef,
} from '@palisade/policy/managed';
import type { PolicyResource as PolicyRow } from '../../generated/prisma/client.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { PolicyErrors, revisionNotFound } from './policies.errors.js';
import { PoliciesRepository, type ResourceFilter } from './policies.repository.js';
import {
  revisionView,
  tierViews,
  toView,
  type PolicyView,
  type RevisionView,
  type TierView,
} from './policy-views.js';

export interface ListFilter extends ResourceFilter {
  cluster?: string | null | undefined;
}

@Injectable()
export class PoliciesService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(PoliciesRepository) private readonly repo: PoliciesRepository,
  ) {}

  async list(
    scope: OrgScope,
    filter: ListFilter,
    skip: number,
    take: number,
  ): Promise<{ rows: PolicyView[]; total: number }> {
    if (!filter.cluster) {
      const [rows, total, settings] = await this.db.read(scope, (db) => [
        this.repo.list(db, scope.orgId, filter, skip, take),
        this.repo.count(db, scope.orgId, filter),
        this.repo.settings(db, scope.orgId),
      ]);
      const orgDefault = orgDriftMode(settings?.defaultDriftMode);
      return { rows: rows.map((r) => toView(r, orgDefault)), total };
    }
    const orgDefault = await this.orgDefault(scope);
    const all = await this.targeting(scope, filter);
    return { rows: all.slice(skip, skip + take).map((r) => toView(r, orgDefault)), total: all.length };
  }

  async get(scope: OrgScope, ref: ManagedRef): Promise<PolicyView> {
    const [row, settings] = await this.db.read(scope, (db) => [
      this.repo.find(db, scope.orgId, ref),
      this.repo.settings(db, scope.orgId),
    ]);
    if (!row) throw PolicyErrors.notFound(ref);
    return toView(row, orgDriftMode(settings?.defaultDriftMode));
  }

  async orgDefault(scope: OrgScope): Promise<DriftMode> {
    const [settings] = await this.db.read(scope, (db) => [this.repo.settings(db, scope.orgId)]);
    return orgDriftMode(settings?.defaultDriftMode);
  }

  /** Tiers by evaluation order (order, then name), with how many policies each holds. */
  async tiers(scope: OrgScope): Promise<TierView[]> {
    const [rows, counts, settings] = await this.db.read(scope, (db) => [
      this.repo.tiers(db, scope.orgId),
      this.repo.tierPolicyCounts(db, scope.orgId),
      this.repo.settings(db, scope.orgId),
    ]);
    const byTier = new Map(counts.map((c) => [c.tier, c._count._all]));
    return tierViews(rows, byTier, orgDriftMode(settings?.defaultDriftMode));
  }

  async export(scope: OrgScope, filter: ListFilter): Promise<string> {
    const rows = filter.cluster
      ? await this.targeting(scope, filter)
      : (await this.db.read(scope, (db) => [this.repo.list(db, scope.orgId, filter)]))[0];
    const docs = rows.map((r) => ({ ref: managedRef(r), doc: fromStored(r.object) }));
    docs.sort((a, b) => compareRefs(a.ref, b.ref));
    return toCanonicalYaml(docs.map((d) => d.doc));
  }

  async revisions(
    scope: OrgScope,
    resourceId: string,
    skip: number,
    take: number,
  ): Promise<{ rows: RevisionView[]; total: number }> {
    const [rows, total] = await this.db.read(scope, (db) => [
      this.repo.revisions(db, scope.orgId, resourceId, skip, take),
      this.repo.countRevisions(db, scope.orgId, resourceId),
    ]);
    return { rows: rows.map(revisionView), total };
  }

  async diff(
    scope: OrgScope,
    ref: ManagedRef,
    from: number,
    to: number,
  ): Promise<{ from: RevisionView; to: RevisionView; changes: FieldChange[]; unified: string }> {
    const [latest] = await this.db.read(scope, (db) => [this.repo.latestRevision(db, scope.orgId, ref)]);
    if (!latest) throw PolicyErrors.notFound(ref);
    const [a, b] = await this.db.read(scope, (db) => [
      this.repo.revision(db, scope.orgId, latest.resourceId, from),
      this.repo.revision(db, scope.orgId, latest.resourceId, to),
    ]);
    if (!a) throw revisionNotFound(ref, from, ['from']);
    if (!b) throw revisionNotFound(ref, to, ['to']);
    const older = revisionView(a);
    const newer = revisionView(b);
    return {
      from: older,
      to: newer,
      changes: fieldChanges(older.document, newer.document),
      unified: documentUnifiedDiff(older.document, newer.document, {
        from: `${refKey(ref)}@${from}`,
        to: `${refKey(ref)}@${to}`,
      }),
    };
  }

  /** Rows of `filter` whose selector matches the labels of the cluster named `filter.cluster`. */
  private async targeting(scope: OrgScope, filter: ListFilter): Promise<PolicyRow[]> {
    const [cluster, rows] = await this.db.read(scope, (db) => [
      this.repo.clusterByName(db, scope.orgId, filter.cluster ?? ''),
      this.repo.list(db, scope.orgId, filter),
    ]);
    if (!cluster) throw AppError.notFound(`cluster ${filter.cluster ?? ''}`);
    const labels = (cluster.labels ?? {}) as Record<string, string>;
    return rows.filter((r) => !isBuiltinTier(r.kind, r.name) && selectsCluster(r.clusterSelector, labels));
  }
}
