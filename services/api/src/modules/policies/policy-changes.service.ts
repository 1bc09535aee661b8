// The policy commands (docs/decisions/0008): create, update, delete, kubectl-style apply (all or
// nothing), rollback to a revision, promotion of a staged policy, reorder within a tier and drift
// modes. Owns the rules a change must pass against what is stored — a resource exists or not, a
// policy needs its tier, a tier with policies cannot be deleted, built-in tiers never change — and
// which revision change and audit action each command records. Documents are parsed by
// document-source, an apply is planned by apply-planner, a reorder by tier-order, and everything is
// written by PolicyWriter in one transaction per command. Knows nothing of GraphQL.
import { Inject, Injectable } from '@nestjs/common';
import {
  isStagedKind,
  parseResourcesYaml,
  stagedToEnforced,
  validateResource,
  type PolicyResource,
  type StagedPolicy,
} from '@palisade/policy';
import {
  compareRefs,
  ENFORCED_KIND_OF_STAGED,
  fieldChanges,
  fromStored,
  isBuiltinTier,
  managedRef,
  orgDriftMode,
  parseDriftMode,
  refKey,
  refOf,
  sameDocument,
  storedDocument,
  tierOf,
  type DriftMode,
  type ManagedRef,
} from '@palisade/policy/managed';
import { APPLY_TRANSACTION_BASE_MS, APPLY_TRANSACTION_PER_DOCUMENT_MS } from '../../config/limits.js';
import type { PolicyResource as PolicyRow } from '../../generated/prisma/client.js';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { Database, type Tx } from '../../platform/db/database.js';
import { APPLY_INPUT_PATH, applyItem, namedRefs, planApply, type ApplyOutcome } from './apply-planner.js';
import { clusterSelectorFor, parseOne, sourceBase, type DocumentSource } from './document-source.js';
import { PolicyErrors, revisionNotFound, toFieldIssue } from './policies.errors.js';
import { PoliciesRepository } from './policies.repository.js';
import { toView, type PolicyView } from './policy-views.js';
import { PolicyWriter } from './policy-writer.js';
import { planReorder } from './tier-order.js';
import { requireUnscoped, requireWritableResource } from '../../platform/access/access-scope.js';

@Injectable()
export class PolicyChangesService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(PoliciesRepository) private readonly repo: PoliciesRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(PolicyWriter) private readonly writer: PolicyWriter,
  ) {}

  async create(scope: OrgScope, source: DocumentSource, clusterSelector: string | null): Promise<PolicyView> {
    const resource = parseOne(source);
    const row = await this.writer.transaction(scope, async (tx) => {
      const ref = refOf(resource);
      const existing = await this.repo.find(tx, scope.orgId, ref);
      if (existing) throw PolicyErrors.exists(ref);
      const doc = storedDocument(resource, clusterSelectorFor(resource, source, clusterSelector, null));
      await this.checkTier(tx, scope.orgId, doc, sourceBase(source));
      const row = await this.writer.write(tx, scope, {
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
    const row = await this.writer.transaction(scope, async (tx) => {
      const ref = refOf(resource);
      const existing = await this.repo.find(tx, scope.orgId, ref);
      if (!existing) throw PolicyErrors.notFound(ref);
      const doc = storedDocument(resource, clusterSelectorFor(resource, source, clusterSelector, existing));
      if (sameDocument(doc, fromStored(existing.object))) return [existing, false];
      if (isBuiltinTier(ref.kind, ref.name)) throw PolicyErrors.builtinTier(ref.name, 'changed');
      await this.checkTier(tx, scope.orgId, doc, sourceBase(source));
      const row = await this.writer.write(tx, scope, {
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
    const row = await this.writer.transaction(scope, async (tx) => {
      const existing = await this.repo.find(tx, scope.orgId, ref);
      if (!existing) throw PolicyErrors.notFound(ref);
      if (isBuiltinTier(ref.kind, ref.name)) throw PolicyErrors.builtinTier(ref.name, 'deleted');
      if (ref.kind === 'Tier') {
        const n = await this.repo.countInTier(tx, scope.orgId, ref.name);
        if (n > 0) throw PolicyErrors.tierInUse(ref.name, n);
      }
      await this.writer.write(tx, scope, {
        existing,
        ref,
        doc: null,
        change: 'deleted',
        action: 'policy.delete',
      });
      return [existing, true];
    });
    return this.viewOf(scope, row);
  }

  /**
   * `kubectl apply` for a multi-document YAML stream: every document is planned (apply-planner)
   * against what is stored before anything is written; one error anywhere, or a dry run, writes
   * nothing. Changes are written in canonical order, in bulk.
   */
  async apply(scope: OrgScope, yaml: string, dryRun: boolean): Promise<ApplyOutcome> {
    const parsed = parseResourcesYaml(yaml);
    if (parsed.documents.length === 0) {
      throw PolicyErrors.invalid([
        { path: [...APPLY_INPUT_PATH], field: '', message: 'contains no resources' },
      ]);
    }
    return this.writer.transaction<ApplyOutcome>(
      scope,
      async (tx) => {
        const stored = new Map(
          (await this.repo.findMany(tx, scope.orgId, namedRefs(parsed.documents))).map((r) => [
            refKey(managedRef(r)),
            r,
          ]),
        );
        const tiers = new Set((await this.repo.tiers(tx, scope.orgId)).map((t) => t.name));
        const plan = planApply(parsed.documents, stored, tiers);
        if (dryRun || plan.some((p) => p.action === 'error')) {
          return [{ dryRun, applied: false, items: plan.map((p) => applyItem(p, null)) }, false];
        }
        const settings = await this.repo.settings(tx, scope.orgId);
        const orgDefault = orgDriftMode(settings?.defaultDriftMode);
        const resources = new Map<(typeof plan)[number], PolicyView>();
        const ordered = [...plan].sort((a, b) => compareRefs(a.ref!, b.ref!));
        for (const p of ordered)
          if (p.action === 'unchanged') resources.set(p, toView(p.current!, orgDefault));
        const changed = ordered.filter((p) => p.action !== 'unchanged');
        const rows = await this.writer.writeMany(
          tx,
          scope,
          changed.map((p) => ({
            existing: p.current,
            ref: p.ref!,
            doc: p.doc!,
            change: p.action === 'created' ? 'created' : 'configured',
            action: p.action === 'created' ? 'policy.create' : 'policy.update',
          })),
        );
        changed.forEach((p, i) => resources.set(p, toView(rows[i]!, orgDefault)));
        const items = plan.map((p) => applyItem(p, resources.get(p) ?? null));
        return [{ dryRun, applied: true, items }, changed.length > 0];
      },
      // A large apply (the body limit allows a few thousand resources) is one transaction.
      { timeoutMs: APPLY_TRANSACTION_BASE_MS + APPLY_TRANSACTION_PER_DOCUMENT_MS * parsed.documents.length },
    );
  }

  /** Restores the object of `revision` as a new revision (recreating the resource if deleted). */
  async rollback(scope: OrgScope, ref: ManagedRef, revision: number): Promise<PolicyView> {
    const row = await this.writer.transaction(scope, async (tx) => {
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
      const row = await this.writer.write(tx, scope, {
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
    return this.writer.transaction(scope, async (tx) => {
      const staged = await this.repo.find(tx, scope.orgId, ref);
      if (!staged) throw PolicyErrors.notFound(ref);
      const current = await this.repo.find(tx, scope.orgId, enforcedRef);
      const currentDoc = current ? fromStored(current.object) : null;
      const promoted = stagedToEnforced(fromStored(staged.object) as StagedPolicy);
      let enforced: PolicyRow | null = null;
      let enforcedDoc: PolicyResource | null = null;
      if (promoted === undefined) {
        if (current) {
          await this.writer.write(tx, scope, {
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
            : await this.writer.write(tx, scope, {
                existing: current,
                ref: enforcedRef,
                doc: enforcedDoc,
                change: 'promoted',
                action: null,
              });
      }
      await this.writer.write(tx, scope, {
        existing: staged,
        ref,
        doc: null,
        change: 'deleted',
        action: null,
      });
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
   * Rewrites `spec.order` of every policy in `tier` to follow `order` (tier-order): one revision
   * per policy whose order changed.
   */
  async reorder(scope: OrgScope, tier: string, order: readonly ManagedRef[]): Promise<PolicyView[]> {
    return this.writer.transaction(scope, async (tx) => {
      const tierRef: ManagedRef = { kind: 'Tier', namespace: '', name: tier };
      if (!(await this.repo.find(tx, scope.orgId, tierRef))) throw PolicyErrors.notFound(tierRef);
      const steps = planReorder(tier, await this.repo.inTier(tx, scope.orgId, tier), order);
      const settings = await this.repo.settings(tx, scope.orgId);
      const orgDefault = orgDriftMode(settings?.defaultDriftMode);
      const out: PolicyView[] = [];
      let wrote = false;
      for (const { row, reordered } of steps) {
        if (reordered === null) {
          out.push(toView(row, orgDefault));
          continue;
        }
        const written = await this.writer.write(tx, scope, {
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
    return this.writer.transaction<{ defaultDriftMode: DriftMode; resource: PolicyView | null }>(
      scope,
      async (tx) => {
        const actor = actorOf(scope.principal);
        const settings = await this.repo.settings(tx, scope.orgId);
        const orgDefault = orgDriftMode(settings?.defaultDriftMode);
        if (ref === null) {
          requireUnscoped(scope.access, "the organisation's default drift mode");
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
        requireWritableResource(scope.access, existing);
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
      },
    );
  }

  /** A policy needs its tier: VALIDATION_FAILED on `spec.tier` when the tier is not stored. */
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

  /** The written row as a view, with the organisation's drift default as committed. */
  private async viewOf(scope: OrgScope, row: PolicyRow): Promise<PolicyView> {
    const [settings] = await this.db.read(scope, (db) => [this.repo.settings(db, scope.orgId)]);
    return toView(row, orgDriftMode(settings?.defaultDriftMode));
  }
}
