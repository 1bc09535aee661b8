// The graph as drawn: the API's nodes and edges folded so that a namespace stands for everything
// in it until it is expanded (decision 0076). An edge between two drawn nodes sums the traffic of
// every API edge folded into it, by class: allowed, denied at the source, denied at the
// destination. Pure and DOM-free: the page, the layout worker and the tests share it.
import type { ServiceGraphQuery, ServiceGraphNodeType } from '../../generated/graphql';
import type { FlowSearch } from '../flows/search';
import { edgeKey } from './search';

export type ApiGraph = ServiceGraphQuery['organization']['serviceGraph'];
export type ApiNode = ApiGraph['nodes'][number];

export type EdgeClass = 'allowed' | 'denied-source' | 'denied-dest';

export interface DrawnNode {
  id: string;
  label: string;
  type: ServiceGraphNodeType;
  cluster: string;
  namespace: string | null;
  /** The namespace node it belongs to (where an expansion unfolds from). */
  parentId: string | null;
  /** Nodes folded into this one (a collapsed namespace's services and workloads). */
  members: number;
  expandable: boolean;
}

export interface DrawnEdge {
  key: string;
  source: string;
  target: string;
  allowed: number;
  deniedAtSource: number;
  deniedAtDest: number;
  /** Drawn in the colour of the worst class it carries: a denial shows over allowed traffic. */
  klass: EdgeClass;
}

export interface DrawnGraph {
  nodes: DrawnNode[];
  edges: DrawnEdge[];
}

/** The class an edge is drawn in: denials first, at the source before at the destination. */
export function edgeClass(e: Pick<DrawnEdge, 'deniedAtSource' | 'deniedAtDest'>): EdgeClass {
  if (e.deniedAtSource > 0) return 'denied-source';
  if (e.deniedAtDest > 0) return 'denied-dest';
  return 'allowed';
}

/** Folds the API graph: children of collapsed namespaces into their namespace. */
export function foldGraph(
  graph: Pick<ApiGraph, 'nodes' | 'edges'>,
  expanded: ReadonlySet<string>,
): DrawnGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const childCount = new Map<string, number>();
  for (const n of graph.nodes)
    if (n.parentId) childCount.set(n.parentId, (childCount.get(n.parentId) ?? 0) + 1);

  /** The drawn node an API node is shown as. */
  const drawnId = (id: string): string => {
    const n = byId.get(id);
    if (n?.parentId && !expanded.has(n.parentId) && byId.has(n.parentId)) return n.parentId;
    return id;
  };

  const nodes = new Map<string, DrawnNode>();
  for (const n of graph.nodes) {
    const isExpandedNamespace = n.type === 'NAMESPACE' && expanded.has(n.id);
    if (isExpandedNamespace || drawnId(n.id) !== n.id) continue;
    nodes.set(n.id, {
      id: n.id,
      label: n.type === 'NAMESPACE' ? n.name : n.namespace ? `${n.namespace}/${n.name}` : n.name,
      type: n.type,
      cluster: n.cluster,
      namespace: n.namespace ?? (n.type === 'NAMESPACE' ? n.name : null),
      parentId: n.parentId ?? null,
      members: childCount.get(n.id) ?? 0,
      expandable: n.type === 'NAMESPACE' && (childCount.get(n.id) ?? 0) > 0,
    });
  }

  const edges = new Map<string, DrawnEdge>();
  for (const e of graph.edges) {
    const source = drawnId(e.sourceId);
    const target = drawnId(e.destId);
    if (!nodes.has(source) || !nodes.has(target)) continue;
    const key = edgeKey(source, target);
    const cur: DrawnEdge = edges.get(key) ?? {
      key,
      source,
      target,
      allowed: 0,
      deniedAtSource: 0,
      deniedAtDest: 0,
      klass: 'allowed',
    };
    cur.allowed += e.allowed.connectionsStarted;
    cur.deniedAtSource += e.deniedAtSource.connectionsStarted;
    cur.deniedAtDest += e.deniedAtDest.connectionsStarted;
    cur.klass = edgeClass(cur);
    edges.set(key, cur);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** The explorer filter of one end of the graph, as the flow table's URL spells it. */
function endFilter(node: DrawnNode, end: 'src' | 'dst'): FlowSearch {
  const ns = end === 'src' ? 'srcNs' : 'dstNs';
  const name = end === 'src' ? 'srcName' : 'dstName';
  switch (node.type) {
    case 'NAMESPACE':
      return { [ns]: [node.namespace ?? node.label] };
    case 'WORKLOAD':
    case 'NETWORK_SET':
    case 'HOST':
    case 'NETWORK': {
      const bare =
        node.namespace && node.label.startsWith(`${node.namespace}/`)
          ? node.label.slice(node.namespace.length + 1)
          : node.label;
      return { ...(node.namespace ? { [ns]: [node.namespace] } : {}), [name]: [bare] };
    }
    case 'SERVICE':
      // Flows are filtered by endpoint, not by the Service addressed: its namespace is the closest.
      return node.namespace ? { [ns]: [node.namespace] } : {};
  }
}

/** Flows from or to a node (`end`), in its cluster. */
export function nodeFlowSearch(node: DrawnNode, end: 'src' | 'dst'): FlowSearch {
  return { clusters: [node.cluster], ...endFilter(node, end) };
}

/** Flows along an edge. */
export function edgeFlowSearch(source: DrawnNode, target: DrawnNode): FlowSearch {
  const clusters = [...new Set([source.cluster, target.cluster])];
  return { clusters, ...endFilter(source, 'src'), ...endFilter(target, 'dst') };
}
