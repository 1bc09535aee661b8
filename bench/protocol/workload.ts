// Realistic frames for the protocol benchmark: a heartbeat, the inventory snapshot of a 2,000-pod
// cluster and a batch of 1,000 aggregated flows, deterministic so runs compare.

import type { FlowRecord } from '@palisade/flows';
import type {
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
  const records: FlowRecord[] = [];
  const start = 1_763_712_000;
  for (let i = 0; i < count; i++) {
    const src = `app-${String(i % APPS_PER_NAMESPACE)}`;
    const dst = `app-${String((i + 3) % APPS_PER_NAMESPACE)}`;
    const ns = `team-${String(i % NAMESPACES)}`;
    const denied = i % 7 === 0;
    records.push({
      start_time: start,
      end_time: start + 15,
      source_type: 'wep',
      source_namespace: ns,
      source_name: `${src}-7d4f9c5b8-*`,
      source_labels: [`app=${src}`],
      dest_type: 'wep',
      dest_namespace: ns,
      dest_name: `${dst}-7d4f9c5b8-*`,
      dest_labels: [`app=${dst}`],
      dest_port: 8080,
      dest_service_namespace: ns,
      dest_service_name: dst,
      dest_service_port_name: 'http',
      dest_service_port: 80,
      proto: 'tcp',
      reporter: i % 2 === 0 ? 'src' : 'dst',
      action: denied ? 'deny' : 'allow',
      policies: {
        enforced: [
          denied ? `0|default|np:${ns}/default-deny|deny|-1` : `0|default|np:${ns}/allow-${src}|allow|0`,
        ],
        pending: [],
      },
      packets_in: 120 + i,
      packets_out: 98 + i,
      bytes_in: 64_000 + i,
      bytes_out: 12_000 + i,
      num_flows: 4,
      num_flows_started: 4,
      num_flows_completed: 3,
    });
  }
  return { type: 'flow.batch', sequence: 1, droppedTotal: 0, records };
}
