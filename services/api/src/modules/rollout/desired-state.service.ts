// Rollout, API side (docs/decisions/0009): computes each cluster's desired set — every stored
// resource whose cluster selector matches the cluster's labels, built-in tiers excepted (every
// Calico cluster has them), staged kinds included — in canonical order, hashes it, and bumps the
// cluster's generation when the hash changed. Runs inside the transaction of the change that caused
// it (a policy write, a cluster's registration or new labels), under the organisation's policy lock,
// so the stored desired state always matches committed policy. After commit, `publish` tells the
// owning gateway to push. Exported for the clusters module; it must never import that module.
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { stableStringify } from '@palisade/policy';
import {
  clusterMatcher,
  clusterRefOf,
  compareRefs,
  effectiveDriftMode,
  fromStored,
  isBuiltinTier,
  isManagedKind,
  orgDriftMode,
  pushedObject,
  type ClusterMatcher,
  type ManagedRef,
} from '@palisade/policy/managed';
import { redisKeys, type DesiredStateNotice, type PolicySyncEvent } from '@palisade/protocol/routing';
import { Database, type Tx } from '../../platform/db/database.js';
import { RedisClient } from '../../platform/queue/redis.js';
import { readLeases } from '../clusters/cluster-keys.js';
import { RolloutRepository } from './rollout.repository.js';
import { clashError, firstClash } from './desired-set-conflicts.js';

export interface DesiredChange {
  orgId: string;
  clusterId: string;
  generation: number;
}

interface Candidate {
  ref: ManagedRef;
  clusterRef: ManagedRef;
  matches: ClusterMatcher;
  object: Record<string, unknown>;
  json: string;
}

@Injectable()
export class DesiredStateService {
  constructor(
    @Inject(RolloutRepository) private readonly repo: RolloutRepository,
    @Inject(RedisClient) private readonly redis: RedisClient,
  ) {}

  /** The organisation's policy lock (see RolloutRepository.lockOrg); idempotent within a transaction. */
  lock(tx: Tx, orgId: string): Promise<void> {
    return this.repo.lockOrg(tx, orgId);
  }

  /**
   * Recomputes the desired sets of `clusterIds` (default: every cluster of the organisation) and
   * stores those that changed. Returns the new generations, to `publish` after commit.
   */
  recompute(tx: Tx, orgId: string, clusterIds?: readonly string[]): Promise<DesiredChange[]> {
    // A cluster's desired set counts every resource that targets it, not only those a limited
    // caller whose write triggered this may see (decision 0120).
    return Database.unrestricted(tx, () => this.recomputeAll(tx, orgId, clusterIds));
  }

  private async recomputeAll(
    tx: Tx,
    orgId: string,
    clusterIds?: readonly string[],
  ): Promise<DesiredChange[]> {
    await this.repo.lockOrg(tx, orgId);
    const clusters = await this.repo.clusters(tx, orgId, clusterIds);
    if (clusters.length === 0) return [];
    const [rows, settings, hashes] = [
      await this.repo.resources(tx, orgId),
      await this.repo.settings(tx, orgId),
      await this.repo.hashes(
        tx,
        orgId,
        clusters.map((c) => c.id),
      ),
    ];
    const orgDefault = orgDriftMode(settings?.defaultDriftMode);
    const candidates: Candidate[] = [];
    for (const r of rows) {
      if (!isManagedKind(r.kind) || isBuiltinTier(r.kind, r.name)) continue;
      const doc = fromStored(r.object);
      const object = pushedObject(doc, effectiveDriftMode(r.driftMode, orgDefault));
      const ref = { kind: r.kind, namespace: r.namespace, name: r.name };
      candidates.push({
        ref,
        clusterRef: clusterRefOf(ref, doc),
        matches: clusterMatcher(r.clusterSelector),
        object,
        json: stableStringify(object),
      });
    }
    candidates.sort((a, b) => compareRefs(a.ref, b.ref));
    const previous = new Map(hashes.map((h) => [h.clusterId, h.resourceSetHash]));
    const changed = [];
    for (const c of clusters) {
      const labels = (c.labels ?? {}) as Record<string, string>;
      const set = candidates.filter((k) => k.matches(labels));
      const clash = firstClash(set);
      if (clash) throw clashError(c.name, clash);
      const hash = createHash('sha256')
        .update(`[${set.map((k) => k.json).join(',')}]`)
        .digest('hex');
      if (previous.get(c.id) === hash) continue;
      changed.push({ clusterId: c.id, hash, resources: set.map((k) => k.object) });
    }
    const written = await this.repo.upsert(tx, orgId, changed);
    return written.map((w) => ({ orgId, clusterId: w.clusterId, generation: Number(w.generation) }));
  }

  /**
   * After commit: tells each changed cluster's gateway (from its lease) to push, and announces the
   * new generation to status subscribers. A cluster without a lease is pushed on connect; a lost
   * message is repaired the same way (the gateway compares generations), so this is best effort.
   */
  async publish(changes: readonly DesiredChange[]): Promise<void> {
    if (changes.length === 0) return;
    const keys = redisKeys(this.redis.prefix);
    const leases = await readLeases(
      this.redis,
      changes.map((c) => c.clusterId),
    );
    const pipeline = this.redis.redis.pipeline();
    for (const c of changes) {
      const lease = leases.get(c.clusterId);
      if (lease) {
        const notice: DesiredStateNotice = {
          kind: 'desired',
          clusterId: c.clusterId,
          generation: c.generation,
        };
        pipeline.publish(keys.gatewayControl(lease.gatewayId), JSON.stringify(notice));
      }
      const event: PolicySyncEvent = {
        orgId: c.orgId,
        clusterId: c.clusterId,
        generation: c.generation,
        source: 'api',
      };
      pipeline.publish(keys.policySyncEvents, JSON.stringify(event));
    }
    await pipeline.exec();
  }
}
