// The simulated cluster's nodes (decision 0091): `<cluster>-node-<n>` for n = 1..cluster.nodes, each
// following the FelixConfigurations in the simulated policy store as Felix would (../../nodes/
// felix-nodes.ts). A node publishes its WireGuard public key when WireGuard is enabled for it, unless
// the description lists it under cluster.nodesWithoutWireguardKey (no WireGuard in its kernel).
import type { PolicyResource } from '@palisade/policy';
import type { NodeInfo } from '@palisade/protocol';
import { effectiveFelix, nodeInfo } from '../../nodes/felix-nodes.js';
import type { ClusterSpec } from './cluster-spec.js';

export function simulatedNodes(
  spec: ClusterSpec,
  clusterName: string,
  policies: readonly PolicyResource[],
): NodeInfo[] {
  const withoutKey = new Set(spec.cluster.nodesWithoutWireguardKey);
  const nodes: NodeInfo[] = [];
  for (let n = 1; n <= spec.cluster.nodes; n++) {
    const name = `${clusterName}-node-${String(n)}`;
    const settings = effectiveFelix(policies, name);
    const publicKey = settings.wireguardEnabled === true && !withoutKey.has(n);
    nodes.push(nodeInfo({ name, publicKey, calicoVersion: spec.cluster.calicoVersion }, settings));
  }
  return nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
