// Fixture page for bench/web: the service graph canvas with ?n= generated nodes, every namespace
// expanded (the largest drawing the API allows), no API involved. Records, in ms since navigation
// start, when the graph was built (__graphStart), first drawn (__graphDrawn) and drawn laid out
// by the worker (__graphLaidOut), and the layout's iterations (__graphIterations).
import { lazy, Suspense, useMemo } from 'react';
import { benchGraph } from '../features/service-graph/bench-fixture';
import { foldGraph } from '../features/service-graph/model';
import '../features/service-graph/service-graph.css';

const GraphCanvas = lazy(() => import('../features/service-graph/components/graph-canvas'));

declare global {
  interface Window {
    __graphStart?: number;
    __graphDrawn?: number;
    __graphLaidOut?: number;
    __graphIterations?: number;
  }
}

export function BenchGraphPage() {
  const count = Number(new URLSearchParams(window.location.search).get('n') ?? '1000');
  const drawn = useMemo(() => {
    window.__graphStart = performance.now();
    const api = benchGraph(count);
    return foldGraph(api, new Set(api.nodes.filter((x) => x.type === 'NAMESPACE').map((x) => x.id)));
  }, [count]);
  return (
    <main className="content">
      <h1>
        Graph fixture: {drawn.nodes.length} nodes, {drawn.edges.length} edges
      </h1>
      <Suspense fallback={<p>Loading…</p>}>
        <GraphCanvas
          graph={drawn}
          selected={undefined}
          hideUnrelated={false}
          onSelect={() => undefined}
          onExpand={() => undefined}
          onDrawn={(stage, iterations) => {
            if (stage === 'seeded') window.__graphDrawn ??= performance.now();
            else {
              window.__graphLaidOut ??= performance.now();
              if (iterations !== undefined) window.__graphIterations ??= iterations;
            }
          }}
        />
      </Suspense>
    </main>
  );
}
