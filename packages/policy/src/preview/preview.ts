// The impact preview (issue 14): replays each flow key of a cluster through the evaluation engine
// twice — with the resources as they are and with the edits — and classifies it UNCHANGED,
// NEWLY_DENIED, NEWLY_ALLOWED or UNCERTAIN. Only the reporter's direction is replayed (a `src`
// record is the source's egress verdict, a `dst` record the destination's ingress verdict), and
// only enforced verdicts are compared: staged policies act in neither world.
//
// Both worlds share one synthetic population built from the flow sides (flow-sides.ts), so each
// engine compiles its policies and rule plans once and every flow key is one cached plan walk; a
// day of the 2 000-pod demo is a few thousand keys. Uncertainty comes from uncertainty.ts.

import { NOT_APPLICABLE } from '@palisade/flows';
import type { Connection, DirectionVerdict } from '../engine/connection.js';
import { PolicyEngine, type Direction } from '../engine/engine.js';
import { parseCidr, type Cidr } from '../engine/ip.js';
import type { ServiceInput, WorkloadInput } from '../engine/world-input.js';
import { buildWorld, type Entity, type World } from '../engine/world.js';
import { resourceKey } from '../resources/resource-key.js';
import type { PolicyResource } from '../resources/types.js';
import { classAddress, classRanges, coverage, setAddress } from './address-classes.js';
import { changedResources } from './edits.js';
import { flowKeyId } from './flow-keys.js';
import { SyntheticAddresses, flowProtocol, otherSide, workloadSide, type FlowSide } from './flow-sides.js';
import type {
  PreviewClass,
  PreviewFlowInput,
  PreviewInput,
  PreviewedFlow,
  Uncertainty,
} from './preview-types.js';
import { UncertaintyChecker, policyResourceKey, type SideView } from './uncertainty.js';

const SERVICE_PROTOCOLS: Readonly<Record<string, 'TCP' | 'UDP' | 'SCTP'>> = {
  tcp: 'TCP',
  udp: 'UDP',
  sctp: 'SCTP',
};

function isNetworkSet(
  r: PolicyResource,
): r is Extract<PolicyResource, { kind: 'NetworkSet' | 'GlobalNetworkSet' }> {
  return r.kind === 'NetworkSet' || r.kind === 'GlobalNetworkSet';
}

function setNets(r: PolicyResource): Cidr[] {
  return isNetworkSet(r) ? (r.spec.nets ?? []).flatMap((t) => parseCidr(t) ?? []) : [];
}

/** Everything both worlds share: the sides of every flow key and the synthetic population. */
class Population {
  readonly workloads: WorkloadInput[] = [];
  private readonly services = new Map<string, ServiceInput>();
  private readonly sides = new Map<string, FlowSide>();
  private readonly addresses: SyntheticAddresses;
  private readonly setCidrs: Cidr[];
  private readonly resources: ReadonlyMap<string, PolicyResource>;

  constructor(private readonly input: PreviewInput) {
    const all = [...input.before, ...input.after];
    this.setCidrs = all.flatMap(setNets);
    this.resources = new Map(all.map((r) => [resourceKey(r), r]));
    this.addresses = new SyntheticAddresses((ip) =>
      this.setCidrs.some((c) => c.family === 4 && ip.family === 4 && containsV4(c, ip.w3)),
    );
  }

  side(
    type: PreviewFlowInput['source_type'],
    namespace: string,
    name: string,
    labels: readonly string[],
  ): FlowSide {
    const key = JSON.stringify([type, namespace, name, type === 'wep' ? [...labels].sort() : []]);
    let side = this.sides.get(key);
    if (side) return side;
    if (type === 'wep') {
      const built = workloadSide(
        namespace,
        name,
        labels,
        this.input.inventory,
        this.addresses.allocate(),
        this.workloads.length,
      );
      this.workloads.push(built.workload);
      side = built.side;
    } else if (type === 'net') {
      side = otherSide(
        'net',
        namespace,
        name,
        classAddress(name === 'pvt' ? 'pvt' : 'pub', this.setCidrs),
        true,
      );
    } else if (type === 'ns') {
      const set =
        namespace === NOT_APPLICABLE
          ? this.resources.get(`GlobalNetworkSet/${name}`)
          : this.resources.get(`NetworkSet/${namespace}/${name}`);
      const address = set ? setAddress(setNets(set)) : undefined;
      side = otherSide('ns', namespace, name, address, set !== undefined && address !== undefined);
    } else {
      side = otherSide('hep', namespace, name, undefined, this.resources.has(`HostEndpoint/${name}`));
    }
    this.sides.set(key, side);
    return side;
  }

  /** The flow's Service, so `destination.services` rules see the synthetic pod as its backend. */
  addService(flow: PreviewFlowInput, destination: FlowSide): void {
    const protocol = SERVICE_PROTOCOLS[flow.proto];
    if (flow.dest_service_name === NOT_APPLICABLE || destination.type !== 'wep' || !protocol) return;
    const ip = destination.peer.endpoint
      ? this.workloads.find((w) => `${w.namespace}/${w.name}` === destination.peer.endpoint)?.ips[0]
      : undefined;
    if (ip === undefined) return;
    const key = `${flow.dest_service_namespace}/${flow.dest_service_name}`;
    const service = this.services.get(key) ?? {
      namespace: flow.dest_service_namespace,
      name: flow.dest_service_name,
      endpoints: [],
    };
    if (!service.endpoints.some((e) => e.ip === ip && e.port === flow.dest_port && e.protocol === protocol)) {
      service.endpoints.push({ ip, port: flow.dest_port, protocol });
    }
    this.services.set(key, service);
  }

  world(resources: readonly PolicyResource[]): World {
    const inventory = this.input.inventory;
    return buildWorld({
      namespaces: inventory?.namespaces ?? [],
      endpoints: this.workloads,
      serviceAccounts: inventory?.serviceAccounts ?? [],
      services: [...this.services.values()],
      resources: [...resources],
    });
  }
}

function containsV4(c: Cidr, w3: number): boolean {
  const size = 2 ** (32 - c.prefix);
  const lo = (c.w3 >>> 0) - ((c.w3 >>> 0) % size);
  const v = w3 >>> 0;
  return v >= lo && v < lo + size;
}

/** One world's engine, the entities by key and the checker over its edited policies. */
class Replay {
  readonly engine: PolicyEngine;
  readonly checker: UncertaintyChecker;
  private readonly entities: ReadonlyMap<string, Entity>;

  constructor(world: World, changed: ReadonlySet<string>) {
    this.engine = new PolicyEngine(world);
    this.entities = new Map(world.entities.map((e) => [e.key, e]));
    const edited = this.engine.policies.filter(
      (p) => changed.has(policyResourceKey(p.definition)) || changed.has(`Tier/${p.definition.tier}`),
    );
    this.checker = new UncertaintyChecker(world, edited);
  }

  view(role: SideView['role'], side: FlowSide): SideView {
    const entity = side.entityKey === undefined ? undefined : this.entities.get(side.entityKey);
    return { role, side, entity };
  }

  /** The reporter's verdict, or null when the reporter is not an endpoint of this world. */
  verdict(conn: Connection, direction: Direction, reporter: FlowSide): DirectionVerdict | null {
    const key = reporter.peer.endpoint;
    if (key === undefined || !this.engine.world.endpointsByKey.has(key)) return null;
    if (conn.source.endpoint !== undefined && !this.engine.world.endpointsByKey.has(conn.source.endpoint))
      return null;
    if (
      conn.destination.endpoint !== undefined &&
      !this.engine.world.endpointsByKey.has(conn.destination.endpoint)
    ) {
      return null;
    }
    const { pkt } = this.engine.packet(conn);
    return this.engine.evaluateDirection(this.engine.endpoint(key, 'endpoint'), direction, pkt);
  }
}

function classify(
  before: DirectionVerdict | null,
  after: DirectionVerdict | null,
  uncertainties: readonly Uncertainty[],
): PreviewClass {
  if (uncertainties.length > 0 || !before || !after) return 'UNCERTAIN';
  if (before.action === after.action) return 'UNCHANGED';
  return after.action === 'deny' ? 'NEWLY_DENIED' : 'NEWLY_ALLOWED';
}

function unique(list: readonly Uncertainty[]): Uncertainty[] {
  const seen = new Map<string, Uncertainty>();
  for (const u of list) seen.set(`${u.reason}|${u.resource}|${u.detail}`, u);
  return [...seen.values()];
}

/** Network sets the edits touch whose addresses overlap a network class: a `pub`/`pvt` address may now be in them. */
function changedSetsOver(
  input: PreviewInput,
  changed: ReadonlySet<string>,
  networkClass: 'pub' | 'pvt',
): string[] {
  return [...input.before, ...input.after]
    .filter((r) => isNetworkSet(r) && changed.has(resourceKey(r)))
    .filter((r) => coverage(classRanges(networkClass), setNets(r)) !== 'none')
    .map((r) => resourceKey(r));
}

/** Previews one cluster's flow keys; the result is in input order. */
export function previewFlows(input: PreviewInput): PreviewedFlow[] {
  const flows = [...input.flows];
  const changed = changedResources(input.before, input.after);
  const population = new Population(input);
  const sides = flows.map((f) => {
    const source = population.side(f.source_type, f.source_namespace, f.source_name, f.source_labels);
    const destination = population.side(f.dest_type, f.dest_namespace, f.dest_name, f.dest_labels);
    population.addService(f, destination);
    return { source, destination };
  });
  const before = new Replay(population.world(input.before), changed);
  const after = new Replay(population.world(input.after), changed);
  const setsOver = {
    pub: unique([...new Set([...changedSetsOver(input, changed, 'pub')])].map(setUncertainty('pub'))),
    pvt: unique([...new Set([...changedSetsOver(input, changed, 'pvt')])].map(setUncertainty('pvt'))),
  };
  return flows.map((flow, i) => {
    const { source, destination } = sides[i]!;
    const direction: Direction = flow.reporter === 'src' ? 'egress' : 'ingress';
    const reporter = flow.reporter === 'src' ? source : destination;
    const conn: Connection = {
      source: source.peer,
      destination: destination.peer,
      protocol: flowProtocol(flow.proto),
      ...(flow.dest_port > 0 ? { port: flow.dest_port } : {}),
    };
    const was = before.verdict(conn, direction, reporter);
    const will = after.verdict(conn, direction, reporter);
    const uncertainties: Uncertainty[] = [];
    if (!was || !will) {
      uncertainties.push({
        reason: 'UNKNOWN_ENDPOINT',
        resource: reporter.type === 'hep' ? `HostEndpoint/${reporter.name}` : reporter.description,
        detail: `${flow.reporter === 'src' ? 'source' : 'destination'} ${reporter.description} is not among the resources`,
      });
    }
    for (const [replay, verdict] of [
      [before, was],
      [after, will],
    ] as const) {
      if (!verdict || replay.checker.empty) continue;
      uncertainties.push(
        ...replay.checker.check(
          flow,
          direction,
          replay.view('source', source),
          replay.view('destination', destination),
          verdict,
        ),
      );
    }
    for (const side of [source, destination]) {
      if (side.networkClass) uncertainties.push(...setsOver[side.networkClass]);
    }
    const reasons = unique(uncertainties);
    return {
      id: flowKeyId(flow),
      flow,
      before: was,
      after: will,
      class: classify(was, will, reasons),
      uncertainties: reasons,
    };
  });
}

function setUncertainty(networkClass: 'pub' | 'pvt'): (resource: string) => Uncertainty {
  return (resource) => ({
    reason: 'AGGREGATED_NETWORK',
    resource,
    detail: `the edited ${resource} overlaps ${networkClass === 'pub' ? 'public' : 'private'} addresses, and the record does not say which ${networkClass} address it saw`,
  });
}
