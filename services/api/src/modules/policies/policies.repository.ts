// Prisma access for stored policy resources, their revisions, the organisation's policy settings
// and the cluster a list is filtered by. Org id first and in every where clause, updates and deletes
// included.
import { Injectable } from '@nestjs/common';
import { refKey, type ManagedRef } from '@palisade/policy/managed';
import { Prisma } from '../../generated/prisma/client.js';
import type { Actor } from '../../platform/access/principal.js';
import type { Tx } from '../../platform/db/database.js';

export interface ResourceFilter {
  kind?: string | null | undefined;
  tier?: string | null | undefined;
  namespace?: string | null | undefined;
  name?: string | null | undefined;
}

export interface ResourceWrite {
  kind: string;
  namespace: string;
  name: string;
  tier: string | null;
  clusterSelector: string;
  revision: number;
  object: unknown;
}

export type RevisionChange = 'created' | 'configured' | 'deleted' | 'rolled_back' | 'promoted' | 'reordered';

export interface RevisionWrite {
  resourceId: string;
  ref: ManagedRef;
  revision: number;
  object: unknown;
  change: RevisionChange;
  actor: Actor;
}

const refWhere = (orgId: string, ref: ManagedRef) => ({
  orgId,
  kind: ref.kind,
  namespace: ref.namespace,
  name: ref.name,
});

function whereOf(orgId: string, f: ResourceFilter): Prisma.PolicyResourceWhereInput {
  return {
    orgId,
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.tier ? { tier: f.tier } : {}),
    ...(f.namespace !== null && f.namespace !== undefined ? { namespace: f.namespace } : {}),
    ...(f.name ? { name: f.name } : {}),
  };
}

const ORDER: Prisma.PolicyResourceOrderByWithRelationInput[] = [
  { kind: 'asc' },
  { namespace: 'asc' },
  { name: 'asc' },
];

@Injectable()
export class PoliciesRepository {
  list(tx: Tx, orgId: string, filter: ResourceFilter, skip?: number, take?: number) {
    return tx.policyResource.findMany({
      where: whereOf(orgId, filter),
      orderBy: ORDER,
      ...(skip !== undefined ? { skip } : {}),
      ...(take !== undefined ? { take } : {}),
    });
  }

  count(tx: Tx, orgId: string, filter: ResourceFilter) {
    return tx.policyResource.count({ where: whereOf(orgId, filter) });
  }

  find(tx: Tx, orgId: string, ref: ManagedRef) {
    return tx.policyResource.findFirst({ where: refWhere(orgId, ref) });
  }

  findMany(tx: Tx, orgId: string, refs: readonly ManagedRef[]) {
    if (refs.length === 0) return Promise.resolve([]);
    return tx.policyResource.findMany({ where: { orgId, OR: refs.map((r) => refWhere(orgId, r)) } });
  }

  tiers(tx: Tx, orgId: string) {
    return tx.policyResource.findMany({ where: { orgId, kind: 'Tier' }, orderBy: { name: 'asc' } });
  }

  inTier(tx: Tx, orgId: string, tier: string) {
    return tx.policyResource.findMany({ where: { orgId, tier }, orderBy: ORDER });
  }

  countInTier(tx: Tx, orgId: string, tier: string) {
    return tx.policyResource.count({ where: { orgId, tier } });
  }

  tierPolicyCounts(tx: Tx, orgId: string) {
    return tx.policyResource.groupBy({
      by: ['tier'],
      where: { orgId, tier: { not: null } },
      _count: { _all: true },
    });
  }

  insertMany(tx: Tx, orgId: string, rows: readonly (ResourceWrite & { id: string })[]) {
    if (rows.length === 0) return Promise.resolve([]);
    return tx.policyResource.createManyAndReturn({
      data: rows.map((r) => ({ orgId, ...r, object: r.object as Prisma.InputJsonValue })),
    });
  }

  /** Which of these identities already exist (under Database.unrestricted: including hidden ones). */
  existingRefs(tx: Tx, orgId: string, refs: readonly ManagedRef[]) {
    if (refs.length === 0) return Promise.resolve([]);
    return tx.policyResource.findMany({
      where: { orgId, OR: refs.map((r) => refWhere(orgId, r)) },
      select: { kind: true, namespace: true, name: true },
    });
  }

  update(tx: Tx, orgId: string, id: string, data: ResourceWrite) {
    return tx.policyResource.update({
      where: { id, orgId },
      data: { ...data, object: data.object as Prisma.InputJsonValue, updatedAt: new Date() },
    });
  }

  setDriftMode(tx: Tx, orgId: string, id: string, driftMode: string | null) {
    return tx.policyResource.update({ where: { id, orgId }, data: { driftMode } });
  }

  delete(tx: Tx, orgId: string, id: string) {
    return tx.policyResource.deleteMany({ where: { id, orgId } });
  }

  settings(tx: Tx, orgId: string) {
    return tx.orgPolicySettings.findFirst({ where: { orgId } });
  }

  setDefaultDriftMode(tx: Tx, orgId: string, mode: string) {
    return tx.orgPolicySettings.update({
      where: { orgId },
      data: { defaultDriftMode: mode, updatedAt: new Date() },
    });
  }

  // ── revisions ──────────────────────────────────────────────────────────────────────────────────

  addRevisions(tx: Tx, orgId: string, rows: readonly RevisionWrite[]) {
    return tx.policyRevision.createMany({
      data: rows.map((data) => ({
        orgId,
        resourceId: data.resourceId,
        kind: data.ref.kind,
        namespace: data.ref.namespace,
        name: data.ref.name,
        revision: data.revision,
        object: data.object === null ? Prisma.DbNull : (data.object as Prisma.InputJsonValue),
        change: data.change,
        actorType: data.actor.type,
        actorId: data.actor.id,
        actorLabel: data.actor.label,
      })),
    });
  }

  /** The newest revision of whatever resource last had this identity (it may be deleted now). */
  latestRevision(tx: Tx, orgId: string, ref: ManagedRef) {
    return tx.policyRevision.findFirst({
      where: refWhere(orgId, ref),
      orderBy: [{ id: 'desc' }],
    });
  }

  /** latestRevision for several identities at once: at most one row per identity that ever existed. */
  async latestRevisions(tx: Tx, orgId: string, refs: readonly ManagedRef[]) {
    if (refs.length === 0) return [];
    const rows = await tx.policyRevision.findMany({
      where: { orgId, OR: refs.map((r) => refWhere(orgId, r)) },
      select: { id: true, resourceId: true, kind: true, namespace: true, name: true, revision: true },
      orderBy: [{ id: 'desc' }],
    });
    const newest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) {
      const key = refKey(r);
      if (!newest.has(key)) newest.set(key, r);
    }
    return [...newest.values()];
  }

  revision(tx: Tx, orgId: string, resourceId: string, revision: number) {
    return tx.policyRevision.findFirst({ where: { orgId, resourceId, revision } });
  }

  revisions(tx: Tx, orgId: string, resourceId: string, skip: number, take: number) {
    return tx.policyRevision.findMany({
      where: { orgId, resourceId },
      orderBy: { revision: 'desc' },
      skip,
      take,
    });
  }

  countRevisions(tx: Tx, orgId: string, resourceId: string) {
    return tx.policyRevision.count({ where: { orgId, resourceId } });
  }

  // ── clusters ─────────────────────────────────────────────────────────────────────────────────

  clusterByName(tx: Tx, orgId: string, name: string) {
    return tx.cluster.findFirst({ where: { orgId, name } });
  }
}
