// What an agent's `apply.result` means for the rows decision 0009 defines: one status for the
// cluster (FAILED if any resource failed, else DRIFTED if any drifted, else IN_SYNC) and one row per
// resource, keyed by the managed-document contract's reference (kind key, `''` for a cluster-scoped
// namespace: @palisade/policy/managed). Pure, so the mapping is tested without a database.
import { refKey, wireKindKey, type ReportedSyncStatus } from '@palisade/policy/managed';
import type { ApplyResultMessage, DriftKind, ResourceRef } from '@palisade/protocol';

export interface ResourceRow {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly status: ReportedSyncStatus;
  readonly message: string | null;
  /** `{drift, message}` for a drifted resource; what differs is in the agent's message. */
  readonly diff: { readonly drift: DriftKind; readonly message: string | null } | null;
}

export interface ApplyReport {
  readonly generation: number;
  readonly status: ReportedSyncStatus;
  readonly error: string | null;
  /** Sorted by key, one per resource, so writers lock rows in one order. */
  readonly resources: readonly ResourceRow[];
}

export function applyReport(message: ApplyResultMessage): ApplyReport {
  const rows = new Map<string, ResourceRow>();
  for (const result of message.results) {
    const row = identity(result.resource);
    rows.set(refKey(row), {
      ...row,
      status: result.status === 'ok' ? 'IN_SYNC' : 'FAILED',
      message: result.status === 'ok' ? null : result.message,
      diff: null,
    });
  }
  for (const drift of message.drift) {
    const row = identity(drift.resource);
    const key = refKey(row);
    const known = rows.get(key);
    // A failure says more than a drift of the same resource: the agent could not even apply it.
    if (known?.status === 'FAILED') continue;
    rows.set(key, {
      ...row,
      status: 'DRIFTED',
      message: drift.message,
      diff: { drift: drift.drift, message: drift.message },
    });
  }
  const resources = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const failed = resources.filter((r) => r.status === 'FAILED');
  const drifted = resources.some((r) => r.status === 'DRIFTED');
  const status: ReportedSyncStatus = failed.length > 0 ? 'FAILED' : drifted ? 'DRIFTED' : 'IN_SYNC';
  return { generation: message.generation, status, error: summarise(failed), resources };
}

function identity(ref: ResourceRef): Pick<ResourceRow, 'kind' | 'namespace' | 'name'> {
  return { kind: wireKindKey(ref), namespace: ref.namespace ?? '', name: ref.name };
}

function summarise(failed: readonly ResourceRow[]): string | null {
  const first = failed[0];
  if (first === undefined) return null;
  const where = `${first.kind} ${first.namespace === '' ? '' : `${first.namespace}/`}${first.name}`;
  const more = failed.length > 1 ? ` (and ${String(failed.length - 1)} more failed)` : '';
  return `${where}: ${first.message ?? 'failed'}${more}`;
}
