// The provider-independent half of applying a desired state and watching it (decision 0009). A
// provider supplies the cluster's objects (`PolicyCluster`: list what is there, write one, delete
// one); this decides what to write, what to prune and what has drifted:
// - apply: every desired object that differs from what is there is written; every object carrying
//   the managed-by label that is no longer desired is deleted (never one without it); an object
//   the caller asks to keep (a pushed document that failed validation) is left as it is; an object
//   of a desired name that lacks the label is not Palisade's, so it is reported failed, untouched;
// - check: the cluster's managed objects are compared with the last desired set. Differences are
//   reported (modified, missing, unexpected); those whose drift mode is `revert` are then put back
//   and reported applied again, so the console shows DRIFTED and then IN_SYNC.
// One operation at a time: applies and checks are queued.
import { resourceKey, stableStringify, type PolicyResource } from '@palisade/policy';
import {
  MANAGED_BY_LABEL,
  driftModeOf,
  isManaged,
  isSharedObjectKind,
  wireRefKey,
  wireRefOf,
} from '@palisade/policy/managed';
import type { DriftReport, ResourceRef, ResourceStatus } from '@palisade/protocol';
import { MAX_RESULT_MESSAGE_LENGTH } from '../limits.js';
import { describeDifferences } from './object-diff.js';

/** What applying a generation did, and what has drifted from it since. */
export interface ApplyOutcome {
  readonly generation: number;
  readonly results: ResourceStatus[];
  readonly drift: DriftReport[];
}

/** The state that survives a restart (the simulated provider keeps it under its state directory). */
export interface AppliedState {
  readonly outcome: ApplyOutcome;
  readonly desired: PolicyResource[];
}

/** A provider's policy objects, as the cluster has them. */
export interface PolicyCluster {
  /** Every policy object of the kinds Palisade manages, managed or not, by `resourceKey`. */
  objects(): Promise<Map<string, PolicyResource>>;
  write(resource: PolicyResource): Promise<void>;
  remove(ref: ResourceRef): Promise<void>;
  /**
   * Runs the writes and removals of `fn` as one change, for a store that persists as a whole (the
   * simulated provider's file: saved once, not once per object). A cluster API that takes objects
   * one by one has nothing to group and need not implement it.
   */
  batch?<T>(fn: () => Promise<T>): Promise<T>;
}

export class ManagedPolicies {
  readonly #cluster: PolicyCluster;
  readonly #persist: (state: AppliedState) => Promise<void>;
  #desired = new Map<string, PolicyResource>();
  #outcome: ApplyOutcome | null = null;
  #lastDrift = '[]';
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    cluster: PolicyCluster,
    persist: (state: AppliedState) => Promise<void>,
    restored: AppliedState | null,
  ) {
    this.#cluster = cluster;
    this.#persist = persist;
    if (restored !== null) {
      this.#outcome = restored.outcome;
      this.#desired = new Map(restored.desired.map((r) => [resourceKey(r), r]));
      this.#lastDrift = stableStringify(restored.outcome.drift);
    }
  }

  /** The last outcome (apply or drift check); null when nothing was ever applied. */
  lastOutcome(): ApplyOutcome | null {
    return this.#outcome;
  }

  desired(): PolicyResource[] {
    return [...this.#desired.values()];
  }

  apply(
    generation: number,
    resources: readonly PolicyResource[],
    keep: readonly ResourceRef[],
  ): Promise<ApplyOutcome> {
    return this.#serial(() => this.#apply(generation, resources, keep));
  }

  /**
   * Compares the cluster with the desired set. Calls `report` with each new outcome: the drift
   * found (only when it differs from the last report), and again after reverting.
   */
  check(report: (outcome: ApplyOutcome) => void): Promise<void> {
    return this.#serial(() => this.#check(report));
  }

  async #apply(
    generation: number,
    resources: readonly PolicyResource[],
    keep: readonly ResourceRef[],
  ): Promise<ApplyOutcome> {
    const existing = await this.#cluster.objects();
    const desired = new Map(resources.map((r) => [resourceKey(r), r]));
    const kept = new Set(keep.map(wireRefKey));
    const results: ResourceStatus[] = [];
    await this.#batch(async () => {
      for (const [key, resource] of desired) {
        const found = existing.get(key);
        if (found !== undefined && !isManaged(found) && !isSharedObjectKind(found.kind)) {
          results.push({
            resource: wireRefOf(resource),
            status: 'failed',
            message: `an object of this name exists without the ${MANAGED_BY_LABEL} label; Palisade does not touch it`,
          });
          continue;
        }
        try {
          if (found === undefined || describeDifferences(resource, found) !== null) {
            await this.#cluster.write(resource);
          }
          results.push({ resource: wireRefOf(resource), status: 'ok' });
        } catch (error) {
          results.push({ resource: wireRefOf(resource), status: 'failed', message: messageOf(error) });
        }
      }
      for (const [key, found] of existing) {
        if (desired.has(key) || kept.has(key) || !isManaged(found)) continue;
        try {
          await this.#cluster.remove(wireRefOf(found));
        } catch (error) {
          // Still there: reported so the console keeps showing it until a prune succeeds.
          results.push({
            resource: wireRefOf(found),
            status: 'failed',
            message: `prune failed: ${messageOf(error)}`,
          });
        }
      }
    });
    // A resource kept because its new version was invalid stays desired in its old form.
    for (const key of kept) {
      const previous = this.#desired.get(key);
      if (previous !== undefined && !desired.has(key)) desired.set(key, previous);
    }
    this.#desired = desired;
    const outcome: ApplyOutcome = { generation, results, drift: [] };
    this.#outcome = outcome;
    this.#lastDrift = '[]';
    await this.#persist({ outcome, desired: [...desired.values()] });
    return outcome;
  }

  async #check(report: (outcome: ApplyOutcome) => void): Promise<void> {
    const base = this.#outcome;
    if (base === null) return;
    const existing = await this.#cluster.objects();
    const drift: DriftReport[] = [];
    const revert: { drift: DriftReport; resource: PolicyResource | null }[] = [];
    for (const [key, resource] of this.#desired) {
      const found = existing.get(key);
      let entry: DriftReport | null = null;
      if (found === undefined) {
        entry = { resource: wireRefOf(resource), drift: 'missing', message: 'deleted from the cluster' };
      } else {
        const differences = describeDifferences(resource, found);
        if (differences !== null)
          entry = { resource: wireRefOf(resource), drift: 'modified', message: differences };
      }
      if (entry === null) continue;
      drift.push(entry);
      if (driftModeOf(resource) === 'revert') revert.push({ drift: entry, resource });
    }
    for (const [key, found] of existing) {
      if (this.#desired.has(key) || !isManaged(found)) continue;
      const entry: DriftReport = {
        resource: wireRefOf(found),
        drift: 'unexpected',
        message: 'carries the managed-by label but is not desired',
      };
      drift.push(entry);
      if (driftModeOf(found) === 'revert') revert.push({ drift: entry, resource: null });
    }
    const signature = stableStringify(drift);
    if (signature !== this.#lastDrift) {
      this.#lastDrift = signature;
      this.#setOutcome({ ...base, drift }, report);
    }
    if (revert.length === 0) return;
    const failed: ResourceStatus[] = [];
    await this.#batch(async () => {
      for (const item of revert) {
        try {
          if (item.resource === null) await this.#cluster.remove(item.drift.resource);
          else await this.#cluster.write(item.resource);
        } catch (error) {
          failed.push({
            resource: item.drift.resource,
            status: 'failed',
            message: `revert failed: ${messageOf(error)}`,
          });
        }
      }
    });
    const reverted = new Set(revert.map((r) => wireRefKey(r.drift.resource)));
    const failedKeys = new Set(failed.map((f) => wireRefKey(f.resource)));
    const remaining = drift.filter(
      (d) => !reverted.has(wireRefKey(d.resource)) || failedKeys.has(wireRefKey(d.resource)),
    );
    const results = [...base.results.filter((r) => !failedKeys.has(wireRefKey(r.resource))), ...failed];
    this.#lastDrift = stableStringify(remaining);
    this.#setOutcome({ generation: base.generation, results, drift: remaining }, report);
  }

  #batch(fn: () => Promise<void>): Promise<void> {
    return this.#cluster.batch ? this.#cluster.batch(fn) : fn();
  }

  #setOutcome(outcome: ApplyOutcome, report: (outcome: ApplyOutcome) => void): void {
    this.#outcome = outcome;
    void this.#persist({ outcome, desired: [...this.#desired.values()] }).catch(() => undefined);
    report(outcome);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, MAX_RESULT_MESSAGE_LENGTH);
}
