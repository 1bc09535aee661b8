import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@palisade/testing';
import { pino } from 'pino';
import type { GoldmaneFlow, GoldmanePolicyHit } from '../src/providers/kubernetes/goldmane/goldmane-api.js';
import type { GoldmaneConfig } from '../src/providers/kubernetes/goldmane/goldmane-config.js';
import { GoldmaneFlowSource } from '../src/providers/kubernetes/goldmane/goldmane-flow-source.js';
import type { FlowRecord } from '@palisade/flows';
import { loadKubeConfig } from '../src/providers/kubernetes/kube-config.js';
import { DEFAULT_GOLDMANE_TLS, parsePemSource } from '../src/providers/kubernetes/goldmane/goldmane-tls.js';
import { FakeKubeApi } from './support/fake-kube-api.js';
import { GoldmaneServer } from './support/goldmane-server.js';
import { createTestPki, type TestPki } from './support/test-pki.js';

// A Goldmane bucket start that is not a multiple of 15, as Goldmane's are not.
const T1 = 1_767_225_607;
const T2 = T1 + 15;

function hit(overrides: Partial<GoldmanePolicyHit>): GoldmanePolicyHit {
  return {
    kind: 'CalicoNetworkPolicy',
    namespace: '',
    name: 'p',
    tier: 'default',
    action: 'Allow',
    policy_index: '0',
    rule_index: '0',
    trigger: null,
    ...overrides,
  };
}

function flow(
  overrides: Partial<GoldmaneFlow> & { key?: Partial<NonNullable<GoldmaneFlow['Key']>> } = {},
): GoldmaneFlow {
  const { key, ...rest } = overrides;
  return {
    Key: {
      source_name: 'frontend-7d9c8b6f5-*',
      source_namespace: 'shop',
      source_type: 'WorkloadEndpoint',
      dest_name: 'cart-5f6d7c8b9-*',
      dest_namespace: 'shop',
      dest_type: 'WorkloadEndpoint',
      dest_port: '8080',
      dest_service_name: 'cart',
      dest_service_namespace: 'shop',
      dest_service_port_name: 'http',
      dest_service_port: '80',
      proto: 'tcp',
      reporter: 'Dst',
      action: 'Allow',
      policies: { enforced_policies: [], pending_policies: [] },
      ...key,
    },
    start_time: String(T1),
    end_time: String(T1 + 15),
    source_labels: ['tier=web', 'app=frontend'],
    dest_labels: ['app=cart'],
    packets_in: '42',
    packets_out: '40',
    bytes_in: '5120',
    bytes_out: '88310',
    num_connections_started: '2',
    num_connections_completed: '1',
    num_connections_live: '3',
    ...rest,
  };
}

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki.remove());

describe('kubernetes provider: flows from Goldmane over mTLS', () => {
  let server: GoldmaneServer | undefined;
  let source: GoldmaneFlowSource | undefined;
  let kube: FakeKubeApi | undefined;

  afterEach(async () => {
    await source?.stop();
    await server?.stop();
    await kube?.stop();
    source = server = kube = undefined;
  });

  function fileConfig(address: string, ca = pki.ca.certFile, client = pki.client): GoldmaneConfig {
    return {
      address,
      // The certificate names Goldmane's Service, not the loopback address the test dials.
      serverName: 'goldmane.calico-system.svc',
      tls: {
        ca: parsePemSource(`file:${ca}`),
        cert: parsePemSource(`file:${client.certFile}`),
        key: parsePemSource(`file:${client.keyFile}`),
      },
    };
  }

  async function streaming(
    config: GoldmaneConfig,
    kubeConfig = kube?.kubeConfig() ?? null,
    log = pino({ level: 'silent' }),
  ) {
    const records: FlowRecord[] = [];
    source = new GoldmaneFlowSource({
      config,
      kube: kubeConfig,
      deliver: (batch) => records.push(...batch),
      log,
      retry: { initialMs: 20, maxMs: 100 },
      // The test's buckets are in the past; Goldmane would still hold them.
      now: () => T2 + 30,
    });
    source.start();
    await waitFor(() => server!.openStreams() === 1, 'the agent to open a stream');
    return records;
  }

  it('maps every field, enum, kind and trace of a Goldmane flow to a flow record', async () => {
    server = await GoldmaneServer.start({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key });
    const records = await streaming(fileConfig(server.address));
    expect(server.requests).toEqual([{ start_time_gte: 0, aggregation_interval: 15 }]);

    const trigger = hit({ kind: 'GlobalNetworkPolicy', name: 'select-shop', tier: 'security' });
    server.publish(T1, [
      flow({
        key: {
          policies: {
            // Out of order on the wire: records list hits by policy index.
            enforced_policies: [
              hit({
                kind: 'NetworkPolicy',
                namespace: 'shop',
                name: 'allow-frontend',
                tier: 'default',
                policy_index: '1',
                rule_index: '2',
              }),
              hit({
                kind: 'EndOfTier',
                name: '',
                tier: 'security',
                action: 'Pass',
                policy_index: '0',
                rule_index: '-1',
                trigger,
              }),
            ],
            pending_policies: [
              hit({
                kind: 'StagedGlobalNetworkPolicy',
                name: 'quarantine-shop',
                tier: 'security',
                action: 'Deny',
              }),
            ],
          },
        },
      }),
      flow({
        key: {
          source_type: 'HostEndpoint',
          source_name: 'node-1',
          source_namespace: '',
          dest_type: 'Network',
          dest_name: 'pub',
          dest_namespace: '-',
          dest_port: '0',
          dest_service_name: '',
          dest_service_namespace: '',
          dest_service_port_name: '',
          dest_service_port: '0',
          proto: 'ICMP',
          reporter: 'Src',
          action: 'Deny',
          policies: {
            enforced_policies: [
              hit({
                kind: 'CalicoNetworkPolicy',
                namespace: 'ops',
                name: 'a',
                tier: 'platform',
                action: 'Pass',
                policy_index: '0',
                rule_index: '0',
              }),
              hit({
                kind: 'StagedNetworkPolicy',
                namespace: 'ops',
                name: 'b',
                tier: 'platform',
                action: 'Deny',
                policy_index: '1',
                rule_index: '3',
              }),
              hit({
                kind: 'StagedKubernetesNetworkPolicy',
                namespace: 'ops',
                name: 'c',
                tier: 'default',
                action: 'Allow',
                policy_index: '2',
                rule_index: '0',
              }),
              hit({
                kind: 'ClusterNetworkPolicy',
                name: 'd',
                tier: 'admin',
                action: 'Deny',
                policy_index: '3',
                rule_index: '1',
              }),
              hit({
                kind: 'Profile',
                name: 'kns.ops',
                tier: '',
                action: 'Allow',
                policy_index: '4',
                rule_index: '0',
              }),
            ],
            pending_policies: [],
          },
        },
        source_labels: [],
        dest_labels: [],
      }),
      flow({
        key: {
          source_type: 'NetworkSet',
          source_name: 'partners',
          source_namespace: '-',
          dest_type: 'Network',
          dest_name: 'pvt',
          dest_namespace: '',
        },
      }),
    ]);
    await waitFor(() => records.length === 3, 'three records');

    expect(records[0]).toEqual({
      start_time: 1_767_225_600,
      end_time: 1_767_225_615,
      source_type: 'wep',
      source_namespace: 'shop',
      source_name: 'frontend-7d9c8b6f5-*',
      source_labels: ['app=frontend', 'tier=web'],
      dest_type: 'wep',
      dest_namespace: 'shop',
      dest_name: 'cart-5f6d7c8b9-*',
      dest_labels: ['app=cart'],
      dest_port: 8080,
      dest_service_namespace: 'shop',
      dest_service_name: 'cart',
      dest_service_port_name: 'http',
      dest_service_port: 80,
      proto: 'tcp',
      reporter: 'dst',
      action: 'allow',
      policies: {
        enforced: ['0|security|gnp:select-shop|pass|-1', '1|default|knp:shop/allow-frontend|allow|2'],
        pending: ['0|security|sgnp:quarantine-shop|deny|0'],
      },
      packets_in: 42,
      packets_out: 40,
      bytes_in: 5120,
      bytes_out: 88310,
      num_flows: 3,
      num_flows_started: 2,
      num_flows_completed: 1,
    } satisfies FlowRecord);
    expect(records[1]).toMatchObject({
      source_type: 'hep',
      source_namespace: '-',
      source_name: 'node-1',
      source_labels: [],
      dest_type: 'net',
      dest_namespace: '-',
      dest_name: 'pub',
      dest_port: 0,
      dest_service_namespace: '-',
      dest_service_name: '-',
      dest_service_port_name: '-',
      dest_service_port: 0,
      proto: 'icmp',
      reporter: 'src',
      action: 'deny',
      policies: {
        enforced: [
          '0|platform|np:ops/a|pass|0',
          '1|platform|snp:ops/b|deny|3',
          '2|default|sknp:ops/c|allow|0',
          '3|admin|kcnp:d|deny|1',
          '4|__PROFILE__|pro:kns.ops|allow|0',
        ],
        pending: [],
      },
    });
    expect(records[2]).toMatchObject({
      source_type: 'ns',
      source_namespace: '-',
      source_name: 'partners',
      dest_type: 'net',
      dest_name: 'pvt',
      dest_namespace: '-',
    });
    expect(source!.stats()).toMatchObject({ received: 3, delivered: 3, rejected: 0, duplicates: 0 });
  });

  it('skips and counts flows it cannot represent, and keeps streaming', async () => {
    server = await GoldmaneServer.start({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key });
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const records = await streaming(fileConfig(server.address), null, log);
    server.publish(T1, [
      flow({ key: { action: 'Pass' } }),
      // Valid protobuf, refused by the flow record validator: a pod without a namespace.
      flow({ key: { source_namespace: '' } }),
      flow({ key: { dest_type: 'EndpointTypeUnspecified' } }),
      flow({ key: { reporter: 7 } }),
      flow({
        key: {
          policies: {
            enforced_policies: [hit({ kind: 'EndOfTier', rule_index: '-1' })],
            pending_policies: [],
          },
        },
      }),
      flow({
        key: {
          policies: {
            enforced_policies: [hit({ kind: 'GlobalNetworkPolicy', namespace: 'shop' })],
            pending_policies: [],
          },
        },
      }),
      flow({
        key: { policies: { enforced_policies: [], pending_policies: [hit({ kind: 'NetworkPolicy' })] } },
      }),
      flow({ bytes_in: '9007199254740993' }),
      flow({ key: { dest_port: '70000' } }),
      flow({ key: { dest_name: 'still-flowing-*' } }),
    ]);
    await waitFor(() => records.length === 1, 'the one valid record');
    expect(records[0]!.dest_name).toBe('still-flowing-*');
    expect(source!.stats()).toMatchObject({ received: 10, delivered: 1, rejected: 9 });
    expect(source!.status()).toBe('streaming');
    // Logged once (rate-limited), naming the field at fault.
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'skipped a goldmane flow that Palisade cannot represent',
        field: 'Key.action',
        reason: 'Pass is not one of Allow, Deny',
      }),
    ]);
  });

  it('resumes after Goldmane restarts, from the newest bucket seen, without delivering a flow twice', async () => {
    server = await GoldmaneServer.start({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key });
    const records = await streaming(fileConfig(server.address));
    const a = flow({ key: { dest_name: 'a-*' } });
    const b = flow({ key: { dest_name: 'b-*' } });
    const c = flow({ key: { dest_name: 'c-*' }, start_time: String(T2), end_time: String(T2 + 15) });
    // The stream breaks after A of bucket T1 arrived; B of the same bucket and all of T2 did not.
    server.publish(T1, [a]);
    await waitFor(() => records.length === 1, 'A');
    await server.stop();
    await waitFor(() => source!.status() === 'backoff', 'the agent to notice');
    expect(source!.problem()).toMatch(/^Goldmane at 127\.0\.0\.1:\d+: UNAVAILABLE/);
    server.publish(T1, [a, b]);
    server.publish(T2, [c]);
    await server.restart();

    await waitFor(() => records.length === 3, 'B and C after the resume');
    expect(server.requests.at(-1)).toEqual({ start_time_gte: T1, aggregation_interval: 15 });
    expect(records.map((r) => [r.dest_name, r.start_time])).toEqual([
      ['a-*', 1_767_225_600],
      ['b-*', 1_767_225_600],
      ['c-*', 1_767_225_615],
    ]);
    expect(source!.stats()).toMatchObject({ delivered: 3, duplicates: 1 });
    expect(source!.status()).toBe('streaming');
    expect(source!.problem()).toBeNull();

    // Once more with the stream at C: the next resume starts at T2 and resends only C.
    await server.restart();
    await waitFor(() => server!.requests.length === 3 && server!.openStreams() === 1, 'a third stream');
    expect(server.requests.at(-1)).toEqual({ start_time_gte: T2, aggregation_interval: 15 });
    const d = flow({ key: { dest_name: 'd-*' }, start_time: String(T2 + 15), end_time: String(T2 + 30) });
    server.publish(T2 + 15, [d]);
    await waitFor(() => records.length === 4, 'D');
    expect(records.map((r) => r.dest_name)).toEqual(['a-*', 'b-*', 'c-*', 'd-*']);
    expect(source!.stats()).toMatchObject({ delivered: 4, duplicates: 2 });
  });

  it('reports a server certificate from the wrong CA as a TLS failure naming the CA, and keeps retrying', async () => {
    server = await GoldmaneServer.start({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key });
    const config = fileConfig(server.address, pki.otherCa.certFile);
    source = new GoldmaneFlowSource({
      config,
      kube: null,
      deliver: () => {},
      log: pino({ level: 'silent' }),
      retry: { initialMs: 20, maxMs: 50 },
    });
    source.start();
    await waitFor(() => source!.problem() !== null, 'a problem');
    expect(source.problem()).toMatch(
      new RegExp(
        `^TLS handshake with Goldmane at 127\\.0\\.0\\.1:\\d+ failed \\(.*certificate.*\\): check that the CA \\(file ${pki.otherCa.certFile}\\) signed Goldmane's certificate`,
      ),
    );
    await waitFor(() => source!.stats().streams >= 3, 'more attempts');
    expect(server.openStreams()).toBe(0);
    expect(source.status()).not.toBe('streaming');
  });

  it('reports a client certificate Goldmane does not trust as a TLS failure', async () => {
    server = await GoldmaneServer.start({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key });
    const config = fileConfig(server.address, pki.ca.certFile, pki.strangerClient);
    source = new GoldmaneFlowSource({
      config,
      kube: null,
      deliver: () => {},
      log: pino({ level: 'silent' }),
      retry: { initialMs: 20, maxMs: 50 },
    });
    source.start();
    await waitFor(() => source!.problem() !== null, 'a problem');
    expect(source.problem()).toMatch(
      /^TLS handshake with Goldmane at .* failed \(.*\): .*client certificate \(file .*stranger-client\.crt\)/,
    );
    expect(server.openStreams()).toBe(0);
  });

  it('reads the CA bundle from a ConfigMap and the client key pair from a Secret, the defaults as Calico installs them', async () => {
    server = await GoldmaneServer.start({ ca: pki.ca.cert, cert: pki.server.cert, key: pki.server.key });
    kube = await FakeKubeApi.start();
    kube.script('GET /api/v1/namespaces/calico-system/configmaps/goldmane-ca-bundle', {
      status: 200,
      body: {
        kind: 'ConfigMap',
        metadata: { name: 'goldmane-ca-bundle' },
        // As the operator writes a trusted bundle: several certificates, each after a comment line.
        data: {
          'ca.crt': [
            `# certificate name: tigera-operator/other\n${pki.otherCa.cert.toString()}`,
            `# certificate name: tigera-operator/tigera-ca-private\n${pki.ca.cert.toString()}`,
          ].join('\n\n'),
        },
      },
    });
    kube.secrets.set('calico-system/whisker-backend-key-pair', {
      kind: 'Secret',
      metadata: { name: 'whisker-backend-key-pair', namespace: 'calico-system' },
      data: { 'tls.crt': pki.client.cert.toString('base64'), 'tls.key': pki.client.key.toString('base64') },
    });
    const records = await streaming({
      address: server.address,
      // The certificate names Goldmane's Service, not the loopback address the test dials.
      serverName: 'goldmane.calico-system.svc',
      tls: {
        ca: parsePemSource(DEFAULT_GOLDMANE_TLS.ca),
        cert: parsePemSource(DEFAULT_GOLDMANE_TLS.cert),
        key: parsePemSource(DEFAULT_GOLDMANE_TLS.key),
      },
    });
    server.publish(T1, [flow()]);
    await waitFor(() => records.length === 1, 'a record');
    expect(kube.requests.map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/calico-system/configmaps/goldmane-ca-bundle',
      '/api/v1/namespaces/calico-system/secrets/whisker-backend-key-pair',
      '/api/v1/namespaces/calico-system/secrets/whisker-backend-key-pair',
    ]);
  });

  it('says where Goldmane was expected when the name does not resolve', async () => {
    source = new GoldmaneFlowSource({
      config: fileConfig('goldmane.invalid:7443'),
      kube: null,
      deliver: () => {},
      log: pino({ level: 'silent' }),
      retry: { initialMs: 20, maxMs: 50 },
    });
    source.start();
    await waitFor(() => source!.problem() !== null, 'a problem');
    expect(source.problem()).toMatch(
      /^Goldmane at goldmane\.invalid:7443: UNAVAILABLE: .*\(Calico ≥ 3\.30 installed by the Tigera operator runs Goldmane there; set PALISADE_GOLDMANE_ADDRESS to where it runs, or to off to collect no flows\)$/,
    );
  });

  it('names the missing Secret when the TLS material cannot be read', async () => {
    kube = await FakeKubeApi.start();
    source = new GoldmaneFlowSource({
      config: {
        address: '127.0.0.1:1',
        serverName: null,
        tls: {
          ca: parsePemSource(`file:${pki.ca.certFile}`),
          cert: parsePemSource('secret:palisade-system/goldmane-client/tls.crt'),
          key: parsePemSource('secret:palisade-system/goldmane-client/tls.key'),
        },
      },
      kube: kube.kubeConfig(),
      deliver: () => {},
      log: pino({ level: 'silent' }),
      retry: { initialMs: 20, maxMs: 50 },
    });
    source.start();
    await waitFor(() => source!.problem() !== null, 'a problem');
    expect(source.problem()).toBe(
      'cannot read Goldmane\'s TLS material: read Secret palisade-system/goldmane-client key tls.crt: HTTP 404: secrets "goldmane-client" not found',
    );
  });
});

// Against a real cluster with Calico ≥ 3.30: run `kubectl port-forward -n calico-system svc/goldmane 7443`
// and set PALISADE_TEST_GOLDMANE_ADDRESS=127.0.0.1:7443 with the kubeconfig.
const liveKubeconfig = process.env['PALISADE_TEST_KUBECONFIG'] ?? process.env['KUBECONFIG'];
const liveGoldmane = process.env['PALISADE_TEST_GOLDMANE_ADDRESS'];
describe.skipIf(liveKubeconfig === undefined || liveGoldmane === undefined)(
  'Goldmane flows from a live cluster (needs a kubeconfig and PALISADE_TEST_GOLDMANE_ADDRESS)',
  () => {
    it('opens Flows.Stream with the TLS material Calico installed and maps what arrives', async () => {
      const kubeConfig = loadKubeConfig({ inCluster: false, kubeconfigPath: liveKubeconfig! });
      const records: FlowRecord[] = [];
      const live = new GoldmaneFlowSource({
        config: {
          address: liveGoldmane!,
          serverName: 'goldmane.calico-system.svc',
          tls: {
            ca: parsePemSource(DEFAULT_GOLDMANE_TLS.ca),
            cert: parsePemSource(DEFAULT_GOLDMANE_TLS.cert),
            key: parsePemSource(DEFAULT_GOLDMANE_TLS.key),
          },
        },
        kube: kubeConfig,
        deliver: (batch) => records.push(...batch),
        log: pino({ level: 'silent' }),
      });
      try {
        live.start();
        await waitFor(
          () => live.status() === 'streaming' || records.length > 0,
          'the stream to open',
          60_000,
        );
        expect(live.problem()).toBeNull();
        for (const record of records) expect(record.start_time % 15).toBe(0);
      } finally {
        await live.stop();
      }
    }, 90_000);
  },
);
