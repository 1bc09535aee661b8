// `inventory.nodes` (protocol 3, decision 0091) lands in `cluster_nodes`: each report replaces the
// cluster's rows (a node no longer reported is gone), under the cluster's organisation taken from
// the authenticated tunnel, and reports of one connection are written in the order they arrived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeInfo } from '@palisade/protocol';
import { waitFor } from '@palisade/testing';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness } from './support/harness.js';
import { connectAgent } from './support/tunnel-client.js';

let h: GatewayHarness;
let gateway: RunningGateway;

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway();
});
afterAll(async () => h.stop());

const node = (name: string, extra: Partial<NodeInfo> = {}): NodeInfo => ({
  name,
  dataplane: 'iptables',
  wireguardEnabled: true,
  wireguardPublicKey: true,
  mtu: 1440,
  calicoVersion: 'v3.29.1',
  ...extra,
});

async function stored(clusterId: string) {
  const { rows } = await h.sql.query<{
    org_id: string;
    name: string;
    dataplane: string;
    wireguard_enabled: boolean;
    wireguard_public_key: boolean;
    mtu: number | null;
  }>(
    `SELECT org_id, name, dataplane, wireguard_enabled, wireguard_public_key, mtu
       FROM cluster_nodes WHERE cluster_id = $1 ORDER BY name`,
    [clusterId],
  );
  return rows;
}

describe('node reports', () => {
  it('replace the cluster’s nodes with each report, in arrival order', async () => {
    const { clusterId, orgId, credential } = await h.enrolledCluster();
    const { client, welcome } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    expect(welcome.protocolVersion).toBeGreaterThanOrEqual(3);
    client.send({
      type: 'inventory.nodes',
      nodes: [
        node('node-1', { dataplane: 'bpf' }),
        node('node-2'),
        node('node-3', { wireguardPublicKey: false }),
      ],
    });
    client.send({
      type: 'inventory.nodes',
      nodes: [node('node-1', { dataplane: 'bpf' }), node('node-2', { wireguardEnabled: false, mtu: null })],
    });
    await waitFor(async () => (await stored(clusterId)).length === 2, 'the second report');
    expect(await stored(clusterId)).toEqual([
      {
        org_id: orgId,
        name: 'node-1',
        dataplane: 'bpf',
        wireguard_enabled: true,
        wireguard_public_key: true,
        mtu: 1440,
      },
      {
        org_id: orgId,
        name: 'node-2',
        dataplane: 'iptables',
        wireguard_enabled: false,
        wireguard_public_key: true,
        mtu: null,
      },
    ]);
    client.send({ type: 'inventory.nodes', nodes: [] });
    await waitFor(async () => (await stored(clusterId)).length === 0, 'an empty report');
  });
});
