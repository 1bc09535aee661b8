// The policy board's model, independent of where policies come from (the API, or generated for the
// bench): tiers in evaluation order (order, then name) and, inside each, policies in Calico order
// (order ascending, unset last, then name). Reordering yields the tier's complete new order, which
// is what the API's reorderTierPolicies takes. Kinds, keys and sync statuses are the managed-document
// contract's (@palisade/policy/managed).
import { refKey, SYNC_STATUSES_WORST_FIRST, type SyncStatus } from '@palisade/policy/managed';

export interface PolicyRef {
  kind: string;
  namespace: string | null;
  name: string;
}

export interface BoardPolicy extends PolicyRef {
  id: string;
  tier: string;
  /** Calico order; null sorts last. */
  order: number | null;
  staged: boolean;
  /** '' targets every cluster. */
  clusterSelector: string;
  /** Per-cluster sync of this policy, when known. */
  clusters?: readonly { name: string; status: SyncStatus }[];
  /** Connections it allowed, denied and passed recently (hit counters), when known. */
  hits?: { allowed: number; denied: number; passed: number };
}

export interface BoardTier {
  name: string;
  order: number;
  defaultAction: string;
  builtIn: boolean;
  policies: BoardPolicy[];
}

export function policyKey(p: PolicyRef): string {
  return refKey(p);
}

export function comparePolicies(a: BoardPolicy, b: BoardPolicy): number {
  const ao = a.order ?? Number.POSITIVE_INFINITY;
  const bo = b.order ?? Number.POSITIVE_INFINITY;
  if (ao !== bo) return ao < bo ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : policyKey(a) < policyKey(b) ? -1 : 1;
}

export function buildBoard(
  tiers: readonly Omit<BoardTier, 'policies'>[],
  policies: readonly BoardPolicy[],
): BoardTier[] {
  const byTier = new Map<string, BoardPolicy[]>();
  for (const p of policies) {
    const list = byTier.get(p.tier);
    if (list) list.push(p);
    else byTier.set(p.tier, [p]);
  }
  const known = new Set(tiers.map((t) => t.name));
  const all: Omit<BoardTier, 'policies'>[] = [...tiers];
  // A policy naming a tier that does not exist yet still shows, in a column of its own.
  for (const name of byTier.keys())
    if (!known.has(name))
      all.push({ name, order: Number.MAX_SAFE_INTEGER, defaultAction: 'Deny', builtIn: false });
  return all
    .map((t) => ({ ...t, policies: [...(byTier.get(t.name) ?? [])].sort(comparePolicies) }))
    .sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : 1));
}

/** The tier's policies after moving the one at `from` to `to` (indexes in the current order). */
export function movePolicy(policies: readonly BoardPolicy[], from: number, to: number): BoardPolicy[] {
  const next = [...policies];
  const [moved] = next.splice(from, 1);
  if (!moved) return next;
  next.splice(Math.max(0, Math.min(to, next.length)), 0, moved);
  return next;
}

/** Worst sync state across the clusters a policy targets, for the card's pill. */
export function worstSync(clusters: readonly { status: SyncStatus }[]): SyncStatus | null {
  for (const s of SYNC_STATUSES_WORST_FIRST) if (clusters.some((c) => c.status === s)) return s;
  return null;
}

/**
 * A policy's sync for the board, with the live and the disconnected clusters apart: `live` is the
 * worst state among clusters whose agent is connected (null when none is), `disconnected` the
 * clusters whose state is unknown. One stale cluster no longer turns a policy every live cluster
 * runs into "Disconnected".
 */
export function boardSync<C extends { name: string; status: SyncStatus }>(
  clusters: readonly C[],
): { live: SyncStatus | null; liveClusters: C[]; disconnected: C[] } {
  const liveClusters = clusters.filter((c) => c.status !== 'DISCONNECTED');
  const disconnected = clusters.filter((c) => c.status === 'DISCONNECTED');
  return { live: worstSync(liveClusters), liveClusters, disconnected };
}
