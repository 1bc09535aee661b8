// What the simulated cluster's dataplane would do with a connection, given the policies it has
// right now: the `@palisade/policy` world is built from the simulated inventory (namespaces, pods,
// service accounts) and the policy objects in the store (applied by Palisade or edited by hand),
// and a PolicyEngine evaluates it — enforced policies decide, staged ones give the pending verdict.
// This is how an applied policy visibly changes the cluster's behaviour, in `traffic.evaluate`
// answers and in the simulated flows (traffic-simulator.ts), which share this engine. The engine is
// rebuilt only when the inventory or the policies changed.
import {
  PolicyEngine,
  buildWorld,
  validateResource,
  type ConnectionVerdict,
  type DirectionVerdict,
  type PolicyResource,
  type WorldInput,
} from '@palisade/policy';
import { RequestError, type InventoryItems, type JsonObject } from '@palisade/protocol';
import { podName, templateHash } from './pod-names.js';

export interface TrafficQuery {
  /** `<namespace>/<workload>`. */
  readonly from: string;
  /** `<namespace>/<workload>`, or an IPv4 address outside the cluster. */
  readonly to: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP' | 'ICMP';
}

export interface DirectionResult extends JsonObject {
  readonly action: 'allow' | 'deny';
  /** Policy hits `index|tier|kind:[ns/]name|action|ruleIndex`. */
  readonly trace: string[];
}

export interface TrafficVerdict extends JsonObject {
  readonly action: 'allow' | 'deny';
  readonly egress: DirectionResult | null;
  readonly ingress: DirectionResult | null;
  /** With staged policies enforced; equal to `action` when there are none. */
  readonly pendingAction: 'allow' | 'deny';
}

export class TrafficEvaluator {
  #engine: PolicyEngine | undefined;
  #key = '';
  #skipped: string[] = [];

  /** Objects that could not take part in evaluation (invalid edits), with why. */
  skipped(): string[] {
    return this.#skipped;
  }

  evaluate(
    query: TrafficQuery,
    inventory: () => InventoryItems,
    policies: () => PolicyResource[],
    versions: string,
  ): TrafficVerdict {
    const engine = this.engine(inventory, policies, versions);
    const destination = query.to.includes('/')
      ? { endpoint: endpointOf(query.to, 'to', engine) }
      : { ip: query.to.split('/')[0] ?? query.to };
    const verdict: ConnectionVerdict = engine.evaluate({
      source: { endpoint: endpointOf(query.from, 'from', engine) },
      destination,
      protocol: query.protocol,
      ...(query.protocol === 'ICMP' ? {} : { port: query.port }),
    });
    return {
      action: verdict.action,
      egress: direction(verdict.egress),
      ingress: direction(verdict.ingress),
      pendingAction: verdict.pending?.action ?? verdict.action,
    };
  }

  /** The engine over the inventory and policies of `versions`, rebuilt only when they changed. */
  engine(inventory: () => InventoryItems, policies: () => PolicyResource[], versions: string): PolicyEngine {
    if (this.#engine === undefined || this.#key !== versions) {
      this.#engine = this.#build(inventory(), policies());
      this.#key = versions;
    }
    return this.#engine;
  }

  #build(inventory: InventoryItems, objects: PolicyResource[]): PolicyEngine {
    const resources: PolicyResource[] = [];
    const skipped: string[] = [];
    for (const object of objects) {
      const { resource, errors } = validateResource(object);
      if (resource === undefined || errors.length > 0) {
        skipped.push(`${object.kind} ${object.metadata.name}: ${errors[0]?.message ?? 'invalid'}`);
      } else {
        resources.push(resource);
      }
    }
    this.#skipped = skipped;
    const input: WorldInput = {
      namespaces: inventory.namespaces.map((n) => ({ name: n.name, labels: { ...n.labels } })),
      serviceAccounts: inventory.serviceAccounts.map((s) => ({
        namespace: s.namespace,
        name: s.name,
        labels: { ...s.labels },
      })),
      endpoints: inventory.endpoints.map((e) => ({
        namespace: e.namespace,
        name: e.name,
        labels: { ...e.labels },
        serviceAccount: e.serviceAccount,
        ips: [...e.ips],
        ports: e.ports.flatMap((p) =>
          p.name === null ? [] : [{ name: p.name, port: p.port, protocol: p.protocol }],
        ),
      })),
      resources,
    };
    return new PolicyEngine(buildWorld(input));
  }
}

/** The first pod of a workload, as the traffic matrix means it. */
function endpointOf(ref: string, field: string, engine: PolicyEngine): string {
  const [namespace, workload] = ref.split('/');
  if (namespace === undefined || workload === undefined || workload === '') {
    throw new RequestError('bad_request', `${field}: must be "<namespace>/<workload>"`);
  }
  const key = `${namespace}/${podName(workload, templateHash(namespace, workload), 0)}`;
  try {
    engine.endpoint(key, field);
  } catch {
    throw new RequestError('not_found', `${field}: ${ref} has no running pod in this cluster`);
  }
  return key;
}

function direction(verdict: DirectionVerdict | null): DirectionResult | null {
  return verdict === null ? null : { action: verdict.action, trace: [...verdict.trace] };
}
