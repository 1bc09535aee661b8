// How a policy change is written (docs/decisions/0008): one transaction per user action under the
// organisation's policy lock, the stored row, an immutable revision and an audit event with the
// computed diff for each change, in bulk, and the clusters' desired state recomputed in the same
// transaction when anything was written, the gateways told after commit. Owns the order of locks
// (policy lock, then the audit head) and revision numbering (one history per identity: recreating a
// deleted resource continues its revisions). Decides nothing about whether a change is allowed:
// the commands check that first; this must never validate documents. The one exception is the
// caller's scope (decision 0120): every policy change passes here, so here a limited caller's new
// documents are held inside its clusters and tiers (platform/access/access-scope.ts); what it
// may not see never reaches it, since its transaction hides those rows.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PolicyResource } from '@palisade/policy';
import {
  annotatedClusterSelector,
  fieldChanges,
  storedDocument,
  fromStored,
  managedRef,
  refKey,
  tierOf,
  type ManagedRef,
} from '@palisade/policy/managed';
import type { PolicyResource as PolicyRow } from '../../generated/prisma/client.js';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import {
  describeScope,
  requireWritableResource,
  scopedResourceSelector,
} from '../../platform/access/access-scope.js';
import { isScoped } from '../../platform/access/roles.js';
import { AppError } from '../../platform/errors/app-error.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { Database, type TransactionLimits, type Tx } from '../../platform/db/database.js';
import { DesiredStateService } from '../rollout/desired-state.service.js';
import { PoliciesRepository, type RevisionChange } from './policies.repository.js';

/** One change to one resource: its new document, or null to delete it. */
export interface PolicyChange {
  existing: PolicyRow | null;
  ref: ManagedRef;
  doc: PolicyResource | null;
  change: RevisionChange;
  /** The audit action; null when the caller writes one event for several changes itself. */
  action: string | null;
}

@Injectable()
export class PolicyWriter {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(PoliciesRepository) private readonly repo: PoliciesRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(DesiredStateService) private readonly desired: DesiredStateService,
  ) {}

  /**
   * One policy transaction: the organisation's policy lock first (then, inside `fn`, the audit
   * head), the desired state recomputed when `fn` says it wrote anything, the gateways told after
   * commit.
   */
  async transaction<T>(
    scope: OrgScope,
    fn: (tx: Tx) => Promise<[T, boolean]>,
    opts: TransactionLimits = {},
  ): Promise<T> {
    const { result, rollout } = await this.db.inOrg(
      scope,
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

  /** Writes one change: the row, an immutable revision and (unless `action` is null) an audit event. */
  async write(tx: Tx, scope: OrgScope, c: PolicyChange): Promise<PolicyRow | null> {
    const [row] = await this.writeMany(tx, scope, [c]);
    return row ?? null;
  }

  /**
   * Writes changes to distinct resources in bulk — new rows in one insert, revisions in one, audit
   * events in one — and returns each change's row (null for a deletion), in order. Applying hundreds
   * of resources is then a few dozen statements rather than seven per resource.
   */
  async writeMany(
    tx: Tx,
    scope: OrgScope,
    requested: readonly PolicyChange[],
  ): Promise<(PolicyRow | null)[]> {
    const orgId = scope.orgId;
    const changes = requested.map((c) => withinScope(scope, c));
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

    const fresh = planned.flatMap((p) => (p.data && !p.c.existing ? [{ id: p.resourceId, ...p.data }] : []));
    if (isScoped(scope.access) && fresh.length > 0) {
      // A name taken by a resource the caller cannot see: refuse plainly, not as a key violation.
      const hidden = await Database.unrestricted(tx, () => this.repo.existingRefs(tx, orgId, fresh));
      const first = hidden[0];
      if (first)
        throw new AppError(
          'CONFLICT',
          `${first.kind} ${first.namespace ? `${first.namespace}/` : ''}${first.name} already exists outside your access (${describeScope(scope.access)})`,
        );
    }
    const inserted = new Map((await this.repo.insertMany(tx, orgId, fresh)).map((r) => [r.id, r]));
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
}

/**
 * A limited caller's change, held inside the caller's scope (or refused): what it changes must lie
 * inside (a Tier it sees but that reaches other clusters is read-only to it), and so must the new
 * document; a new document without a cluster selector gets the scope's.
 */
function withinScope(scope: OrgScope, c: PolicyChange): PolicyChange {
  if (!isScoped(scope.access)) return c;
  if (c.existing) requireWritableResource(scope.access, c.existing);
  if (c.doc === null) return c;
  const given = annotatedClusterSelector(c.doc) ?? '';
  // A new document without a cluster selector gets the scope's; a change keeps what it says.
  const selector = scopedResourceSelector(
    scope.access,
    { kind: c.ref.kind, name: c.ref.name, tier: tierOf(c.doc), clusterSelector: given },
    !c.existing,
  );
  return selector === given ? c : { ...c, doc: storedDocument(c.doc, selector) };
}
