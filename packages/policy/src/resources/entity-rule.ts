// Validation of a rule's source or destination (EntityRule, calico-semantics §2.4): address lists,
// selectors, service accounts, ports and Kubernetes services, including where services may appear
// and what they exclude. Facts needed by rule-level checks (address families, port kinds) are
// returned beside the parsed entity.

import type { EntityRule, Port, ServiceAccountMatch, ServiceMatch } from './types.js';
import type { Path } from './issues.js';
import { compact, type Reader } from './reader.js';
import { isMasked, parseCidr, type ParsedCidr } from './ip.js';
import { parsePort, type PortKind } from './ports.js';
import { readSelector } from './selector-fields.js';
import { checkName, NAME_RULES } from './names.js';
import type { RuleContext } from './rule-context.js';

export const MAX_NETS = 256;
export const MAX_PORTS = 50;

const ENTITY_FIELDS = [
  'nets',
  'notNets',
  'selector',
  'notSelector',
  'namespaceSelector',
  'serviceAccounts',
  'ports',
  'notPorts',
  'services',
];
const ENTITY_HINTS = {
  domains: 'domains is a Calico Enterprise extension and is not supported',
  notNamespaceSelector:
    'unknown field "notNamespaceSelector" (negate the namespaceSelector expression instead)',
};

export interface ParsedEntity {
  rule: EntityRule;
  nets: { cidr: ParsedCidr; path: Path }[];
  portKinds: { kind: PortKind; path: Path }[];
}

function readNets(
  r: Reader,
  value: unknown,
  path: Path,
  negated: boolean,
  out: ParsedEntity['nets'],
): string[] | undefined {
  return r.stringList(value, path, MAX_NETS, (text, p) => {
    const cidr = parseCidr(text);
    if (cidr === undefined) return r.fail(p, `"${text}" is not a valid IP address or CIDR`);
    if (!isMasked(cidr)) {
      return r.fail(
        p,
        `CIDR "${text}" has bits set after the prefix length; write the network address (for example ${maskedText(cidr)})`,
      );
    }
    if (negated && cidr.prefix === 0) {
      return r.fail(
        p,
        `notNets may not contain the catch-all "${text}"; a rule that excludes every address never matches`,
      );
    }
    out.push({ cidr, path: p });
    return undefined;
  });
}

function maskedText(cidr: ParsedCidr): string {
  const bytes = Uint8Array.from(cidr.bytes);
  for (let bit = cidr.prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(1 << (7 - (bit & 7)));
  if (cidr.version === 4) return `${bytes.join('.')}/${cidr.prefix}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${groups.join(':')}/${cidr.prefix}`;
}

function readPorts(
  r: Reader,
  value: unknown,
  path: Path,
  kinds: ParsedEntity['portKinds'],
): Port[] | undefined {
  return r.list(value, path, MAX_PORTS, (v, p) => {
    const parsed = parsePort(v);
    if (!parsed.ok) return r.fail(p, parsed.message);
    kinds.push({ kind: parsed.value.kind, path: p });
    return parsed.value.port;
  });
}

function readServiceAccounts(r: Reader, value: unknown, path: Path): ServiceAccountMatch | undefined {
  const raw = r.object(value, path, ['names', 'selector']);
  if (raw === undefined) return undefined;
  return compact<ServiceAccountMatch>({
    names: r.stringList(raw.names, [...path, 'names'], Infinity, (s, p) => {
      const problem = checkName(s, NAME_RULES.subdomain, 'service account name');
      if (problem) r.fail(p, problem);
    }),
    selector: readSelector(r, raw.selector, [...path, 'selector'], 'allowed'),
  });
}

function readServices(r: Reader, value: unknown, path: Path): ServiceMatch | undefined {
  const raw = r.object(value, path, ['name', 'namespace']);
  if (raw === undefined) return undefined;
  const name = r.requiredString(raw.name, [...path, 'name'], 'services.name');
  const namespace = r.string(raw.namespace, [...path, 'namespace']);
  if (namespace !== undefined && namespace !== '') {
    const problem = checkName(namespace, NAME_RULES.namespace, 'namespace');
    if (problem) r.fail([...path, 'namespace'], problem);
  }
  if (name === undefined) return undefined;
  return compact<ServiceMatch>({ name, namespace: namespace === '' ? undefined : namespace });
}

export function readEntity(
  r: Reader,
  value: unknown,
  path: Path,
  side: 'source' | 'destination',
  ctx: RuleContext,
): ParsedEntity | undefined {
  const raw = r.object(value, path, ENTITY_FIELDS, ENTITY_HINTS);
  if (raw === undefined) return undefined;
  const nets: ParsedEntity['nets'] = [];
  const portKinds: ParsedEntity['portKinds'] = [];
  const rule = compact<EntityRule>({
    nets: readNets(r, raw.nets, [...path, 'nets'], false, nets),
    notNets: readNets(r, raw.notNets, [...path, 'notNets'], true, nets),
    selector: readSelector(r, raw.selector, [...path, 'selector'], 'forbidden'),
    notSelector: readSelector(r, raw.notSelector, [...path, 'notSelector'], 'allowed'),
    namespaceSelector: readSelector(r, raw.namespaceSelector, [...path, 'namespaceSelector'], 'alone'),
    serviceAccounts: readServiceAccounts(r, raw.serviceAccounts, [...path, 'serviceAccounts']),
    ports: readPorts(r, raw.ports, [...path, 'ports'], portKinds),
    notPorts: readPorts(r, raw.notPorts, [...path, 'notPorts'], portKinds),
    services: readServices(r, raw.services, [...path, 'services']),
  });
  if (raw.services !== undefined && raw.services !== null) checkServices(r, raw, path, side, ctx, rule);
  return { rule, nets, portKinds };
}

const SERVICE_EXCLUSIVE = [
  'selector',
  'notSelector',
  'namespaceSelector',
  'nets',
  'notNets',
  'serviceAccounts',
] as const;

function checkServices(
  r: Reader,
  raw: Readonly<Record<string, unknown>>,
  path: Path,
  side: 'source' | 'destination',
  ctx: RuleContext,
  rule: EntityRule,
): void {
  const servicesPath = [...path, 'services'];
  const expected = ctx.direction === 'ingress' ? 'source' : 'destination';
  if (side !== expected) {
    r.fail(servicesPath, `services may only be used in the ${expected} of an ${ctx.direction} rule`);
  }
  for (const field of SERVICE_EXCLUSIVE) {
    if (raw[field] !== undefined && raw[field] !== null) {
      r.fail([...path, field], `${field} cannot be combined with services in the same ${side}`);
    }
  }
  if (side === 'destination') {
    for (const field of ['ports', 'notPorts'] as const) {
      if (raw[field] !== undefined && raw[field] !== null) {
        r.fail(
          [...path, field],
          `destination ${field} cannot be combined with destination services (the service defines the ports)`,
        );
      }
    }
  }
  if (ctx.global && rule.services !== undefined && rule.services.namespace === undefined) {
    r.fail([...servicesPath, 'namespace'], 'services.namespace is required in a global policy');
  }
}
