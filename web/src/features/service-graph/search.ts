// The service graph's URL: clusters, time range, the namespaces expanded into their services and
// workloads, and the selected node or edge — so a view of the graph can be shared.
import { RANGES, type RangeKey } from '../flows/search';

export interface GraphSearch {
  range?: RangeKey;
  clusters?: string[];
  /** Ids of expanded namespace nodes. */
  expand?: string[];
  /** The selected node id, or `sourceId>destId` for an edge. */
  sel?: string;
}

function strings(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return [...new Set(list.filter((x): x is string => typeof x === 'string' && x !== ''))];
}

export function parseGraphSearch(raw: Record<string, unknown>): GraphSearch {
  const out: GraphSearch = {};
  if (typeof raw['range'] === 'string' && (RANGES as readonly string[]).includes(raw['range']))
    out.range = raw['range'] as RangeKey;
  const clusters = strings(raw['clusters']);
  if (clusters.length > 0) out.clusters = clusters;
  const expand = strings(raw['expand']);
  if (expand.length > 0) out.expand = expand;
  if (typeof raw['sel'] === 'string' && raw['sel'] !== '') out.sel = raw['sel'];
  return out;
}

export const EDGE_SEPARATOR = '>';

export function edgeKey(sourceId: string, destId: string): string {
  return `${sourceId}${EDGE_SEPARATOR}${destId}`;
}
