// A service graph as large as the API sends (decision 0046: at most 1,000 nodes, 500 endpoint
// pairs, two hops each through a Service), generated deterministically for bench/web.
import type { ApiGraph } from './model';

const zero = { connectionsStarted: 0, packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0 };

/** `n` nodes: 20 namespaces, then workloads and their services in turn; 500 client pairs. */
export function benchGraph(n: number): Pick<ApiGraph, 'nodes' | 'edges'> {
  const namespaces = 20;
  const nodes: ApiGraph['nodes'] = [];
  for (let i = 0; i < namespaces; i++)
    nodes.push({
      id: `ns${i}`,
      cluster: 'bench',
      name: `ns-${i}`,
      namespace: null,
      parentId: null,
      type: 'NAMESPACE',
    });
  const workloads: string[] = [];
  const services: string[] = [];
  for (let i = 0; nodes.length < n; i++) {
    const ns = i % namespaces;
    const namespace = `ns-${ns}`;
    const type = i % 2 === 0 ? 'WORKLOAD' : 'SERVICE';
    const id = `${type === 'WORKLOAD' ? 'w' : 's'}${i}`;
    nodes.push({
      id,
      cluster: 'bench',
      name: `app-${i >> 1}${type === 'WORKLOAD' ? '-*' : ''}`,
      namespace,
      parentId: `ns${ns}`,
      type,
    });
    (type === 'WORKLOAD' ? workloads : services).push(id);
  }
  const edges: ApiGraph['edges'] = [];
  let seed = 7;
  const rnd = (k: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % k;
  };
  for (let p = 0; p < 500 && workloads.length > 1 && services.length > 0; p++) {
    const client = workloads[rnd(workloads.length)]!;
    const service = services[rnd(services.length)]!;
    const server = workloads[rnd(workloads.length)]!;
    const denied = p % 10 === 0;
    const traffic = { ...zero, connectionsStarted: 1 + rnd(500) };
    edges.push({
      sourceId: client,
      destId: service,
      allowed: denied ? zero : traffic,
      deniedAtSource: zero,
      deniedAtDest: denied ? traffic : zero,
    });
    edges.push({
      sourceId: service,
      destId: server,
      allowed: denied ? zero : traffic,
      deniedAtSource: zero,
      deniedAtDest: denied ? traffic : zero,
    });
  }
  return { nodes, edges };
}
