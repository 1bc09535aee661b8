// Policy management rules (docs/decisions/0008): stored Calico / Kubernetes resources validated by
// @palisade/policy, their cluster selectors, tier rules (built-in tiers always exist and never
// change; a tier with policies cannot be deleted; a policy needs its tier), kubectl-style apply
// (all or nothing), export, reorder, promotion of staged policies, drift modes, revisions with
// rollback. Every change writes a revision and an audit event with a computed diff, and recomputes
// the clusters' desired state, all in one transaction under the organisation's policy lock; the
// gateways are told after commit. Knows nothing of GraphQL.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  isStagedKind,
  parseResourcesYaml,
  stagedToEnforced,
  toCanonicalYaml,
  validateResource,
  type PolicyResource,
  type StagedPolicy,
  type ValidationError,
} from '@palisade/policy';
import {
  annotatedClusterSelector,
  CLUSTER_SELECTOR_ANNOTATION,
  compareRefs,
  documentUnifiedDiff,
  ENFORCED_KIND_OF_STAGED,
  fieldChanges,
  fromStored,
  isBuiltinTier,
  managedRef,
  normaliseClusterSelector,
  orgDriftMode,
  parseDriftMode,
  refKey,
  refOf,
  sameDocument,
  selectsCluster,
  storedDocument,
  tierOf,
  type DriftMode,
  type FieldChange,
  type ManagedKind,
  type ManagedRef,
} from '@palisade/policy/managed';
import { APPLY_TRANSACTION_BASE_MS, APPLY_TRANSACTION_PER_DOCUMENT_MS } from '../../config/limits.js';
import type { PolicyResource as PolicyRow, PolicyRevision } from '../../generated/prisma/client.js';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { Database, type TransactionLimits, type Tx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import {
  PolicyErrors,
  selectorField,
  selectorProblem,
  toFieldIssue,
  type PolicyFieldIssue,
} from './policies.errors.js';
import { PoliciesRepository, type ResourceFilter, type RevisionChange } from './policies.repository.js';
import { DesiredStateService } from '../rollout/desired-state.service.js';

/** Gap between consecutive `spec.order` values written by reorder, so one can insert between. */
export const REORDER_STEP = 100;

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

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'error';

export interface ApplyItem {
  index: number;
  line: number;
  ref: ManagedRef | null;
  action: ApplyAction;
  errors: PolicyFieldIssue[];
  resource: PolicyView | null;
}

export interface ApplyOutcome {
  dryRun: boolean;
  applied: boolean;
  items: ApplyItem[];
}

export type DocumentSource = { yaml: string } | { object: unknown };

export interface ListFilter extends ResourceFilter {
  cluster?: string | null | undefined;
}

interface Change {
  existing: PolicyRow | null;
  ref: ManagedRef;
  doc: PolicyResource | null;
  change: RevisionChange;
  /** The audit action; null when the caller writes one event for several changes itself. */
  action: string | null;
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

function selectorIssue(
  err: unknown,
  path: (string | number)[],
  field: string,
  line?: number,
): PolicyFieldIssue {
  return {
    path,
    field,
    message: `${field ? `${field}: ` : ''}${selectorProblem(err)}${line !== undefined ? ` (line ${line})` : ''}`,
    ...(line !== undefined ? { line } : {}),
  };
}

@Injectable()
export class PoliciesService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(PoliciesRepository) private readonly repo: PoliciesRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(DesiredStateService) private readonly desired: DesiredStateService,
  ) {}

  // ── reads ────────────────────────────────────────────────────────────────────────────────────

  async list(
    scope: OrgScope,
    filter: ListFilter,
    skip: number,
    take: number,
  ): Promise<{ rows: PolicyView[]; total: number }> {
    if (!filter.cluster) {
      const [rows, total, settings] = await this.db.read({ orgId: scope.orgId }, (db) => [
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
    const [row, settings] = await this.db.read({ orgId: scope.orgId }, (db) => [
      this.repo.find(db, scope.orgId, ref),
      this.repo.settings(db, scope.orgId),
    ]);
    if (!row) throw PolicyErrors.notFound(ref);
    return toView(row, orgDriftMode(settings?.defaultDriftMode));
  }

  async orgDefault(scope: OrgScope): Promise<DriftMode> {
    const [settings] = await this.db.read({ orgId: scope.orgId }, (db) => [
      this.repo.settings(db, scope.orgId),
    ]);
    return orgDriftMode(settings?.defaultDriftMode);
  }

  /** Tiers by evaluation order (order, then name), with how many policies each holds. */
  async tiers(scope: OrgScope): Promise<TierView[]> {
    const [rows, counts, settings] = await this.db.read({ orgId: scope.orgId }, (db) => [
      this.repo.tiers(db, scope.orgId),
      this.repo.tierPolicyCounts(db, scope.orgId),
      this.repo.settings(db, scope.orgId),
    ]);
    const orgDefault = orgDriftMode(settings?.defaultDriftMode);
    const byTier = new Map(counts.map((c) => [c.tier, c._count._all]));
    return rows
      .map((r) => {
        const view = toView(r, orgDefault);
        const spec = view.document.spec as { order: number; defaultAction: string };
        return {
          name: r.name,
          order: spec.order,
          defaultAction: spec.defaultAction,
          builtin: view.builtin,
          policyCount: byTier.get(r.name) ?? 0,
          resource: view,
        };
      })
      .sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async export(scope: OrgScope, filter: ListFilter): Promise<string> {
    const rows = filter.cluster
      ? await this.targeting(scope, filter)
      : (await this.db.read({ orgId: scope.orgId }, (db) => [this.repo.list(db, scope.orgId, filter)]))[0];
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
    const [rows, total] = await this.db.read({ orgId: scope.orgId }, (db) => [
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
    const [latest] = await this.db.read({ orgId: scope.orgId }, (db) => [
      this.repo.latestRevision(db, scope.orgId, ref),
    ]);
    if (!latest) throw PolicyErrors.notFound(ref);
    const [a, b] = await this.db.read({ orgId: scope.orgId }, (db) => [
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

  // ── writes ───────────────────────────────────────────────────────────────────────────────────

  async create(scope: OrgScope, source: DocumentSource, clusterSelector: string | null): Promise<PolicyView> {
    const resource = parseOne(source);
    const row = await this.mutate(scope, async (tx) => {
      const ref = refOf(resource);
      const existing = await this.repo.find(tx, scope.orgId, ref);
      if (existing) throw PolicyErrors.exists(ref);
      const doc = storedDocument(resource, this.selectorFor(resource, source, clusterSelector, null));
      await this.checkTier(tx, scope.orgId, doc, sourceBase(source));
      const row = await this.write(tx, scope, {
        existing: null,
        ref,
        doc,
        change: 'created',
        action: 'policy.create',
      });
      return [row!, true];
    });
    return this.viewOf(scope, row);
  }

  async update(scope: OrgScope, source: DocumentSource, clusterSelector: string | null): Promise<PolicyView> {
    const resource = parseOne(source);
    const row = await this.mutate(scope, async (tx) => {
      const ref = refOf(resource);
      const existing = await this.repo.find(tx, scope.orgId, ref);
      if (!existing) throw PolicyErrors.notFound(ref);
      const doc = storedDocument(resource, this.selectorFor(resource, source, clusterSelector, existing));
      if (sameDocument(doc, fromStored(existing.object))) return [existing, false];
      if (isBuiltinTier(ref.kind, ref.name)) throw PolicyErrors.builtinTier(ref.name, 'changed');
      await this.checkTier(tx, scope.orgId, doc, sourceBase(source));
      const row = await this.write(tx, scope, {
        existing,
        ref,
        doc,
        change: 'configured',
        action: 'policy.update',
      });
      return [row!, true];
    });
    return this.viewOf(scope, row);
  }

  async delete(scope: OrgScope, ref: ManagedRef): Promise<PolicyView> {
    const row = await this.mutate(scope, async (tx) => {
      const existing = await this.repo.find(tx, scope.orgId, ref);
      if (!existing) throw PolicyErrors.notFound(ref);
      if (isBuiltinTier(ref.kind, ref.name)) throw PolicyErrors.builtinTier(ref.name, 'deleted');
      if (ref.kind === 'Tier') {
        const n = await this.repo.countInTier(tx, scope.orgId, ref.name);
        if (n > 0) throw PolicyErrors.tierInUse(ref.name, n);
      }
      await this.write(tx, scope, { existing, ref, doc: null, change: 'deleted', action: 'policy.delete' });
      return [existing, true];
    });
    return this.viewOf(scope, row);
  }

  /**
   * `kubectl apply` for a multi-document YAML stream: every document is validated and planned
   * (created / configured / unchanged / error) before anything is written; one error anywhere, or
   * a dry run, writes nothing. A document without the cluster-selector annotation keeps the stored
   * resource's selector (an omitted annotation never widens a policy's reach to every cluster).
   */
  async apply(scope: OrgScope, yaml: string, dryRun: boolean): Promise<ApplyOutcome> {
    const parsed = parseResourcesYaml(yaml);
    if (parsed.documents.length === 0) {
      throw PolicyErrors.invalid([{ path: ['input', 'yaml'], field: '', message: 'contains no resources' }]);
    }
    return this.mutate<ApplyOutcome>(
      scope,
      async (tx) => {
        const base = ['input', 'yaml'];
        const items: (ApplyItem & { doc?: PolicyResource; existing?: PolicyRow | null })[] =
          parsed.documents.map((d) => ({
            index: d.index,
            line: d.line,
            ref: d.resource ? refOf(d.resource) : null,
            action: d.errors.length > 0 ? 'error' : 'unchanged',
            errors: d.errors.map((e) => toFieldIssue(e, base)),
            resource: null,
            ...(d.resource ? { doc: d.resource } : {}),
          }));
        const refs = items.flatMap((i) => (i.ref && i.errors.length === 0 ? [i.ref] : []));
        const existing = new Map(
          (await this.repo.findMany(tx, scope.orgId, refs)).map((r) => [refKey(managedRef(r)), r]),
        );
        const tiers = new Set((await this.repo.tiers(tx, scope.orgId)).map((t) => t.name));
        for (const i of items) if (i.ref?.kind === 'Tier' && i.errors.length === 0) tiers.add(i.ref.name);

        for (const item of items) {
          if (item.errors.length > 0 || !item.doc || !item.ref) continue;
          const current = existing.get(refKey(item.ref)) ?? null;
          item.existing = current;
          const annotated = annotatedClusterSelector(item.doc);
          let selector = current?.clusterSelector ?? '';
          if (annotated !== undefined) {
            try {
              selector = normaliseClusterSelector(annotated);
            } catch (err) {
              item.errors.push(
                selectorIssue(
                  err,
                  [...base, 'metadata', 'annotations', CLUSTER_SELECTOR_ANNOTATION],
                  selectorField,
                  item.line,
                ),
              );
              continue;
            }
          }
          const doc = storedDocument(item.doc, selector);
          item.doc = doc;
          const tier = tierOf(doc);
          if (tier !== null && !tiers.has(tier)) {
            item.errors.push({
              path: [...base, 'spec', 'tier'],
              field: 'spec.tier',
              message: `spec.tier: ${PolicyErrors.missingTierMessage(tier)} (line ${item.line})`,
              line: item.line,
            });
            continue;
          }
          const same = current !== null && sameDocument(doc, fromStored(current.object));
          if (current && !same && isBuiltinTier(item.ref.kind, item.ref.name)) {
            item.errors.push({
              path: base,
              field: '',
              message: `the built-in tier "${item.ref.name}" cannot be changed (line ${item.line})`,
              line: item.line,
            });
            continue;
          }
          item.action = current === null ? 'created' : same ? 'unchanged' : 'configured';
        }
        for (const item of items) if (item.errors.length > 0) item.action = 'error';

        const failed = items.some((i) => i.action === 'error');
        if (failed || dryRun) {
          return [{ dryRun, applied: false, items: items.map(strip) }, false];
        }
        const settings = await this.repo.settings(tx, scope.orgId);
        const orgDefault = orgDriftMode(settings?.defaultDriftMode);
        const ordered = [...items].sort((a, b) => compareRefs(a.ref!, b.ref!));
        for (const item of ordered)
          if (item.action === 'unchanged') item.resource = toView(item.existing!, orgDefault);
        const changed = ordered.filter((i) => i.action !== 'unchanged');
        const rows = await this.writeMany(
          tx,
          scope,
          changed.map((item) => ({
            existing: item.existing ?? null,
            ref: item.ref!,
            doc: item.doc!,
            change: item.action === 'created' ? 'created' : 'configured',
            action: item.action === 'created' ? 'policy.create' : 'policy.update',
          })),
        );
        changed.forEach((item, i) => (item.resource = toView(rows[i]!, orgDefault)));
        return [{ dryRun, applied: true, items: items.map(strip) }, changed.length > 0];
      },
      // A large apply (the body limit allows a few thousand resources) is one transaction.
      { timeoutMs: APPLY_TRANSACTION_BASE_MS + APPLY_TRANSACTION_PER_DOCUMENT_MS * parsed.documents.length },
    );
  }

  /** Restores the object of `revision` as a new revision (recreating the resource if deleted). */
  async rollback(scope: OrgScope, ref: ManagedRef, revision: number): Promise<PolicyView> {
    const row = await this.mutate(scope, async (tx) => {
      const latest = await this.repo.latestRevision(tx, scope.orgId, ref);
      if (!latest) throw PolicyErrors.notFound(ref);
      const target = await this.repo.revision(tx, scope.orgId, latest.resourceId, revision);
      if (!target) throw revisionNotFound(ref, revision, ['input', 'revision']);
      if (target.object === null) {
        throw PolicyErrors.invalid([
          {
            path: ['input', 'revision'],
            field: '',
            message: `revision ${revision} of ${refKey(ref)} is its deletion: delete the resource instead`,
          },
        ]);
      }
      const doc = fromStored(target.object);
      const existing = await this.repo.find(tx, scope.orgId, ref);
      if (existing && sameDocument(doc, fromStored(existing.object))) return [existing, false];
      if (isBuiltinTier(ref.kind, ref.name)) throw PolicyErrors.builtinTier(ref.name, 'changed');
      await this.checkTier(tx, scope.orgId, doc, ['input']);
      const row = await this.write(tx, scope, {
        existing,
        ref,
        doc,
        change: 'rolled_back',
        action: 'policy.rollback',
      });
      return [row!, true];
    });
    return this.viewOf(scope, row);
  }

  /**
   * Promotes a staged policy (calico-semantics §2.5): `stagedAction: Set` (or Learn/Ignore) creates
   * or replaces the enforced policy of the same name with the staged spec; `Delete` deletes the
   * enforced policy. Either way the staged policy is removed, as Calico's "Enforce" does.
   */
  async promote(
    scope: OrgScope,
    ref: ManagedRef,
  ): Promise<{ enforced: PolicyView | null; enforcedRef: ManagedRef }> {
    if (!isStagedKind(ref.kind)) {
      throw PolicyErrors.invalid([
        { path: ['input', 'kind'], field: '', message: `${ref.kind} is not a staged kind` },
      ]);
    }
    const enforcedRef: ManagedRef = {
      kind: ENFORCED_KIND_OF_STAGED[ref.kind],
      namespace: ref.namespace,
      name: ref.name,
    };
    return this.mutate(scope, async (tx) => {
      const staged = await this.repo.find(tx, scope.orgId, ref);
      if (!staged) throw PolicyErrors.notFound(ref);
      const current = await this.repo.find(tx, scope.orgId, enforcedRef);
      const currentDoc = current ? fromStored(current.object) : null;
      const promoted = stagedToEnforced(fromStored(staged.object) as StagedPolicy);
      let enforced: PolicyRow | null = null;
      let enforcedDoc: PolicyResource | null = null;
      if (promoted === undefined) {
        if (current) {
          await this.write(tx, scope, {
            existing: current,
            ref: enforcedRef,
            doc: null,
            change: 'deleted',
            action: null,
          });
        }
      } else {
        const valid = validateResource(promoted);
        if (!valid.resource) throw PolicyErrors.invalid(valid.errors.map((e) => toFieldIssue(e, ['input'])));
        enforcedDoc = storedDocument(valid.resource, staged.clusterSelector);
        await this.checkTier(tx, scope.orgId, enforcedDoc, ['input']);
        enforced =
          current && currentDoc && sameDocument(enforcedDoc, currentDoc)
            ? current
            : await this.write(tx, scope, {
                existing: current,
                ref: enforcedRef,
                doc: enforcedDoc,
                change: 'promoted',
                action: null,
              });
      }
      await this.write(tx, scope, { existing: staged, ref, doc: null, change: 'deleted', action: null });
      // One user action, one audit event: the enforced policy's change, naming the staged source.
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'policy.promote',
        targetType: 'policy_resource',
        targetId: enforced?.id ?? current?.id ?? staged.id,
        before: {
          resource: refKey(enforcedRef),
          object: currentDoc,
          staged: { resource: refKey(ref), revision: staged.revision, object: fromStored(staged.object) },
        },
        after: {
          resource: refKey(enforcedRef),
          object: enforcedDoc,
          diff: fieldChanges(currentDoc, enforcedDoc),
        },
      });
      const settings = await this.repo.settings(tx, scope.orgId);
      const orgDefault = orgDriftMode(settings?.defaultDriftMode);
      return [{ enforced: enforced ? toView(enforced, orgDefault) : null, enforcedRef }, true];
    });
  }

  /**
   * Rewrites `spec.order` of every policy in `tier` to follow `order` (which must name each of the
   * tier's policies exactly once): 100, 200, … One revision per policy whose order changed.
   */
  async reorder(scope: OrgScope, tier: string, order: readonly ManagedRef[]): Promise<PolicyView[]> {
    return this.mutate(scope, async (tx) => {
      const tierRow = await this.repo.find(tx, scope.orgId, { kind: 'Tier', namespace: '', name: tier });
      if (!tierRow) throw PolicyErrors.notFound({ kind: 'Tier', namespace: '', name: tier });
      const rows = await this.repo.inTier(tx, scope.orgId, tier);
      const byKey = new Map(rows.map((r) => [refKey(managedRef(r)), r]));
      const issues: PolicyFieldIssue[] = [];
      const seen = new Set<string>();
      order.forEach((ref, i) => {
        const key = refKey(ref);
        if (seen.has(key))
          issues.push({ path: ['input', 'order', i], field: '', message: `${key} is listed twice` });
        else if (!byKey.has(key))
          issues.push({
            path: ['input', 'order', i],
            field: '',
            message: `${key} is not a policy of tier "${tier}"`,
          });
        seen.add(key);
      });
      const missing = [...byKey.keys()].filter((k) => !seen.has(k));
      if (missing.length > 0)
        issues.push({
          path: ['input', 'order'],
          field: '',
          message: `must list every policy of the tier; missing ${missing.join(', ')}`,
        });
      if (issues.length > 0) throw PolicyErrors.invalid(issues);

      const settings = await this.repo.settings(tx, scope.orgId);
      const orgDefault = orgDriftMode(settings?.defaultDriftMode);
      const out: PolicyView[] = [];
      let wrote = false;
      for (const [i, ref] of order.entries()) {
        const row = byKey.get(refKey(ref))!;
        const doc = fromStored(row.object);
        const spec = doc.spec as { order?: number };
        const next = (i + 1) * REORDER_STEP;
        if (spec.order === next) {
          out.push(toView(row, orgDefault));
          continue;
        }
        const reordered = storedDocument(
          { ...doc, spec: { ...doc.spec, order: next } } as PolicyResource,
          row.clusterSelector,
        );
        const written = await this.write(tx, scope, {
          existing: row,
          ref: managedRef(row),
          doc: reordered,
          change: 'reordered',
          action: 'policy.reorder',
        });
        out.push(toView(written!, orgDefault));
        wrote = true;
      }
      return [out, wrote];
    });
  }

  /** Per resource (`ref`; null mode = follow the organisation) or, without `ref`, the default. */
  async setDriftMode(
    scope: OrgScope,
    ref: ManagedRef | null,
    mode: DriftMode | null,
  ): Promise<{ defaultDriftMode: DriftMode; resource: PolicyView | null }> {
    return this.mutate<{ defaultDriftMode: DriftMode; resource: PolicyView | null }>(scope, async (tx) => {
      const actor = actorOf(scope.principal);
      const settings = await this.repo.settings(tx, scope.orgId);
      const orgDefault = orgDriftMode(settings?.defaultDriftMode);
      if (ref === null) {
        if (mode === null) {
          throw PolicyErrors.invalid([
            { path: ['input', 'mode'], field: '', message: 'is required for the organisation default' },
          ]);
        }
        if (mode === orgDefault) return [{ defaultDriftMode: orgDefault, resource: null }, false];
        await this.repo.setDefaultDriftMode(tx, scope.orgId, mode);
        await this.audit.append(tx, scope.orgId, actor, {
          action: 'policy.default_drift_mode',
          targetType: 'organization',
          targetId: scope.orgId,
          before: { defaultDriftMode: orgDefault },
          after: { defaultDriftMode: mode },
        });
        return [{ defaultDriftMode: mode, resource: null }, true];
      }
      const existing = await this.repo.find(tx, scope.orgId, ref);
      if (!existing) throw PolicyErrors.notFound(ref);
      if (parseDriftMode(existing.driftMode) === mode) {
        return [{ defaultDriftMode: orgDefault, resource: toView(existing, orgDefault) }, false];
      }
      const row = await this.repo.setDriftMode(tx, scope.orgId, existing.id, mode);
      await this.audit.append(tx, scope.orgId, actor, {
        action: 'policy.drift_mode',
        targetType: 'policy_resource',
        targetId: existing.id,
        before: { resource: refKey(ref), driftMode: existing.driftMode },
        after: { resource: refKey(ref), driftMode: mode },
      });
      return [{ defaultDriftMode: orgDefault, resource: toView(row, orgDefault) }, true];
    });
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  /**
   * One policy transaction: the organisation's policy lock first (then, inside `fn`, the audit
   * head), the desired state recomputed when `fn` wrote anything, the gateways told after commit.
   */
  private async mutate<T>(
    scope: OrgScope,
    fn: (tx: Tx) => Promise<[T, boolean]>,
    opts: TransactionLimits = {},
  ): Promise<T> {
    const { result, rollout } = await this.db.inOrg(
      { orgId: scope.orgId },
      async (tx) => {
        await this.desired.lock(tx, scope.orgId);
        const [result, wrote] = await fn(tx);
        const rollout = wrote ? await this.desired.recompute(tx, scope.orgId) : [];
        return { result, rollout };
      },
      opts,
    );
    await this.desired.publish(rollout);
    return result;
  }

  private async viewOf(scope: OrgScope, row: PolicyRow): Promise<PolicyView> {
    return toView(row, await this.orgDefault(scope));
  }

  /** Writes one change: the row, an immutable revision and (unless `action` is null) an audit event with the diff. */
  private async write(tx: Tx, scope: OrgScope, c: Change): Promise<PolicyRow | null> {
    const [row] = await this.writeMany(tx, scope, [c]);
    return row ?? null;
  }

  /**
   * Writes changes to distinct resources in bulk — new rows in one insert, revisions in one, audit
   * events in one — and returns each change's row (null for a deletion), in order. Applying hundreds
   * of resources is then a few dozen statements rather than seven per resource.
   */
  private async writeMany(
    tx: Tx,
    scope: OrgScope,
    changes: readonly Change[],
  ): Promise<(PolicyRow | null)[]> {
    const orgId = scope.orgId;
    const actor = actorOf(scope.principal);
    // One history per identity: recreating a deleted resource continues its revisions.
    const previous = new Map(
      (
        await this.repo.latestRevisions(
          tx,
          orgId,
          changes.filter((c) => !c.existing).map((c) => c.ref),
        )
      ).map((r) => [refKey(managedRef(r)), r]),
    );
    const planned = changes.map((c) => {
      const prev = c.existing ? undefined : previous.get(refKey(c.ref));
      const resourceId = c.existing?.id ?? prev?.resourceId ?? randomUUID();
      const revision = c.existing ? c.existing.revision + 1 : (prev?.revision ?? 0) + 1;
      const data =
        c.doc === null
          ? null
          : {
              kind: c.ref.kind,
              namespace: c.ref.namespace,
              name: c.ref.name,
              tier: tierOf(c.doc),
              clusterSelector: annotatedClusterSelector(c.doc) ?? '',
              revision,
              object: c.doc,
            };
      return { c, resourceId, revision, data };
    });

    const inserted = new Map(
      (
        await this.repo.insertMany(
          tx,
          orgId,
          planned.flatMap((p) => (p.data && !p.c.existing ? [{ id: p.resourceId, ...p.data }] : [])),
        )
      ).map((r) => [r.id, r]),
    );
    const rows: (PolicyRow | null)[] = [];
    for (const p of planned) {
      if (p.data === null) {
        await this.repo.delete(tx, orgId, p.resourceId);
        rows.push(null);
      } else if (p.c.existing) {
        rows.push(await this.repo.update(tx, orgId, p.resourceId, p.data));
      } else {
        rows.push(inserted.get(p.resourceId) ?? null);
      }
    }
    await this.repo.addRevisions(
      tx,
      orgId,
      planned.map((p) => ({
        resourceId: p.resourceId,
        ref: p.c.ref,
        revision: p.revision,
        object: p.c.doc,
        change: p.c.change,
        actor,
      })),
    );
    await this.audit.appendMany(
      tx,
      orgId,
      actor,
      planned.flatMap(({ c, resourceId, revision }) => {
        if (c.action === null) return [];
        const before = c.existing ? fromStored(c.existing.object) : null;
        return [
          {
            action: c.action,
            targetType: 'policy_resource',
            targetId: resourceId,
            ...(before
              ? { before: { resource: refKey(c.ref), revision: c.existing?.revision, object: before } }
              : {}),
            after: {
              resource: refKey(c.ref),
              revision,
              change: c.change,
              object: c.doc,
              diff: fieldChanges(before, c.doc),
            },
          },
        ];
      }),
    );
    return rows;
  }

  private selectorFor(
    resource: PolicyResource,
    source: DocumentSource,
    explicit: string | null,
    existing: PolicyRow | null,
  ): string {
    if (explicit !== null) {
      try {
        return normaliseClusterSelector(explicit);
      } catch (err) {
        throw PolicyErrors.invalid([selectorIssue(err, ['input', 'clusterSelector'], '')]);
      }
    }
    const annotated = annotatedClusterSelector(resource);
    if (annotated === undefined) return existing?.clusterSelector ?? '';
    try {
      return normaliseClusterSelector(annotated);
    } catch (err) {
      throw PolicyErrors.invalid([
        selectorIssue(
          err,
          [...sourceBase(source), 'metadata', 'annotations', CLUSTER_SELECTOR_ANNOTATION],
          selectorField,
        ),
      ]);
    }
  }

  private async checkTier(
    tx: Tx,
    orgId: string,
    doc: PolicyResource,
    base: (string | number)[],
  ): Promise<void> {
    const tier = tierOf(doc);
    if (tier === null) return;
    const row = await this.repo.find(tx, orgId, { kind: 'Tier', namespace: '', name: tier });
    if (!row) {
      throw PolicyErrors.invalid([
        {
          path: [...base, 'spec', 'tier'],
          field: 'spec.tier',
          message: `spec.tier: ${PolicyErrors.missingTierMessage(tier)}`,
        },
      ]);
    }
  }

  /** Rows of `filter` whose selector matches the labels of the cluster named `filter.cluster`. */
  private async targeting(scope: OrgScope, filter: ListFilter): Promise<PolicyRow[]> {
    const [cluster, rows] = await this.db.read({ orgId: scope.orgId }, (db) => [
      this.repo.clusterByName(db, scope.orgId, filter.cluster ?? ''),
      this.repo.list(db, scope.orgId, filter),
    ]);
    if (!cluster) throw AppError.notFound(`cluster ${filter.cluster ?? ''}`);
    const labels = (cluster.labels ?? {}) as Record<string, string>;
    return rows.filter((r) => !isBuiltinTier(r.kind, r.name) && selectsCluster(r.clusterSelector, labels));
  }
}

function revisionView(r: PolicyRevision): RevisionView {
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

function revisionNotFound(ref: ManagedRef, revision: number, path: (string | number)[]): AppError {
  return new AppError('NOT_FOUND', `revision ${revision} of ${refKey(ref)} not found`, [
    { path, message: 'no such revision' },
  ]);
}

function strip(i: ApplyItem & { doc?: PolicyResource; existing?: PolicyRow | null }): ApplyItem {
  return {
    index: i.index,
    line: i.line,
    ref: i.ref,
    action: i.action,
    errors: i.errors,
    resource: i.resource,
  };
}

function sourceBase(source: DocumentSource): (string | number)[] {
  return 'yaml' in source ? ['input', 'yaml'] : ['input', 'object'];
}

/** Exactly one valid resource from a YAML text or a JSON object, or VALIDATION_FAILED. */
function parseOne(source: DocumentSource): PolicyResource {
  const base = sourceBase(source);
  let errors: ValidationError[];
  let resource: PolicyResource | undefined;
  if ('yaml' in source) {
    const parsed = parseResourcesYaml(source.yaml);
    errors = parsed.errors;
    if (errors.length === 0 && parsed.documents.length !== 1) {
      errors = [
        {
          path: '',
          message: `must hold exactly one resource, not ${parsed.documents.length} (applyResources takes several)`,
        },
      ];
    }
    resource = parsed.documents[0]?.resource;
  } else {
    const r = validateResource(source.object);
    errors = r.errors;
    resource = r.resource;
  }
  if (errors.length > 0 || !resource) throw PolicyErrors.invalid(errors.map((e) => toFieldIssue(e, base)));
  return resource;
}
