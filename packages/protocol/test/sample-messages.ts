// One realistic, valid instance of every message type, for round trips and as the base that the
// malformed-frame tests and the mutation fuzzer break.

import type { JsonObject, MessageOf, MessageType, WorkloadEndpoint } from '../src/index.js';

export const sampleEndpoint: WorkloadEndpoint = {
  namespace: 'shop',
  name: 'frontend-7d4f9c-x2k4q',
  labels: { app: 'frontend', 'app.kubernetes.io/part-of': 'shop', tier: '' },
  ips: ['10.244.1.17', 'fd00:10:244:1::11'],
  ports: [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: null, port: 9090, protocol: 'TCP' },
  ],
  serviceAccount: 'frontend',
  node: 'worker-1',
};

/** A flow record as @palisade/flows defines it; opaque to the protocol (spec flow-logs §6.7). */
export const sampleFlowRecord: JsonObject = {
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
    enforced: ['0|default|np:shop/allow-frontend|allow|0'],
    pending: ['0|security|sgnp:quarantine-shop|deny|0'],
  },
  packets_in: 42,
  packets_out: 40,
  bytes_in: 5120,
  bytes_out: 88310,
  num_flows: 3,
  num_flows_started: 2,
  num_flows_completed: 1,
};

export const SAMPLES: { readonly [T in MessageType]: MessageOf<T> } = {
  hello: {
    type: 'hello',
    protocol: { min: 1, max: 1 },
    agentVersion: '0.1.0',
    instanceId: 'b1f0c6f2-6d7e-4a51-9d0b-3c1e2f4a5b6c',
    auth: { kind: 'enrollment', token: 'pal_enr_4hJ8kQ2mX9vR7tL3' },
    cluster: { provider: 'simulated', kubernetesVersion: 'v1.31.2+k3s1', calicoVersion: 'v3.29.1' },
  },
  welcome: {
    type: 'welcome',
    protocolVersion: 1,
    clusterId: 'clu_01JD3Q4X8Y',
    sessionId: 'gw-0:s-42',
    heartbeatIntervalMs: 10_000,
    deadPeerTimeoutMs: 30_000,
    limits: { maxFrameBytes: 1_048_576, maxInventoryItemsPerFrame: 5_000, maxFlowsPerBatch: 1_000 },
    credential: 'pal_cc_Zx81mQpL0aVbN3rT6yWe',
  },
  'credential.rotate': {
    type: 'credential.rotate',
    rotationId: 'rot-7',
    credential: 'pal_cc_Nw2Lq9Xm4Vb7Rt1Ys8Ke',
  },
  'credential.rotated': { type: 'credential.rotated', rotationId: 'rot-7', persisted: true, message: null },
  'credential.stored': { type: 'credential.stored' },
  heartbeat: { type: 'heartbeat', sentAtMs: 1_763_712_003_141 },
  'inventory.snapshot': {
    type: 'inventory.snapshot',
    revision: 3,
    chunk: { index: 0, count: 1 },
    items: {
      namespaces: [{ name: 'shop', labels: { team: 'web' } }],
      endpoints: [sampleEndpoint],
      serviceAccounts: [{ namespace: 'shop', name: 'frontend', labels: {} }],
      services: [
        {
          namespace: 'shop',
          name: 'frontend',
          labels: { app: 'frontend' },
          selector: { app: 'frontend' },
          ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
          clusterIps: ['10.96.0.12'],
          endpoints: [{ ip: '10.244.1.17', pod: 'frontend-7d4f9c-x2k4q', ready: true }],
        },
        {
          namespace: 'shop',
          name: 'external-db',
          labels: {},
          selector: null,
          ports: [{ name: null, port: 5432, targetPort: 5432, protocol: 'TCP' }],
          clusterIps: [],
          endpoints: [{ ip: '192.168.10.4', pod: null, ready: true }],
        },
      ],
    },
  },
  'inventory.delta': {
    type: 'inventory.delta',
    revision: 3,
    sequence: 1,
    upserts: { namespaces: [], endpoints: [sampleEndpoint], serviceAccounts: [], services: [] },
    deletes: {
      namespaces: ['old-team'],
      endpoints: [{ namespace: 'shop', name: 'frontend-7d4f9c-aaaaa' }],
      serviceAccounts: [],
      services: [],
    },
  },
  'inventory.resync': { type: 'inventory.resync', reason: 'sequence_gap' },
  'inventory.nodes': {
    type: 'inventory.nodes',
    nodes: [
      {
        name: 'worker-1',
        dataplane: 'bpf',
        wireguardEnabled: true,
        wireguardPublicKey: true,
        mtu: 1440,
        calicoVersion: 'v3.30.2',
      },
    ],
  },
  'desired.state': {
    type: 'desired.state',
    generation: 12,
    resources: [
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'NetworkPolicy',
        metadata: { name: 'default.allow-frontend', namespace: 'shop' },
        spec: { tier: 'default', order: 100, selector: "app == 'backend'", types: ['Ingress'] },
      },
    ],
  },
  'desired.state.chunk': {
    type: 'desired.state.chunk',
    generation: 13,
    chunk: { index: 1, count: 3 },
    total: 5,
    resources: [
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'NetworkPolicy',
        metadata: { name: 'default.allow-frontend', namespace: 'shop' },
        spec: { tier: 'default', order: 100, selector: "app == 'backend'", types: ['Ingress'] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny-all', namespace: 'shop' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
    ],
  },
  'apply.result': {
    type: 'apply.result',
    generation: 12,
    results: [
      {
        resource: { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', namespace: 'shop', name: 'a' },
        status: 'ok',
      },
      {
        resource: { apiVersion: 'projectcalico.org/v3', kind: 'Tier', namespace: null, name: 'security' },
        status: 'failed',
        message: 'admission webhook denied the request',
      },
    ],
    drift: [
      {
        resource: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'shop', name: 'b' },
        drift: 'modified',
        message: 'spec.ingress changed outside Palisade',
      },
    ],
  },
  'apply.result.chunk': {
    type: 'apply.result.chunk',
    generation: 12,
    chunk: { index: 1, count: 2 },
    total: { results: 3, drift: 1 },
    results: [
      {
        resource: { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', namespace: 'shop', name: 'c' },
        status: 'failed',
        message: 'the CRD networkpolicies.projectcalico.org is not installed',
      },
    ],
    drift: [
      {
        resource: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'shop', name: 'b' },
        drift: 'missing',
        message: null,
      },
    ],
  },
  'flow.batch': { type: 'flow.batch', sequence: 17, droppedTotal: 0, records: [sampleFlowRecord] },
  'flow.ack': { type: 'flow.ack', sequence: 17 },
  request: { type: 'request', id: 'g1', method: 'agent.health', params: { verbose: true }, timeoutMs: 5_000 },
  response: { type: 'response', id: 'g1', ok: true, result: { status: 'ok', uptimeSeconds: 120 } },
  error: { type: 'error', code: 'unavailable', message: 'flow store is unavailable; keep the batch' },
  close: { type: 'close', reason: 'superseded', message: 'a newer connection took over', retryAfterMs: null },
};

export const FAILED_RESPONSE: MessageOf<'response'> = {
  type: 'response',
  id: 'a9',
  ok: false,
  error: { code: 'method_not_found', message: 'no method cluster.reboot' },
};

/** A deep copy that tests may mutate freely. */
export function sample<T extends MessageType>(type: T): MessageOf<T> {
  return JSON.parse(JSON.stringify(SAMPLES[type])) as MessageOf<T>;
}
