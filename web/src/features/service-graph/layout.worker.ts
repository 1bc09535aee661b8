// Lays the drawn graph out off the main thread (ForceAtlas2, a fixed number of iterations), so a
// large expanded graph never blocks the page. Nodes that were already placed start where they were.
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import type { LayoutRequest, LayoutResult } from './layout';

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = event.data;
  const graph = new Graph({ multi: false, allowSelfLoops: false });
  for (const n of nodes) graph.addNode(n.id, { x: n.x, y: n.y });
  for (const [s, t] of edges) if (s !== t && !graph.hasEdge(s, t)) graph.addEdge(s, t);
  const iterations = nodes.length > 500 ? 100 : 300;
  forceAtlas2.assign(graph, {
    iterations,
    // Barnes-Hut only pays off past a few thousand nodes; the API sends at most 1,000 (measured:
    // 1,000 nodes, 100 iterations took twice as long with it).
    settings: { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: false, gravity: 1 },
  });
  const positions: LayoutResult['positions'] = {};
  graph.forEachNode((node, attrs) => {
    positions[node] = [attrs['x'] as number, attrs['y'] as number];
  });
  const result: LayoutResult = { id, positions };
  self.postMessage(result);
};
