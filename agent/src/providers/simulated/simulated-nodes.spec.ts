import { describe, expect, it } from 'vitest';
import type { PolicyResource } from '@palisade/policy';
import { parseClusterSpec } from './parse-cluster-spec.js';
import { simulatedNodes } from './simulated-nodes.js';
import { ClusterSpecError } from './spec-error.js';

const spec = parseClusterSpec('cluster:\n  nodes: 3\n  nodesWithoutWireguardKey: [3]\n');

function felix(name: string, spec: Record<string, unknown>): PolicyResource {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'FelixConfiguration',
    metadata: { name },
    spec,
  };
}

describe('simulated nodes', () => {
  it('run iptables without WireGuard when no FelixConfiguration says otherwise', () => {
    expect(simulatedNodes(spec, 'lab', [])).toEqual(
      [1, 2, 3].map((n) => ({
        name: `lab-node-${String(n)}`,
        dataplane: 'iptables',
        wireguardEnabled: false,
        wireguardPublicKey: false,
        mtu: null,
        calicoVersion: 'v3.29.1',
      })),
    );
  });

  it('follow default and node.<name> objects; a node without WireGuard publishes no key', () => {
    const nodes = simulatedNodes(spec, 'lab', [
      felix('default', { wireguardEnabled: true, bpfEnabled: true }),
      felix('node.lab-node-2', { wireguardMTU: 1380, bpfEnabled: false, nftablesMode: 'Enabled' }),
    ]);
    expect(nodes.map((n) => [n.name, n.dataplane, n.wireguardEnabled, n.wireguardPublicKey, n.mtu])).toEqual([
      ['lab-node-1', 'bpf', true, true, 1440],
      ['lab-node-2', 'nftables', true, true, 1380],
      ['lab-node-3', 'bpf', true, false, 1440],
    ]);
  });

  it('refuses a node without a key that the cluster does not have', () => {
    try {
      parseClusterSpec('cluster:\n  nodes: 2\n  nodesWithoutWireguardKey: [3]\n', 'test.yaml');
      expect.unreachable('expected the description to be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ClusterSpecError);
      expect((error as ClusterSpecError).issues.map((i) => i.message)).toEqual([
        'node 3 does not exist: the cluster has 2 nodes',
      ]);
    }
  });
});
