// What the rows of decision 0009 say when a cluster's desired set cannot be delivered at all
// (decision 0013: over the protocol's size or count limit, or larger than one frame for an agent
// that cannot take chunks). Stored like an agent's report at the desired generation, so the API's
// precedence (PENDING only while the applied generation is behind) shows FAILED with the reason,
// for the cluster and for every resource of the set, instead of PENDING forever. Nothing was
// applied: the agent keeps the set of its last generation until a deliverable one arrives.
import type { JsonObject, ResourceRef, ResourceStatus } from '@palisade/protocol';
import { applyReport, type ApplyReport } from './apply-report.js';

export function undeliveredReport(
  generation: number,
  resources: readonly JsonObject[],
  error: string,
): ApplyReport {
  const results: ResourceStatus[] = [];
  for (const resource of resources) {
    const ref = refOf(resource);
    if (ref !== null) results.push({ resource: ref, status: 'failed', message: error });
  }
  const report = applyReport({ type: 'apply.result', generation, results, drift: [] });
  return { ...report, status: 'FAILED', error };
}

/** The stored canonical documents always carry these; anything else has no row to show. */
function refOf(resource: JsonObject): ResourceRef | null {
  const { apiVersion, kind, metadata } = resource;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return null;
  const { name, namespace } = metadata as { name?: unknown; namespace?: unknown };
  if (typeof name !== 'string') return null;
  return { apiVersion, kind, namespace: typeof namespace === 'string' ? namespace : null, name };
}
