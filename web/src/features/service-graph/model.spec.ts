import { describe, expect, it } from 'vitest';
import type { ApiGraph } from './model';
import { edgeClass, edgeFlowSearch, foldGraph, nodeFlowSearch } from './model';

const zero = { connectionsStarted: 0, packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0 };
const n = (connectionsStarted: number) => ({ ...zero, connectionsStarted });

const graph: Pick<ApiGraph, 'nodes' | 'edges'> = {
  nodes: [
    { id: 'ns:fe', cluster: 'shop', name: 'frontend', namespace: null, parentId: null, type: 'NAMESPACE' },
    { id: 'ns:db', cluster: 'shop', name: 'db', namespace: null, parentId: null, type: 'NAMESPACE' },
    {
      id: 'w:web',
      cluster: 'shop',
      name: 'web-*',
      namespace: 'frontend',
      parentId: 'ns:fe',
      type: 'WORKLOAD',
    },
    {
      id: 'w:cart',
      cluster: 'shop',
      name: 'cart-*',
      namespace: 'frontend',
      parentId: 'ns:fe',
      type: 'WORKLOAD',
    },
    { id: 'w:pg', cluster: 'shop', name: 'postgres-*', namespace: 'db', parentId: 'ns:db', type: 'WORKLOAD' },
    { id: 'pub', cluster: 'shop', name: 'pub', namespace: null, parentId: null, type: 'NETWORK' },
  ],
  edges: [
    { sourceId: 'w:web', destId: 'w:pg', allowed: n(10), deniedAtSource: n(0), deniedAtDest: n(2) },
    { sourceId: 'w:cart', destId: 'w:pg', allowed: n(5), deniedAtSource: n(1), deniedAtDest: n(0) },
    { sourceId: 'w:web', destId: 'pub', allowed: n(3), deniedAtSource: n(0), deniedAtDest: n(0) },
  ],
};

describe('service graph folding', () => {
  it('draws namespaces and networks until a namespace is expanded, summing folded edges', () => {
    const g = foldGraph(graph, new Set());
    expect(g.nodes.map((x) => x.id).sort()).toEqual(['ns:db', 'ns:fe', 'pub']);
    expect(g.nodes.find((x) => x.id === 'ns:fe')).toMatchObject({ members: 2, expandable: true });
    expect(g.edges).toEqual([
      {
        key: 'ns:fe>ns:db',
        source: 'ns:fe',
        target: 'ns:db',
        allowed: 15,
        deniedAtSource: 1,
        deniedAtDest: 2,
        klass: 'denied-source',
      },
      {
        key: 'ns:fe>pub',
        source: 'ns:fe',
        target: 'pub',
        allowed: 3,
        deniedAtSource: 0,
        deniedAtDest: 0,
        klass: 'allowed',
      },
    ]);
  });

  it('replaces an expanded namespace by its workloads', () => {
    const g = foldGraph(graph, new Set(['ns:fe']));
    expect(g.nodes.map((x) => x.id).sort()).toEqual(['ns:db', 'pub', 'w:cart', 'w:web']);
    expect(g.edges.map((e) => [e.key, e.klass])).toEqual([
      ['w:web>ns:db', 'denied-dest'],
      ['w:cart>ns:db', 'denied-source'],
      ['w:web>pub', 'allowed'],
    ]);
  });

  it('classes an edge by its denials first', () => {
    expect(edgeClass({ deniedAtSource: 0, deniedAtDest: 0 })).toBe('allowed');
    expect(edgeClass({ deniedAtSource: 0, deniedAtDest: 1 })).toBe('denied-dest');
    expect(edgeClass({ deniedAtSource: 1, deniedAtDest: 1 })).toBe('denied-source');
  });

  it('filters the flow table from a node or an edge', () => {
    const g = foldGraph(graph, new Set(['ns:fe']));
    const byId = new Map(g.nodes.map((x) => [x.id, x]));
    expect(nodeFlowSearch(byId.get('ns:db')!, 'dst')).toEqual({ clusters: ['shop'], dstNs: ['db'] });
    expect(nodeFlowSearch(byId.get('w:web')!, 'src')).toEqual({
      clusters: ['shop'],
      srcNs: ['frontend'],
      srcName: ['web-*'],
    });
    expect(nodeFlowSearch(byId.get('pub')!, 'dst')).toEqual({ clusters: ['shop'], dstName: ['pub'] });
    expect(edgeFlowSearch(byId.get('w:web')!, byId.get('ns:db')!)).toEqual({
      clusters: ['shop'],
      srcNs: ['frontend'],
      srcName: ['web-*'],
      dstNs: ['db'],
    });
  });
});
