// The service graph drawn with sigma.js (WebGL) over a graphology graph, laid out by ForceAtlas2 in
// a module worker. Loaded lazily with the page's graph chunk. Colours come from the theme's CSS
// variables (resolved through a probe element, since `light-dark()` only resolves on a property),
// and the renderer is rebuilt when the theme changes. Clicking a node or an edge selects it,
// double-clicking a namespace expands it; the selection's neighbourhood stays lit, the rest fades
// (or hides, with `hideUnrelated`).
import Graph from 'graphology';
import Sigma, { DEFAULT_STYLES } from 'sigma';
import { useEffect, useRef, useState } from 'react';
import type { DrawnGraph, EdgeClass } from '../model';
import { seedPositions, type LayoutRequest, type LayoutResult } from '../layout';
import { EDGE_SEPARATOR, edgeKey } from '../search';

export interface GraphCanvasProps {
  graph: DrawnGraph;
  selected: string | undefined;
  hideUnrelated: boolean;
  onSelect: (id: string | undefined) => void;
  onExpand: (namespaceId: string) => void;
  /**
   * Called after the graph is drawn: first with seeded positions, then once laid out, with the
   * layout's iterations (benches).
   */
  onDrawn?: (stage: 'seeded' | 'laid-out', iterations?: number) => void;
}

function startLayoutWorker(): Worker | undefined {
  if (typeof Worker === 'undefined') return undefined;
  return new Worker(new URL('../layout.worker.ts', import.meta.url), { type: 'module' });
}

/**
 * A layout worker started when this chunk loads, for the first canvas: a worker's start needs the
 * main thread, and the renderer's first frame can hold it for over a second (software WebGL reads
 * the canvas back), so a worker started with the canvas began its layout only after that frame
 * (decision 0200).
 */
let spareWorker = startLayoutWorker();

/** Past this many drawn nodes, edges are hidden while panning or zooming. */
const LARGE_GRAPH = 300;

interface Palette {
  text: string;
  muted: string;
  faded: string;
  surface: string;
  node: Record<string, string>;
  edge: Record<EdgeClass, string>;
}

function resolveColour(probe: HTMLElement, cssVar: string): string {
  probe.style.color = `var(${cssVar})`;
  return getComputedStyle(probe).color;
}

function readPalette(host: HTMLElement): Palette {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  host.appendChild(probe);
  const c = (v: string) => resolveColour(probe, v);
  const palette: Palette = {
    text: c('--text'),
    muted: c('--text-muted'),
    faded: c('--border'),
    surface: c('--surface'),
    node: {
      NAMESPACE: c('--accent'),
      WORKLOAD: c('--syntax-key'),
      SERVICE: c('--syntax-string'),
      NETWORK: c('--syntax-number'),
      NETWORK_SET: c('--warn'),
      HOST: c('--text-muted'),
    },
    edge: { allowed: c('--ok'), 'denied-source': c('--danger'), 'denied-dest': c('--warn') },
  };
  probe.remove();
  return palette;
}

function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const mo = new MutationObserver(bump);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', bump);
    return () => {
      mo.disconnect();
      mq.removeEventListener('change', bump);
    };
  }, []);
  return version;
}

export default function GraphCanvas({
  graph,
  selected,
  hideUnrelated,
  onSelect,
  onExpand,
  onDrawn,
}: GraphCanvasProps) {
  const host = useRef<HTMLDivElement>(null);
  const model = useRef(new Graph({ multi: false, allowSelfLoops: true, type: 'directed' }));
  const renderer = useRef<Sigma>(undefined);
  const positions = useRef(new Map<string, [number, number]>());
  const view = useRef({ selected, hideUnrelated });
  view.current = { selected, hideUnrelated };
  const handlers = useRef({ onSelect, onExpand, onDrawn });
  handlers.current = { onSelect, onExpand, onDrawn };
  /** What the next render shows, reported once through onDrawn. */
  const pendingDraw = useRef<'seeded' | 'laid-out' | undefined>(undefined);
  const iterations = useRef<number>(undefined);
  const worker = useRef<Worker>(undefined);
  const layoutId = useRef(0);
  const [failed, setFailed] = useState<string>();
  const theme = useThemeVersion();

  // The layout worker lives as long as the canvas.
  useEffect(() => {
    const w = spareWorker ?? startLayoutWorker();
    spareWorker = undefined;
    if (!w) return undefined; // the seeded positions stay
    w.onmessage = (e: MessageEvent<LayoutResult>) => {
      if (e.data.id !== layoutId.current) return;
      const g = model.current;
      for (const [node, [x, y]] of Object.entries(e.data.positions)) {
        positions.current.set(node, [x, y]);
        if (g.hasNode(node)) g.mergeNodeAttributes(node, { x, y });
      }
      pendingDraw.current = 'laid-out';
      iterations.current = e.data.iterations;
      renderer.current?.refresh();
    };
    worker.current = w;
    return () => w.terminate();
  }, []);

  // The renderer, rebuilt on a theme change.
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const palette = readPalette(el);
    let sigma: Sigma;
    try {
      sigma = new Sigma(model.current, el, {
        settings: {
          enableEdgeEvents: true,
          renderEdgeLabels: false,
          labelRenderedSizeThreshold: 4,
          // Panning stays fluid on large graphs: labels return when the camera stops.
          hideLabelsOnMove: true,
          hideEdgesOnMove: model.current.order > LARGE_GRAPH,
          // Sizes in pixels whatever the layout's extent: a compact layout must not inflate nodes.
          itemSizesReference: 'screen',
        },
        styles: {
          nodes: { ...DEFAULT_STYLES.nodes, labelColor: palette.text, backdropColor: palette.surface },
          edges: DEFAULT_STYLES.edges,
        },
        nodeReducer: (node, data) => {
          const { selected: sel, hideUnrelated: hide } = view.current;
          const attrs = model.current.getNodeAttributes(node);
          const base = { color: palette.node[attrs['type'] as string] ?? palette.muted };
          if (!sel) return base;
          const related = isRelatedNode(model.current, sel, node);
          if (related)
            return {
              ...base,
              ...(node === sel ? { highlighted: true, labelVisibility: 'visible' as const } : {}),
            };
          return hide
            ? { visibility: 'hidden' as const }
            : { color: palette.faded, labelVisibility: 'hidden' as const, size: data.size * 0.8 };
        },
        edgeReducer: (edge) => {
          const { selected: sel, hideUnrelated: hide } = view.current;
          const attrs = model.current.getEdgeAttributes(edge);
          const base = { color: palette.edge[attrs['klass'] as EdgeClass] };
          if (!sel) return base;
          const [s, t] = model.current.extremities(edge);
          const related = edge === sel || s === sel || t === sel;
          if (related) return { ...base, size: (attrs['size'] as number) + 1.5 };
          return hide ? { visibility: 'hidden' as const } : { color: palette.faded };
        },
      });
    } catch (err) {
      setFailed(err instanceof Error ? err.message : String(err));
      return undefined;
    }
    sigma.on('afterRender', () => {
      const stage = pendingDraw.current;
      pendingDraw.current = undefined;
      if (stage) handlers.current.onDrawn?.(stage, stage === 'laid-out' ? iterations.current : undefined);
    });
    sigma.on('clickNode', ({ node }) => handlers.current.onSelect(node));
    sigma.on('clickEdge', ({ edge }) => handlers.current.onSelect(edge));
    sigma.on('clickStage', () => handlers.current.onSelect(undefined));
    sigma.on('doubleClickNode', (payload) => {
      if (model.current.getNodeAttribute(payload.node, 'expandable')) {
        payload.preventSigmaDefault();
        handlers.current.onExpand(payload.node);
      }
    });
    renderer.current = sigma;
    return () => {
      renderer.current = undefined;
      sigma.kill();
    };
  }, [theme]);

  // The data: patch the graphology graph in place and lay out what changed.
  useEffect(() => {
    const g = model.current;
    const wanted = new Set(graph.nodes.map((n) => n.id));
    g.forEachNode((n) => {
      if (!wanted.has(n)) g.dropNode(n);
    });
    const seeds = seedPositions(
      graph.nodes.map((n) => ({ id: n.id, parent: n.parentId })),
      positions.current,
    );
    const maxTraffic = Math.max(1, ...graph.edges.map((e) => e.allowed + e.deniedAtSource + e.deniedAtDest));
    for (const n of graph.nodes) {
      const [x, y] = seeds.get(n.id) ?? [0, 0];
      const size = n.type === 'NAMESPACE' ? 5 + Math.min(7, Math.sqrt(n.members)) : 4;
      const attrs = { label: n.label, type: n.type, expandable: n.expandable, size };
      if (g.hasNode(n.id)) g.mergeNodeAttributes(n.id, attrs);
      else g.addNode(n.id, { ...attrs, x, y });
    }
    g.clearEdges();
    for (const e of graph.edges) {
      const total = e.allowed + e.deniedAtSource + e.deniedAtDest;
      // Traffic inside a collapsed namespace is a thin loop: present, but not louder than the
      // traffic between namespaces.
      const loop = e.source === e.target;
      g.addEdgeWithKey(edgeKey(e.source, e.target), e.source, e.target, {
        klass: e.klass,
        size: loop ? 0.5 : 1 + 3 * Math.sqrt(total / maxTraffic),
      });
    }
    layoutId.current += 1;
    const request: LayoutRequest = {
      id: layoutId.current,
      nodes: graph.nodes.map((n) => ({
        id: n.id,
        x: g.getNodeAttribute(n.id, 'x') as number,
        y: g.getNodeAttribute(n.id, 'y') as number,
        parent: n.parentId,
      })),
      edges: graph.edges.map((e) => [e.source, e.target]),
    };
    worker.current?.postMessage(request);
    // Edges are most of a large drawing: hidden while the camera moves, past a few hundred nodes.
    renderer.current?.setSetting('hideEdgesOnMove', graph.nodes.length > LARGE_GRAPH);
    pendingDraw.current = 'seeded';
    renderer.current?.refresh();
  }, [graph]);

  useEffect(() => {
    renderer.current?.refresh({ skipIndexation: true });
  }, [selected, hideUnrelated]);

  if (failed)
    return (
      <p className="ui-field__error" role="alert">
        The graph cannot be drawn in this browser ({failed}); the node list beside it still works.
      </p>
    );
  return <div ref={host} className="graph-canvas" data-testid="graph-canvas" aria-hidden="true" />;
}

function isRelatedNode(g: Graph, selected: string, node: string): boolean {
  if (node === selected) return true;
  if (selected.includes(EDGE_SEPARATOR) && g.hasEdge(selected)) {
    const [s, t] = g.extremities(selected);
    return node === s || node === t;
  }
  return g.hasNode(selected) && (g.hasEdge(selected, node) || g.hasEdge(node, selected));
}
