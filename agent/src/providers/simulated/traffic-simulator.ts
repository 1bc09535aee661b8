// The simulated cluster's traffic: every step draws the connections the traffic matrix starts in a
// time interval (each entry's rate per second, strayed by its jitter, from a seeded source),
// evaluates each with the real @palisade/policy engine over the policies the cluster holds at that
// moment, and reports both ends as Felix does: the source pod's egress verdict as reporter `src`,
// the destination pod's ingress verdict as reporter `dst` — no `dst` record for a connection the
// source denied, none for a destination outside the cluster. The enforced trace leaves staged
// policies out; the pending trace treats them as enforced (the same as the enforced trace when the
// cluster has none). Connections are short: each starts and completes within its step. A step's
// records are already in their 15 s bucket and merged (spec §6.2).

import {
  aggregationKey,
  bucketOf,
  mergeFlowRecords,
  NOT_APPLICABLE,
  type FlowRecord,
  type Reporter,
} from '@palisade/flows';
import type { DirectionVerdict, PolicyEngine } from '@palisade/policy';
import type { InventoryItems, WorkloadEndpoint } from '@palisade/protocol';
import type { TrafficSpec } from './cluster-spec.js';
import { parseIpv4Cidr, numberToIpv4 } from './ipv4.js';
import { Random } from './random.js';
import {
  externalSide,
  podSide,
  serviceFor,
  workloadPods,
  type FlowSide,
  type ServiceHit,
} from './traffic-peers.js';

/** What a step sees of the cluster: its inventory and policies as of now. */
export interface ClusterView {
  readonly inventory: InventoryItems;
  /** A policy engine over `inventory` and the policies in force now. */
  readonly engine: PolicyEngine;
  readonly traffic: readonly TrafficSpec[];
  /** Changes whenever the inventory does; pod lookups are cached on it. */
  readonly inventoryVersion: string;
}

/** Bytes of one packet on the wire, by direction; requests small, responses larger. */
const REQUEST_PACKET_BYTES = [60, 600] as const;
const RESPONSE_PACKET_BYTES = [60, 1_460] as const;
/** Packets of a connection each way when it goes through; attempts (SYN retries) when it is dropped. */
const PACKETS = [3, 40] as const;
const ATTEMPTS = [1, 3] as const;

interface Resolved {
  readonly spec: TrafficSpec;
  readonly sources: readonly WorkloadEndpoint[];
  /** Pods of the destination workload; empty for an outside destination. */
  readonly destinations: readonly WorkloadEndpoint[];
  /** The address range of an outside destination. */
  readonly external: { readonly base: number; readonly size: number } | null;
}

export class TrafficSimulator {
  readonly #random: Random;
  #resolved: { version: string; traffic: readonly TrafficSpec[]; entries: Resolved[] } | undefined;

  constructor(seed: number) {
    this.#random = new Random(seed);
  }

  /** The flows of the connections started in [fromMs, toMs), evaluated under `view`'s policies. */
  step(fromMs: number, toMs: number, view: ClusterView): FlowRecord[] {
    const seconds = (toMs - fromMs) / 1000;
    const start = Math.floor(fromMs / 1000);
    const records = new Map<string, FlowRecord>();
    for (const entry of this.#entries(view)) {
      const { spec } = entry;
      const stray = 1 + spec.jitter * (2 * this.#random.next() - 1);
      const connections = this.#random.count(spec.rate * seconds * stray);
      if (connections === 0 || entry.sources.length === 0) continue;
      if (entry.external === null && entry.destinations.length === 0) continue;
      for (let i = 0; i < connections; i++) this.#connect(entry, view, start, records);
    }
    return [...records.values()];
  }

  #entries(view: ClusterView): Resolved[] {
    const cached = this.#resolved;
    if (cached !== undefined && cached.version === view.inventoryVersion && cached.traffic === view.traffic) {
      return cached.entries;
    }
    const entries = view.traffic.map((spec): Resolved => {
      const sources = workloadPods(view.inventory, spec.from);
      if (spec.to.includes('/') && parseIpv4Cidr(spec.to) === undefined) {
        return { spec, sources, destinations: workloadPods(view.inventory, spec.to), external: null };
      }
      const cidr = parseIpv4Cidr(spec.to.includes('/') ? spec.to : `${spec.to}/32`)!;
      return {
        spec,
        sources,
        destinations: [],
        external: { base: cidr.base, size: 2 ** (32 - cidr.prefix) },
      };
    });
    this.#resolved = { version: view.inventoryVersion, traffic: view.traffic, entries };
    return entries;
  }

  #connect(entry: Resolved, view: ClusterView, start: number, records: Map<string, FlowRecord>): void {
    const { spec } = entry;
    const source = this.#random.pick(entry.sources);
    const port = spec.protocol === 'ICMP' ? 0 : spec.port;
    let destination: WorkloadEndpoint | null = null;
    let ip: string;
    if (entry.external !== null) {
      ip = numberToIpv4(entry.external.base + Math.floor(this.#random.next() * entry.external.size));
    } else {
      destination = this.#random.pick(entry.destinations);
      ip = destination.ips[0] ?? '';
    }
    const verdict = view.engine.evaluate({
      source: { endpoint: `${source.namespace}/${source.name}` },
      destination:
        destination === null ? { ip } : { endpoint: `${destination.namespace}/${destination.name}` },
      protocol: spec.protocol,
      ...(port === 0 ? {} : { port }),
    });
    const egress = verdict.egress;
    if (egress === null) return;
    const ingress = destination === null ? null : verdict.ingress;
    const through = egress.action === 'allow' && ingress?.action !== 'deny';
    const packets = through ? this.#random.int(...PACKETS) : this.#random.int(...ATTEMPTS);
    const request = { packets, bytes: this.#bytes(packets, REQUEST_PACKET_BYTES) };
    const answered = through ? this.#random.int(...PACKETS) : 0;
    const response = { packets: answered, bytes: this.#bytes(answered, RESPONSE_PACKET_BYTES) };

    const sourceSide = podSide(source);
    const destSide = destination === null ? externalSide(ip, view.engine) : podSide(destination);
    const service =
      destination === null ? null : serviceFor(view.inventory, destination, port, spec.protocol);
    const flow = { start, sourceSide, destSide, service, port, proto: spec.protocol.toLowerCase() };
    // "in" is toward the reporting endpoint: the source sends the request out, the destination takes it in.
    add(records, flow, 'src', egress, verdict.pending?.egress ?? egress, { out: request, in: response });
    if (ingress !== null && egress.action === 'allow') {
      add(records, flow, 'dst', ingress, verdict.pending?.ingress ?? ingress, { in: request, out: response });
    }
  }

  #bytes(packets: number, [min, max]: readonly [number, number]): number {
    let bytes = 0;
    for (let i = 0; i < packets; i++) bytes += this.#random.int(min, max);
    return bytes;
  }
}

interface FlowShape {
  readonly start: number;
  readonly sourceSide: FlowSide;
  readonly destSide: FlowSide;
  readonly service: ServiceHit | null;
  readonly port: number;
  readonly proto: string;
}

interface Volume {
  readonly packets: number;
  readonly bytes: number;
}

/** One connection's record from one reporter, merged into the step's records by aggregation key. */
function add(
  records: Map<string, FlowRecord>,
  flow: FlowShape,
  reporter: Reporter,
  enforced: DirectionVerdict,
  pending: DirectionVerdict,
  volume: { in: Volume; out: Volume },
): void {
  const record: FlowRecord = {
    ...bucketOf(flow.start),
    source_type: flow.sourceSide.type,
    source_namespace: flow.sourceSide.namespace,
    source_name: flow.sourceSide.name,
    source_labels: flow.sourceSide.labels,
    dest_type: flow.destSide.type,
    dest_namespace: flow.destSide.namespace,
    dest_name: flow.destSide.name,
    dest_labels: flow.destSide.labels,
    dest_port: flow.port,
    dest_service_namespace: flow.service?.namespace ?? NOT_APPLICABLE,
    dest_service_name: flow.service?.name ?? NOT_APPLICABLE,
    dest_service_port_name: flow.service?.portName ?? NOT_APPLICABLE,
    dest_service_port: flow.service?.port ?? 0,
    proto: flow.proto,
    reporter,
    action: enforced.action,
    policies: { enforced: [...enforced.trace], pending: [...pending.trace] },
    packets_in: volume.in.packets,
    packets_out: volume.out.packets,
    bytes_in: volume.in.bytes,
    bytes_out: volume.out.bytes,
    num_flows: 1,
    num_flows_started: 1,
    num_flows_completed: 1,
  };
  const key = aggregationKey(record);
  const existing = records.get(key);
  records.set(key, existing === undefined ? record : mergeFlowRecords(existing, record));
}
