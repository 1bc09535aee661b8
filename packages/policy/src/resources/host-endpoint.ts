// HostEndpoint spec (§2.7): a host interface (or all of them, "*") with the IPs rule selectors
// resolve to, its profiles and named ports.

import type { HostEndpointPort, HostEndpointSpec } from './types.js';
import type { Path } from './issues.js';
import { compact, type Reader } from './reader.js';
import { checkName, isPortName, NAME_RULES } from './names.js';
import { parseIp } from './ip.js';

const INTERFACE_RE = /^(?:\*|[a-zA-Z0-9_.-]{1,15})$/;

function readPort(r: Reader, value: unknown, path: Path): HostEndpointPort | undefined {
  const raw = r.object(value, path, ['name', 'protocol', 'port']);
  if (raw === undefined) return r.fail(path, 'a host endpoint port needs name, protocol and port');
  const name = r.requiredString(raw.name, [...path, 'name'], 'port name');
  if (name !== undefined && !isPortName(name)) {
    r.fail(
      [...path, 'name'],
      `"${name}" is not a valid port name: use at most 15 lowercase letters, digits and single "-", with at least one letter`,
    );
  }
  if (raw.protocol === undefined || raw.protocol === null)
    r.fail([...path, 'protocol'], 'protocol is required (TCP, UDP or SCTP)');
  const protocol = r.oneOf(raw.protocol, [...path, 'protocol'], ['TCP', 'UDP', 'SCTP'] as const);
  if (raw.port === undefined || raw.port === null) r.fail([...path, 'port'], 'port is required');
  const port = r.integer(raw.port, [...path, 'port'], 1, 65535);
  if (name === undefined || protocol === undefined || port === undefined) return undefined;
  return { name, protocol, port };
}

export function readHostEndpointSpec(r: Reader, value: unknown): HostEndpointSpec | undefined {
  const path: Path = ['spec'];
  if (value === undefined || value === null) return r.fail(path, 'spec is required (at least spec.node)');
  const raw = r.object(value, path, ['node', 'interfaceName', 'expectedIPs', 'profiles', 'ports']);
  if (raw === undefined) return undefined;
  const node = r.requiredString(raw.node, [...path, 'node'], 'spec.node');
  if (node !== undefined) {
    const problem = checkName(node, NAME_RULES.subdomain, 'node name');
    if (problem) r.fail([...path, 'node'], problem);
  }
  const interfaceName = r.string(raw.interfaceName, [...path, 'interfaceName']) || undefined;
  if (interfaceName !== undefined && !INTERFACE_RE.test(interfaceName)) {
    r.fail(
      [...path, 'interfaceName'],
      'interfaceName must be "*" or at most 15 letters, digits, "_", "." or "-"',
    );
  }
  const expectedIPs = r.stringList(raw.expectedIPs, [...path, 'expectedIPs'], Infinity, (s, p) => {
    if (parseIp(s) === undefined) r.fail(p, `"${s}" is not a valid IP address`);
  });
  if (interfaceName === undefined && (expectedIPs === undefined || expectedIPs.length === 0)) {
    r.fail([...path, 'expectedIPs'], 'a host endpoint without interfaceName must list its expectedIPs');
  }
  const profiles = r.stringList(raw.profiles, [...path, 'profiles'], Infinity, (s, p) => {
    const problem = checkName(s, NAME_RULES.subdomain, 'profile name');
    if (problem) r.fail(p, problem);
  });
  const ports = r.list(raw.ports, [...path, 'ports'], Infinity, (v, p) => readPort(r, v, p));
  if (node === undefined) return undefined;
  return compact<HostEndpointSpec>({ node, interfaceName, expectedIPs, profiles, ports });
}
