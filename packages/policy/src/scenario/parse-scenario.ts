// Turns a parsed scenario document (plain data from YAML or JSON) into a Scenario, or throws a
// ScenarioError naming the first bad field. Resources go through the package's resource
// validator, so a scenario accepts exactly what the API would.

import type { Peer, Verdict } from '../engine/connection.js';
import type { Protocol } from '../resources/types.js';
import type { NamedPortInput, ServiceInput, WorkloadInput } from '../engine/world-input.js';
import {
  integer,
  isObject,
  labels,
  list,
  object,
  optionalInteger,
  optionalString,
  string,
  stringList,
} from './fields.js';
import { scenarioResource } from './resource-input.js';
import {
  ScenarioError,
  type DirectionExpectation,
  type FlowExpectation,
  type Scenario,
  type ScenarioFlow,
} from './scenario.js';

const PORT_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

function portProtocol(v: unknown, path: string): 'TCP' | 'UDP' | 'SCTP' | undefined {
  if (v === undefined || v === null) return undefined;
  if (!PORT_PROTOCOLS.includes(v as 'TCP')) throw new ScenarioError(path, 'must be TCP, UDP or SCTP');
  return v as 'TCP' | 'UDP' | 'SCTP';
}

function namedPort(v: unknown, path: string): NamedPortInput {
  const o = object(v, path, ['name', 'port', 'protocol']);
  const out: NamedPortInput = {
    name: string(o.name, `${path}.name`),
    port: integer(o.port, `${path}.port`, 1, 65535),
  };
  const protocol = portProtocol(o.protocol, `${path}.protocol`);
  if (protocol) out.protocol = protocol;
  return out;
}

function workload(v: unknown, path: string): WorkloadInput {
  const o = object(v, path, ['namespace', 'name', 'labels', 'serviceAccount', 'ips', 'ports']);
  const out: WorkloadInput = {
    namespace: string(o.namespace, `${path}.namespace`),
    name: string(o.name, `${path}.name`),
    ips: stringList(o.ips, `${path}.ips`),
    ports: list(o.ports, `${path}.ports`).map((p, i) => namedPort(p, `${path}.ports[${i}]`)),
  };
  const l = labels(o.labels, `${path}.labels`);
  if (l) out.labels = l;
  const sa = optionalString(o.serviceAccount, `${path}.serviceAccount`);
  if (sa) out.serviceAccount = sa;
  return out;
}

function service(v: unknown, path: string): ServiceInput {
  const o = object(v, path, ['namespace', 'name', 'endpoints']);
  return {
    namespace: string(o.namespace, `${path}.namespace`),
    name: string(o.name, `${path}.name`),
    endpoints: list(o.endpoints, `${path}.endpoints`).map((e, i) => {
      const p = `${path}.endpoints[${i}]`;
      const eo = object(e, p, ['ip', 'port', 'protocol']);
      const protocol = portProtocol(eo.protocol, `${p}.protocol`);
      return {
        ip: string(eo.ip, `${p}.ip`),
        port: integer(eo.port, `${p}.port`, 1, 65535),
        ...(protocol ? { protocol } : {}),
      };
    }),
  };
}

function peer(v: unknown, path: string): Peer {
  const o = object(v, path, ['endpoint', 'ip', 'hostEndpoint']);
  const endpoint =
    optionalString(o.endpoint, `${path}.endpoint`) ?? optionalString(o.hostEndpoint, `${path}.hostEndpoint`);
  const ip = optionalString(o.ip, `${path}.ip`);
  if (endpoint === undefined && ip === undefined) throw new ScenarioError(path, 'needs an endpoint or an ip');
  return { ...(endpoint !== undefined ? { endpoint } : {}), ...(ip !== undefined ? { ip } : {}) };
}

function protocol(v: unknown, path: string): Protocol {
  if (typeof v === 'number') return integer(v, path, 1, 255);
  if (typeof v === 'string' && ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite'].includes(v))
    return v as Protocol;
  if (typeof v === 'string' && /^[0-9]{1,3}$/.test(v)) return integer(Number(v), path, 1, 255);
  throw new ScenarioError(path, 'must be TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or a number from 1 to 255');
}

function verdict(v: unknown, path: string): Verdict | undefined {
  if (v === undefined || v === null) return undefined;
  if (v !== 'allow' && v !== 'deny') throw new ScenarioError(path, 'must be allow or deny');
  return v;
}

function direction(v: unknown, path: string): DirectionExpectation | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, path, ['action', 'trace']);
  const out: DirectionExpectation = {};
  const action = verdict(o.action, `${path}.action`);
  if (action) out.action = action;
  if (o.trace !== undefined) out.trace = stringList(o.trace, `${path}.trace`);
  return out;
}

function expectation(v: unknown, path: string): FlowExpectation | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, path, ['action', 'egress', 'ingress', 'pending']);
  const out: FlowExpectation = {};
  const action = verdict(o.action, `${path}.action`);
  if (action) out.action = action;
  const egress = direction(o.egress, `${path}.egress`);
  if (egress) out.egress = egress;
  const ingress = direction(o.ingress, `${path}.ingress`);
  if (ingress) out.ingress = ingress;
  if (o.pending !== undefined && o.pending !== null) {
    const p = object(o.pending, `${path}.pending`, ['action', 'egress', 'ingress']);
    const pending: NonNullable<FlowExpectation['pending']> = {};
    const pa = verdict(p.action, `${path}.pending.action`);
    if (pa) pending.action = pa;
    const pe = direction(p.egress, `${path}.pending.egress`);
    if (pe) pending.egress = pe;
    const pi = direction(p.ingress, `${path}.pending.ingress`);
    if (pi) pending.ingress = pi;
    out.pending = pending;
  }
  return out;
}

function flow(v: unknown, path: string, seen: Set<string>): ScenarioFlow {
  const o = object(v, path, [
    'id',
    'source',
    'destination',
    'protocol',
    'port',
    'sourcePort',
    'icmpType',
    'icmpCode',
    'expect',
  ]);
  const id = string(o.id, `${path}.id`);
  if (seen.has(id)) throw new ScenarioError(`${path}.id`, `duplicate flow id "${id}"`);
  seen.add(id);
  const port = optionalInteger(o.port, `${path}.port`, 0, 65535);
  const sourcePort = optionalInteger(o.sourcePort, `${path}.sourcePort`, 0, 65535);
  const icmpType = optionalInteger(o.icmpType, `${path}.icmpType`, 0, 255);
  const icmpCode = optionalInteger(o.icmpCode, `${path}.icmpCode`, 0, 255);
  return {
    id,
    connection: {
      source: peer(o.source, `${path}.source`),
      destination: peer(o.destination, `${path}.destination`),
      protocol: protocol(o.protocol, `${path}.protocol`),
      ...(port !== undefined ? { port } : {}),
      ...(sourcePort !== undefined ? { sourcePort } : {}),
      ...(icmpType !== undefined ? { icmpType } : {}),
      ...(icmpCode !== undefined ? { icmpCode } : {}),
    },
    expect: expectation(o.expect, `${path}.expect`),
  };
}

function uniqueEndpoints(endpoints: WorkloadInput[]): WorkloadInput[] {
  const seen = new Set<string>();
  endpoints.forEach((e, i) => {
    const key = `${e.namespace}/${e.name}`;
    if (seen.has(key)) throw new ScenarioError(`endpoints[${i}].name`, `duplicate endpoint "${key}"`);
    seen.add(key);
  });
  return endpoints;
}

export function parseScenario(doc: unknown): Scenario {
  if (!isObject(doc)) throw new ScenarioError('', 'a scenario must be a YAML mapping');
  const o = object(doc, '', [
    'name',
    'description',
    'namespaces',
    'endpoints',
    'serviceAccounts',
    'services',
    'resources',
    'flows',
  ]);
  const seen = new Set<string>();
  return {
    name: string(o.name, 'name'),
    world: {
      namespaces: list(o.namespaces, 'namespaces').map((n, i) => {
        const p = `namespaces[${i}]`;
        const no = object(n, p, ['name', 'labels']);
        const l = labels(no.labels, `${p}.labels`);
        return { name: string(no.name, `${p}.name`), ...(l ? { labels: l } : {}) };
      }),
      endpoints: uniqueEndpoints(
        list(o.endpoints, 'endpoints').map((e, i) => workload(e, `endpoints[${i}]`)),
      ),
      serviceAccounts: list(o.serviceAccounts, 'serviceAccounts').map((s, i) => {
        const p = `serviceAccounts[${i}]`;
        const so = object(s, p, ['namespace', 'name', 'labels']);
        const l = labels(so.labels, `${p}.labels`);
        return {
          namespace: string(so.namespace, `${p}.namespace`),
          name: string(so.name, `${p}.name`),
          ...(l ? { labels: l } : {}),
        };
      }),
      services: list(o.services, 'services').map((s, i) => service(s, `services[${i}]`)),
      resources: list(o.resources, 'resources').map((r, i) => scenarioResource(r, `resources[${i}]`)),
    },
    flows: list(o.flows, 'flows').map((f, i) => flow(f, `flows[${i}]`, seen)),
  };
}
