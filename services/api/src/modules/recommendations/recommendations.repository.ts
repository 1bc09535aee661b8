// Storage of policy recommendations and of the organisation's recommendation scope
// (migration 0014). Org id first and in every where clause; writes in the caller's transaction.
import { Inject, Injectable } from '@nestjs/common';
import { Database, type Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';

export interface ScopeRow {
  enabled: boolean;
  intervalSeconds: number;
  initialLookbackSeconds: number;
  stabilizationSeconds: number;
  excludedNamespacePrefixes: string[];
  intraNamespace: 'ALLOW' | 'PASS';
  refreshedAt: Date | null;
}

export const DEFAULT_SCOPE: ScopeRow = {
  enabled: false,
  intervalSeconds: 150,
  initialLookbackSeconds: 86_400,
  stabilizationSeconds: 600,
  excludedNamespacePrefixes: ['tigera-', 'calico-', 'kube-'],
  intraNamespace: 'ALLOW',
  refreshedAt: null,
};

export interface RecommendationRow {
  id: string;
  clusterId: string;
  namespace: string;
  state: string;
  policy: unknown;
  rules: unknown;
  unmatched: unknown;
  windowFrom: Date;
  windowTo: Date;
  changedAt: Date;
}

export interface RecommendationWrite {
  clusterId: string;
  namespace: string;
  policy: object;
  rules: object[];
  unmatched: string[];
  windowFrom: Date;
  windowTo: Date;
}

@Injectable()
export class RecommendationsRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async scope(tx: Tx, orgId: string): Promise<ScopeRow> {
    const row = await tx.recommendationScope.findFirst({ where: { orgId } });
    if (!row) return DEFAULT_SCOPE;
    return {
      enabled: row.enabled,
      intervalSeconds: row.intervalSeconds,
      initialLookbackSeconds: row.initialLookbackSeconds,
      stabilizationSeconds: row.stabilizationSeconds,
      excludedNamespacePrefixes: row.excludedNamespacePrefixes as string[],
      intraNamespace: row.intraNamespace === 'PASS' ? 'PASS' : 'ALLOW',
      refreshedAt: row.refreshedAt,
    };
  }

  async setScope(tx: Tx, orgId: string, s: Omit<ScopeRow, 'refreshedAt'>): Promise<void> {
    const data = { ...s, updatedAt: new Date() };
    await tx.recommendationScope.upsert({ where: { orgId }, create: { orgId, ...data }, update: data });
  }

  async markRefreshed(tx: Tx, orgId: string, at: Date): Promise<void> {
    await tx.recommendationScope.upsert({
      where: { orgId },
      create: { orgId, refreshedAt: at },
      update: { refreshedAt: at },
    });
  }

  list(tx: Tx, orgId: string, clusterIds?: readonly string[]): Promise<RecommendationRow[]> {
    return tx.policyRecommendation.findMany({
      where: { orgId, ...(clusterIds ? { clusterId: { in: [...clusterIds] } } : {}) },
      orderBy: [{ clusterId: 'asc' }, { namespace: 'asc' }],
    });
  }

  find(tx: Tx, orgId: string, id: string): Promise<RecommendationRow | null> {
    return tx.policyRecommendation.findFirst({ where: { orgId, id } });
  }

  async insert(tx: Tx, orgId: string, w: RecommendationWrite, now: Date): Promise<void> {
    await tx.policyRecommendation.create({
      data: {
        orgId,
        ...w,
        policy: w.policy,
        rules: w.rules,
        state: 'RECOMMENDED',
        changedAt: now,
        updatedAt: now,
      },
    });
  }

  async update(
    tx: Tx,
    orgId: string,
    id: string,
    w: Partial<RecommendationWrite> & { state?: string; changedAt?: Date },
  ): Promise<void> {
    await tx.policyRecommendation.updateMany({ where: { orgId, id }, data: { ...w, updatedAt: new Date() } });
  }

  clusters(tx: Tx, orgId: string): Promise<{ id: string; name: string; labels: unknown }[]> {
    return tx.cluster.findMany({ where: { orgId }, select: { id: true, name: true, labels: true } });
  }

  async clusterIds(tx: Tx, orgId: string, ids?: readonly string[]): Promise<string[]> {
    const rows = await tx.cluster.findMany({
      where: { orgId, ...(ids ? { id: { in: [...ids] } } : {}) },
      select: { id: true },
      orderBy: { name: 'asc' },
    });
    return rows.map((r) => r.id);
  }

  /** Policies and staged policies stored in the recommendations' tier. */
  isolationPolicies(tx: Tx, orgId: string): Promise<{ kind: string; namespace: string; name: string }[]> {
    return tx.policyResource.findMany({
      where: { orgId, tier: 'namespace-isolation', kind: { in: ['NetworkPolicy', 'StagedNetworkPolicy'] } },
      select: { kind: true, namespace: true, name: true },
    });
  }

  /** Organisations whose refresh is due (a definer function: the worker sees no rows itself). */
  async due(): Promise<string[]> {
    const rows = await this.db.queryGlobal(
      sql<{ org_id: string }>`SELECT recommendation_orgs_due() AS org_id`,
    );
    return rows.map((r) => r.org_id);
  }
}
