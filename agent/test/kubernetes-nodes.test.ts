// The kubernetes provider's nodes (decision 0091) against the recorded loopback API server: each
// Node with whether Calico published its WireGuard public key, under the cluster's FelixConfigurations
// (`default`, overridden per node by `node.<name>`) — dataplane, WireGuard, MTU — and the Calico
// version from the cluster facts; a watch event on a Node or a FelixConfiguration changes the report.
// Calico's own `default` object is shared (decision 0090): Palisade applies its fields over it and
// releases them when it no longer wants them, never deleting the object.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyResource } from '@palisade/policy';
import { waitFor } from '@palisade/testing';
import { KubernetesProvider } from '../src/providers/kubernetes/kubernetes-provider.js';
import { FakeKubeApi, namespace } from './support/fake-kube-api.js';

const NODES = '/api/v1/nodes';
const FELIX = '/apis/projectcalico.org/v3/felixconfigurations';

function node(name: string, publicKey: string | null, rv = '1'): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      resourceVersion: rv,
      annotations: publicKey === null ? {} : { 'projectcalico.org/WireguardPublicKey': publicKey },
    },
  };
}

function felix(name: string, spec: Record<string, unknown>, rv = '1'): unknown {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'FelixConfiguration',
    metadata: { name, resourceVersion: rv },
    spec,
  };
}

describe('kubernetes provider: nodes', () => {
  let api: FakeKubeApi;
  let provider: KubernetesProvider | undefined;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    api.setList('/api/v1/namespaces', [namespace('default')], '1');
    api.setList('/api/v1/pods', [], '1');
    api.setList('/api/v1/serviceaccounts', [], '1');
    api.setList('/api/v1/services', [], '1');
    api.setList(NODES, [node('worker-1', 'abc='), node('worker-2', 'def='), node('worker-3', null)], '20');
    api.setList(
      FELIX,
      [
        felix('default', { wireguardEnabled: true, bpfEnabled: true }),
        felix('node.worker-2', { bpfEnabled: false, nftablesMode: 'Enabled', wireguardMTU: 1380 }),
      ],
      '21',
    );
    provider = new KubernetesProvider({ config: api.kubeConfig(), retry: { initialMs: 20, maxMs: 100 } });
    await provider.start();
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await api.stop();
  });

  it('reports each node under the FelixConfigurations in force there, with its WireGuard key', async () => {
    // Both lists are in once the FelixConfigurations are watched (all of them, and Palisade's for drift).
    await waitFor(
      () => provider!.nodes().length === 3 && api.openWatches(FELIX) === 2,
      'nodes and configurations',
    );
    expect(provider!.nodes()).toEqual([
      {
        name: 'worker-1',
        dataplane: 'bpf',
        wireguardEnabled: true,
        wireguardPublicKey: true,
        mtu: 1440,
        calicoVersion: 'v3.29.1',
      },
      {
        name: 'worker-2',
        dataplane: 'nftables',
        wireguardEnabled: true,
        wireguardPublicKey: true,
        mtu: 1380,
        calicoVersion: 'v3.29.1',
      },
      {
        name: 'worker-3',
        dataplane: 'bpf',
        wireguardEnabled: true,
        wireguardPublicKey: false,
        mtu: 1440,
        calicoVersion: 'v3.29.1',
      },
    ]);
    expect(provider!.problems()).toEqual([]);
  });

  it('follows watch events on Nodes and FelixConfigurations', async () => {
    // FelixConfigurations are watched twice: all of them for the nodes, the managed ones for drift.
    await waitFor(() => api.openWatches(NODES) === 1 && api.openWatches(FELIX) === 2, 'both watched');
    let changes = 0;
    provider!.onNodes(() => changes++);
    api.push(NODES, 'MODIFIED', node('worker-3', 'ghi=', '22'));
    api.push(FELIX, 'MODIFIED', felix('default', { wireguardEnabled: false }, '23'));
    await waitFor(
      () => provider!.nodes().find((n) => n.name === 'worker-3')?.wireguardPublicKey === true,
      'worker-3 key',
    );
    await waitFor(() => provider!.nodes().every((n) => !n.wireguardEnabled), 'WireGuard off everywhere');
    expect(provider!.nodes().map((n) => [n.name, n.dataplane, n.mtu])).toEqual([
      ['worker-1', 'iptables', null],
      ['worker-2', 'nftables', null],
      ['worker-3', 'iptables', null],
    ]);
    expect(changes).toBeGreaterThanOrEqual(2);
  });

  it("sets its fields in Calico's own default object, and releases them instead of deleting it", async () => {
    const desired = {
      apiVersion: 'projectcalico.org/v3',
      kind: 'FelixConfiguration',
      metadata: {
        name: 'default',
        labels: { 'app.kubernetes.io/managed-by': 'palisade' },
        annotations: { 'palisade.io/drift-mode': 'report' },
      },
      spec: { wireguardEnabled: true },
    } as unknown as PolicyResource;
    const applied = await provider!.applyDesiredState(1, [desired], []);
    expect(applied.results.map((r) => [r.resource.name, r.status])).toEqual([['default', 'ok']]);
    const writes = () => api.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE');
    expect(writes().map((r) => [r.method, r.path, r.query])).toEqual([
      ['PATCH', `${FELIX}/default`, { fieldManager: 'palisade', force: 'true' }],
    ]);
    await provider!.applyDesiredState(2, [], []);
    expect(writes().map((r) => [r.method, r.path])).toEqual([
      ['PATCH', `${FELIX}/default`],
      ['PATCH', `${FELIX}/default`],
    ]);
    // The empty apply: Palisade's field manager keeps no field, so its settings and label go.
    expect(writes()[1]!.body).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'FelixConfiguration',
      metadata: { name: 'default' },
    });
  });
});
