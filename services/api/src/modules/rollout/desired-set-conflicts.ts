// Two stored resources that would become the same object in one cluster (today: two
// FelixConfigurations applying as the same `default` or `node.<name>`, decision 0090) cannot both
// be desired there: the agent would apply one over the other on every push. Found while a desired
// set is computed, so every change that could cause it — a policy write, a new selector, a cluster's
// registration or new labels — is refused in its own transaction with both names and the cluster.
import { AppError } from '../../platform/errors/app-error.js';
import { refKey, type ManagedRef } from '@palisade/policy/managed';

export interface DesiredMember {
  /** The stored resource's reference. */
  ref: ManagedRef;
  /** The reference of the object it becomes in the cluster. */
  clusterRef: ManagedRef;
}

/** The first pair of members of one set that become the same cluster object, if any. */
export function firstClash(set: readonly DesiredMember[]): [DesiredMember, DesiredMember] | null {
  const seen = new Map<string, DesiredMember>();
  for (const m of set) {
    const key = refKey(m.clusterRef);
    const other = seen.get(key);
    if (other) return [other, m];
    seen.set(key, m);
  }
  return null;
}

export function clashError(clusterName: string, [a, b]: [DesiredMember, DesiredMember]): AppError {
  return new AppError(
    'CONFLICT',
    `${refKey(a.ref)} and ${refKey(b.ref)} both target cluster "${clusterName}" as ${refKey(a.clusterRef)}; narrow one's cluster selector so that each cluster gets one`,
  );
}
