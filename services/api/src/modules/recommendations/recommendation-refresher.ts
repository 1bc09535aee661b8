// Makes and refreshes the recommendations of an organisation (decision 0071): for each cluster,
// the flow keys of the lookback window (the scope's initial lookback, up to now) become one
// recommended StagedNetworkPolicy per namespace (@palisade/policy recommendPolicies), validated
// before it is stored. RECOMMENDED rows take the new content (changed_at moves only when the
// content changed, which is what the stabilisation period measures); ACCEPTED rows become ENFORCED
// once their enforced twin is stored and the staged one is gone; DISMISSED and ENFORCED rows are
// never touched. Idempotent: a refresh over the same flows changes nothing but the window.
import { Inject, Injectable } from '@nestjs/common';
import { mergeFlowInputs, recommendPolicies, stableStringify, validateResource } from '@palisade/policy';
import { Database } from '../../platform/db/database.js';
import { FLOW_STORE, type FlowStore } from '../flows/flow-store.js';
import { flowInput } from '../policy-preview/policy-preview.service.js';
import { RecommendationsRepository } from './recommendations.repository.js';

export interface RefreshTarget {
  /** Default: every cluster of the organisation. */
  clusterIds?: readonly string[];
  /** Default: every namespace the scope does not exclude. */
  namespaces?: readonly string[];
}

const EMPTY_QUERY = {
  clusters: [],
  sourceNames: [],
  sourceNamespaces: [],
  destNames: [],
  destNamespaces: [],
  protocols: [],
  destPorts: [],
  actions: [],
  pendingActions: [],
  policies: [],
  reporter: null,
};

@Injectable()
export class RecommendationRefresher {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(RecommendationsRepository) private readonly repo: RecommendationsRepository,
    @Inject(FLOW_STORE) private readonly flows: FlowStore,
  ) {}

  async refresh(orgId: string, target: RefreshTarget = {}, now = new Date()): Promise<void> {
    const { scope, ids } = await this.db.inOrg({ orgId }, async (tx) => ({
      scope: await this.repo.scope(tx, orgId),
      ids: await this.repo.clusterIds(tx, orgId, target.clusterIds),
    }));
    const from = new Date(now.getTime() - scope.initialLookbackSeconds * 1000);
    const keys =
      ids.length === 0
        ? []
        : await this.flows.flowKeys({ orgId }, { ...EMPTY_QUERY, clusterIds: ids, from, to: now });
    const excluded = (ns: string): boolean =>
      scope.excludedNamespacePrefixes.some((p) => ns.startsWith(p)) ||
      (target.namespaces !== undefined && !target.namespaces.includes(ns));
    await this.db.inOrg({ orgId }, async (tx) => {
      const existing = await this.repo.list(tx, orgId, ids);
      const stored = await this.repo.isolationPolicies(tx, orgId);
      const has = (kind: string, namespace: string, name: string): boolean =>
        stored.some((r) => r.kind === kind && r.namespace === namespace && r.name === name);
      for (const clusterId of ids) {
        const recs = recommendPolicies(
          mergeFlowInputs(keys.filter((k) => k.clusterId === clusterId).map(flowInput)),
          { intraNamespace: scope.intraNamespace },
          excluded,
        );
        for (const rec of recs) {
          // The generator's output must always validate; one that does not is a bug, not input.
          const invalid = validateResource(rec.policy).errors;
          if (invalid.length > 0)
            throw new Error(`invalid recommendation for ${rec.namespace}: ${invalid[0]!.message}`);
          const row = existing.find((e) => e.clusterId === clusterId && e.namespace === rec.namespace);
          const write = {
            clusterId,
            namespace: rec.namespace,
            policy: rec.policy,
            rules: rec.rules.map((r) => ({ ...r, flows: [...r.flows] })),
            unmatched: [...rec.unmatched],
            windowFrom: from,
            windowTo: now,
          };
          if (!row) await this.repo.insert(tx, orgId, write, now);
          else if (row.state === 'RECOMMENDED') {
            const changed = stableStringify(row.policy) !== stableStringify(rec.policy);
            await this.repo.update(
              tx,
              orgId,
              row.id,
              changed ? { ...write, changedAt: now } : { windowFrom: from, windowTo: now },
            );
          }
        }
        for (const row of existing.filter((e) => e.clusterId === clusterId && e.state === 'ACCEPTED')) {
          const name = (row.policy as { metadata: { name: string } }).metadata.name;
          if (has('NetworkPolicy', row.namespace, name) && !has('StagedNetworkPolicy', row.namespace, name)) {
            await this.repo.update(tx, orgId, row.id, { state: 'ENFORCED' });
          }
        }
      }
      if (!target.clusterIds && !target.namespaces) await this.repo.markRefreshed(tx, orgId, now);
    });
  }
}
