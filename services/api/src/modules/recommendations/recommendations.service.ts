// Policy recommendations of an organisation (issue 14 item 3, decision 0071): list, the scope
// setting, refresh on demand, accept (the staged policy — and the `namespace-isolation` tier when
// missing — written through the policies service, with its revisions, audit and rollout), dismiss.
// States: RECOMMENDED → ACCEPTED → ENFORCED (seen by the refresh once the staged policy is
// promoted), or DISMISSED, which nothing updates again.
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { Inject, Injectable } from '@nestjs/common';
import {
  canonicalSelector,
  parseSelector,
  recommendationTier,
  toCanonicalYaml,
  type PolicyResource,
} from '@palisade/policy';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { PoliciesService } from '../policies/policies.service.js';
import { CLUSTER_SELECTOR_ANNOTATION } from '@palisade/policy/managed';
import { PolicyChangesService } from '../policies/policy-changes.service.js';
import { RecommendationRefresher } from './recommendation-refresher.js';
import {
  RecommendationsRepository,
  type RecommendationRow,
  type ScopeRow,
} from './recommendations.repository.js';
import { requireUnscoped } from '../../platform/access/access-scope.js';

export interface RecommendationView extends RecommendationRow {
  clusterName: string;
}

@Injectable()
export class RecommendationsService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(RecommendationsRepository) private readonly repo: RecommendationsRepository,
    @Inject(RecommendationRefresher) private readonly refresher: RecommendationRefresher,
    @Inject(PoliciesService) private readonly policies: PoliciesService,
    @Inject(PolicyChangesService) private readonly changes: PolicyChangesService,
  ) {}

  scope(scope: OrgScope): Promise<ScopeRow> {
    return this.db.inOrg(scope, (tx) => this.repo.scope(tx, scope.orgId));
  }

  async setScope(scope: OrgScope, value: Omit<ScopeRow, 'refreshedAt'>): Promise<ScopeRow> {
    requireUnscoped(scope.access, "the organisation's recommendation settings");
    return this.db.inOrg(scope, async (tx) => {
      const before = await this.repo.scope(tx, scope.orgId);
      await this.repo.setScope(tx, scope.orgId, value);
      const after = await this.repo.scope(tx, scope.orgId);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'recommendation.scope.update',
        targetType: 'organization',
        targetId: scope.orgId,
        before: { ...before, refreshedAt: null },
        after: { ...after, refreshedAt: null },
      });
      return after;
    });
  }

  async list(
    scope: OrgScope,
    clusterName: string | null,
    states: readonly string[],
  ): Promise<RecommendationView[]> {
    return this.db.inOrg(scope, async (tx) => {
      const clusters = await this.repo.clusters(tx, scope.orgId);
      const cluster = clusterName === null ? undefined : clusters.find((c) => c.name === clusterName);
      if (clusterName !== null && !cluster) throw AppError.notFound(`cluster ${clusterName}`);
      const rows = await this.repo.list(tx, scope.orgId, cluster ? [cluster.id] : undefined);
      const names = new Map(clusters.map((c) => [c.id, c.name]));
      return rows
        .filter((r) => states.length === 0 || states.includes(r.state))
        .map((r) => ({ ...r, clusterName: names.get(r.clusterId) ?? '' }))
        .sort((a, b) => (a.clusterName + a.namespace < b.clusterName + b.namespace ? -1 : 1));
    });
  }

  /** Refreshes now, for one cluster (by name) and optionally some namespaces; returns its recommendations. */
  async refresh(
    scope: OrgScope,
    clusterName: string,
    namespaces: readonly string[] | null,
  ): Promise<RecommendationView[]> {
    const id = await this.db.inOrg(scope, async (tx) => {
      return (await this.repo.clusters(tx, scope.orgId)).find((c) => c.name === clusterName)?.id;
    });
    if (!id) throw AppError.notFound(`cluster ${clusterName}`);
    await this.refresher.refresh(scope.orgId, { clusterIds: [id], ...(namespaces ? { namespaces } : {}) });
    return this.list(scope, clusterName, []);
  }

  /**
   * Stores the recommended staged policy, targeted at the recommendation's cluster by all of that
   * cluster's labels (a policy name is unique per organisation: one accepted recommendation per
   * namespace), with the tier when missing; then marks it ACCEPTED.
   */
  async accept(scope: OrgScope, id: string): Promise<RecommendationView> {
    const { row, labels } = await this.db.inOrg(scope, async (tx) => {
      const r = await this.repo.find(tx, scope.orgId, id);
      const c = r ? (await this.repo.clusters(tx, scope.orgId)).find((x) => x.id === r.clusterId) : undefined;
      return { row: r, labels: (c?.labels ?? {}) as Record<string, string> };
    });
    if (!row) throw AppError.notFound(`recommendation ${id}`);
    if (row.state !== 'RECOMMENDED' && row.state !== 'ACCEPTED') {
      throw new AppError('PRECONDITION_FAILED', `the recommendation is ${row.state.toLowerCase()}`);
    }
    const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
    if (entries.length === 0) {
      throw new AppError(
        'PRECONDITION_FAILED',
        'the cluster has no labels to target it by: give it one first',
      );
    }
    const selector = canonicalSelector(parseSelector(entries.map(([k, v]) => `${k} == '${v}'`).join(' && ')));
    const policy = row.policy as PolicyResource;
    const staged = {
      ...policy,
      metadata: {
        ...policy.metadata,
        annotations: { ...policy.metadata.annotations, [CLUSTER_SELECTOR_ANNOTATION]: selector },
      },
    } as PolicyResource;
    const tiers = await this.policies.tiers(scope);
    const docs = tiers.some((t) => t.name === 'namespace-isolation')
      ? [staged]
      : [recommendationTier(), staged];
    const out = await this.changes.apply(scope, toCanonicalYaml(docs), false);
    if (!out.applied) {
      throw AppError.validation(
        out.items.flatMap((i) => i.errors).map((e) => ({ path: ['input', 'id'], message: e.message })),
      );
    }
    await this.db.inOrg(scope, (tx) => this.repo.update(tx, scope.orgId, id, { state: 'ACCEPTED' }));
    return (await this.list(scope, null, [])).find((r) => r.id === id)!;
  }

  async dismiss(scope: OrgScope, id: string): Promise<RecommendationView> {
    await this.db.inOrg(scope, async (tx) => {
      const r = await this.repo.find(tx, scope.orgId, id);
      if (!r) throw AppError.notFound(`recommendation ${id}`);
      if (r.state === 'ENFORCED')
        throw new AppError('PRECONDITION_FAILED', 'an enforced recommendation cannot be dismissed');
      await this.repo.update(tx, scope.orgId, id, { state: 'DISMISSED' });
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'recommendation.dismiss',
        targetType: 'policy_recommendation',
        targetId: id,
        before: { namespace: r.namespace, state: r.state },
        after: { namespace: r.namespace, state: 'DISMISSED' },
      });
    });
    return (await this.list(scope, null, [])).find((r) => r.id === id)!;
  }
}
