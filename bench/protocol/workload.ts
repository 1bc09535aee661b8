// Realistic frames for the protocol benchmark: a heartbeat, the inventory snapshot of a 2,000-pod
// cluster and a batch of 1,000 aggregated flows, deterministic so runs compare.

import type {
  Flow,
  FlowBatchMessage,
  HeartbeatMessage,
  InventorySnapshotMessage,
  ServiceInfo,
  WorkloadEndpoint,
} from '@palisade/protocol';

const NAMESPACES = 20;
const APPS_PER_NAMESPACE = 10;

function ip(n: number): string {
  return `10.${String(244 + ((n >> 16) & 7))}.${String((n >> 8) & 255)}.${String(n & 255)}`;
}

export function heartbeat(): HeartbeatMessage {
  return { type: 'heartbeat', sentAtMs: 1_763_712_003_141 };
}

export function inventorySnapshot(pods: number): InventorySnapshotMessage {
  const endpoints: WorkloadEndpoint[] = [];
  for (let i = 0; i < pods; i++) {
    const ns = `team-${String(i % NAMESPACES)}`;
    const app = `app-${String(Math.floor(i / NAMESPACES) % APPS_PER_NAMESPACE)}`;
    endpoints.push({
      namespace: ns,
      name: `${app}-7d4f9c5b8-${i.toString(36).padStart(5, 'x')}`,
      labels: {
        app,
        'app.kubernetes.io/name': app,
        'app.kubernetes.io/part-of': ns,
        'pod-template-hash': '7d4f9c5b8',
        version: 'v1',
      },
      ips: [ip(i + 1)],
      ports: [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
      serviceAccount: app,
      node: `worker-${String(i % 50)}`,
    });
  }
  const services: ServiceInfo[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    for (let a = 0; a < APPS_PER_NAMESPACE; a++) {
      const app = `app-${String(a)}`;
      const ns = `team-${String(n)}`;
      services.push({
        namespace: ns,
        name: app,
        labels: { app },
        selector: { app },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
        clusterIps: [`10.96.${String(n)}.${String(a + 1)}`],
        endpoints: endpoints
          .filter((e) => e.namespace === ns && e.labels.app === app)
          .map((e) => ({ ip: e.ips[0] ?? '', pod: e.name, ready: true })),
      });
    }
  }
  return {
    type: 'inventory.snapshot',
    revision: 1,
    chunk: { index: 0, count: 1 },
    items: {
      namespaces: Array.from({ length: NAMESPACES }, (_, n) => ({
        name: `team-${String(n)}`,
        labels: { 'kubernetes.io/metadata.name': `team-${String(n)}`, owner: 'platform' },
      })),
      endpoints,
      serviceAccounts: services.map((s) => ({ namespace: s.namespace, name: s.name, labels: {} })),
      services,
    },
  };
}

export function flowBatch(count: number): FlowBatchMessage {
  const flows: Flow[] = [];
  const start = 1_763_712_000_000;
  for (let i = 0; i < count; i++) {
    const src = `app-${String(i % APPS_PER_NAMESPACE)}`;
    const dst = `app-${String((i + 3) % APPS_PER_NAMESPACE)}`;
    const ns = `team-${String(i % NAMESPACES)}`;
    const denied = i % 7 === 0;
    flows.push({
      startMs: start,
      endMs: start + 15_000,
      source: { kind: 'workload', namespace: ns, name: `${src}-7d4f9c5b8-*`, labels: { app: src } },
      destination: { kind: 'workload', namespace: ns, name: `${dst}-7d4f9c5b8-*`, labels: { app: dst } },
      destinationService: { namespace: ns, name: dst, portName: 'http', port: 80 },
      protocol: 'TCP',
      port: 8080,
      reporter: i % 2 === 0 ? 'source' : 'destination',
      action: denied ? 'deny' : 'allow',
      policies: {
        enforced: [
          {
            kind: 'NetworkPolicy',
            tier: 'default',
            namespace: ns,
            name: denied ? 'default.default-deny' : `default.allow-${src}`,
            ruleIndex: denied ? -1 : 0,
            action: denied ? 'deny' : 'allow',
          },
        ],
        pending: [],
      },
      counters: {
        packetsIn: 120 + i,
        packetsOut: 98 + i,
        bytesIn: 64_000 + i,
        bytesOut: 12_000 + i,
        connectionsStarted: 4,
        connectionsCompleted: 3,
        connectionsLive: 1,
      },
    });
  }
  return { type: 'flow.batch', sequence: 1, droppedTotal: 0, flows };
}
