import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlowRecord } from '@palisade/flows';
import { waitFor } from '@palisade/testing';
import { startAgent, type RunningAgent } from '../src/agent.js';
import { FileCredentialStore } from '../src/credentials/file-store.js';
import type { GoldmaneConfig } from '../src/providers/kubernetes/goldmane/goldmane-config.js';
import type { GoldmaneFlow } from '../src/providers/kubernetes/goldmane/goldmane-api.js';
import { parsePemSource } from '../src/providers/kubernetes/goldmane/goldmane-tls.js';
import { KubernetesProvider } from '../src/providers/kubernetes/kubernetes-provider.js';
import { FakeGateway } from './support/fake-gateway.js';
import { FakeKubeApi, namespace } from './support/fake-kube-api.js';
import { GoldmaneServer } from './support/goldmane-server.js';
import { createTestPki, type TestPki } from './support/test-pki.js';

const FAST = { backoff: { initialMs: 20, maxMs: 200 }, immediateJitterMs: 20, welcomeTimeoutMs: 2_000 };
// A Goldmane bucket that has long ended: the agent hands it on at its next flush.
const T = 1_767_225_607;

function goldmaneFlow(reporter: 'Src' | 'Dst', bytesIn: number, start = T): GoldmaneFlow {
  return {
    Key: {
      source_name: 'frontend-7d9c8b6f5-*',
      source_namespace: 'shop',
      source_type: 'WorkloadEndpoint',
      dest_name: 'cart-5f6d7c8b9-*',
      dest_namespace: 'shop',
      dest_type: 'WorkloadEndpoint',
      dest_port: 8080,
      dest_service_name: '',
      dest_service_namespace: '',
      dest_service_port_name: '',
      dest_service_port: 0,
      proto: 'tcp',
      reporter,
      action: 'Deny',
      policies: {
        enforced_policies: [
          {
            kind: 'EndOfTier',
            namespace: '',
            name: '',
            tier: 'default',
            action: 'Deny',
            policy_index: 0,
            rule_index: -1,
            trigger: {
              kind: 'CalicoNetworkPolicy',
              namespace: 'shop',
              name: 'cart-ingress',
              tier: 'default',
              action: 'ActionUnspecified',
              policy_index: 0,
              rule_index: 0,
              trigger: null,
            },
          },
        ],
        pending_policies: [],
      },
    },
    start_time: start,
    end_time: start + 15,
    source_labels: ['app=frontend'],
    dest_labels: ['app=cart'],
    packets_in: 1,
    packets_out: 1,
    bytes_in: bytesIn,
    bytes_out: 0,
    num_connections_started: 1,
    num_connections_completed: 0,
    num_connections_live: 1,
  };
}

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki.remove());

describe('kubernetes provider: Goldmane flows through the agent to the gateway', () => {
  let dir: string;
  let api: FakeKubeApi;
  let goldmane: GoldmaneServer;
  let gateway: FakeGateway | undefined;
  let agent: RunningAgent | undefined;
  let provider: KubernetesProvider | undefined;

  afterEach(async () => {
    await agent?.close();
    await provider?.stop();
    await gateway?.stop();
    await goldmane.stop();
    await api.stop();
    await rm(dir, { recursive: true, force: true });
    agent = provider = gateway = undefined;
  });

  async function setUp(): Promise<GoldmaneConfig> {
    dir = await mkdtemp(join(tmpdir(), 'palisade-goldmane-'));
    api = await FakeKubeApi.start();
    api.setList('/api/v1/namespaces', [namespace('shop')], '1');
    api.setList('/api/v1/pods', [], '2');
    api.setList('/api/v1/serviceaccounts', [], '3');
    api.setList('/api/v1/services', [], '4');
    goldmane = await GoldmaneServer.start({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key });
    return {
      address: goldmane.address,
      serverName: 'goldmane',
      tls: {
        ca: parsePemSource(`file:${pki.ca.certFile}`),
        cert: parsePemSource(`file:${pki.client.certFile}`),
        key: parsePemSource(`file:${pki.client.keyFile}`),
      },
    };
  }

  it('ships what Goldmane streams as flow batches, one record per bucket and key', async () => {
    const config = await setUp();
    gateway = await FakeGateway.start({ protocolVersion: 2 });
    provider = new KubernetesProvider({
      config: api.kubeConfig(),
      goldmane: config,
      retry: { initialMs: 20, maxMs: 100 },
    });
    agent = await startAgent({
      provider,
      gatewayUrl: gateway.url,
      credentials: new FileCredentialStore(join(dir, 'state')),
      enrollmentToken: 'pen_enrollment_token_for_tests',
      timings: FAST,
    });
    await waitFor(() => goldmane.openStreams() === 1, 'the provider to stream from Goldmane');
    expect(agent.flows().enabled).toBe(true);

    // Both reporters of a connection in one Goldmane bucket, the source's again in the next.
    goldmane.publish(T, [goldmaneFlow('Src', 100), goldmaneFlow('Dst', 90)]);
    goldmane.publish(T + 15, [goldmaneFlow('Src', 50, T + 15)]);
    await waitFor(() => gateway!.all('flow.batch').flatMap((b) => b.records).length === 3, 'three records');
    const records = gateway.all('flow.batch').flatMap((b) => b.records) as unknown as FlowRecord[];
    expect(records.map((r) => [r.start_time, r.reporter, r.bytes_in]).sort()).toEqual([
      [1_767_225_600, 'dst', 90],
      [1_767_225_600, 'src', 100],
      [1_767_225_615, 'src', 50],
    ]);
    expect(records[0]!.policies.enforced).toEqual(['0|default|np:shop/cart-ingress|deny|-1']);
    expect(provider.problems()).toEqual([]);

    // How the stream is doing, asked through the tunnel.
    gateway
      .last()!
      .send({ type: 'request', id: 'gm', method: 'goldmane.status', params: null, timeoutMs: 5_000 });
    const response = await waitFor(
      () => gateway!.all('response').find((m) => m.id === 'gm'),
      'the goldmane.status response',
    );
    expect(response).toEqual({
      type: 'response',
      id: 'gm',
      ok: true,
      result: {
        address: goldmane.address,
        status: 'streaming',
        problem: null,
        stats: { received: 3, delivered: 3, duplicates: 0, rejected: 0, streams: 1 },
      },
    });
  });

  it("lists Goldmane's failure with the cluster's problems, and has no flows without a Goldmane", async () => {
    const config = await setUp();
    provider = new KubernetesProvider({
      config: api.kubeConfig(),
      goldmane: { ...config, tls: { ...config.tls, ca: parsePemSource(`file:${pki.otherCa.certFile}`) } },
      retry: { initialMs: 20, maxMs: 100 },
    });
    await provider.start();
    const unsubscribe = provider.onFlows!(() => {});
    await waitFor(() => provider!.problems().length > 0, 'a problem');
    expect(provider.problems()).toEqual([expect.stringMatching(/^TLS handshake with Goldmane at .* failed/)]);
    unsubscribe();
    await provider.stop();

    const without = new KubernetesProvider({ config: api.kubeConfig(), goldmane: null });
    expect(without.onFlows).toBeUndefined();
    await without.stop();
  });
});
