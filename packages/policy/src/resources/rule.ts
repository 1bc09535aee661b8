// Validation of Calico rules and entity rules: the whole matrix of calico-semantics §2.4. Checks
// that span fields (ports vs protocol, nets vs ipVersion, services placement, http) run after the
// fields themselves parsed, so one mistake yields one message.

import type {
  EntityRule,
  HttpMatch,
  HttpPathMatch,
  IcmpFields,
  Port,
  Protocol,
  Rule,
  ServiceAccountMatch,
  ServiceMatch,
} from './types.js';
import type { Path } from './issues.js';
import { compact, type Reader } from './reader.js';
import { isMasked, parseCidr, type ParsedCidr } from './ip.js';
import { parsePort, parseProtocol, protocolHasPorts, protocolNumber, type PortKind } from './ports.js';
import { readSelector } from './selector-fields.js';
import { checkName, NAME_RULES } from './names.js';

export const MAX_NETS = 256;
export const MAX_PORTS = 50;
export const MAX_HTTP_MATCHES = 20;

export type Direction = 'ingress' | 'egress';

export interface RuleContext {
  direction: Direction;
  /** Global policies must name the namespace of a service. */
  global: boolean;
}

const RULE_FIELDS = [
  'action',
  'ipVersion',
  'protocol',
  'notProtocol',
  'icmp',
  'notICMP',
  'source',
  'destination',
  'http',
  'metadata',
];
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

interface ParsedEntity {
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

function readEntity(
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

function readIcmp(r: Reader, value: unknown, path: Path): IcmpFields | undefined {
  const raw = r.object(value, path, ['type', 'code']);
  if (raw === undefined) return undefined;
  const icmp = compact<IcmpFields>({
    type: r.integer(raw.type, [...path, 'type'], 0, 254),
    code: r.integer(raw.code, [...path, 'code'], 0, 255),
  });
  if (raw.code !== undefined && raw.code !== null && (raw.type === undefined || raw.type === null)) {
    r.fail([...path, 'code'], 'an ICMP code requires an ICMP type');
  }
  return icmp;
}

const HTTP_PATH_FORBIDDEN = /[?# ]/;

function readHttpPath(r: Reader, value: unknown, path: Path): HttpPathMatch | undefined {
  const raw = r.object(value, path, ['exact', 'prefix']);
  if (raw === undefined) return r.fail(path, 'an HTTP path match must set exact or prefix');
  const match = compact<HttpPathMatch>({
    exact: r.string(raw.exact, [...path, 'exact']),
    prefix: r.string(raw.prefix, [...path, 'prefix']),
  });
  const set = (['exact', 'prefix'] as const).filter((k) => match[k] !== undefined);
  if (set.length !== 1) return r.fail(path, 'an HTTP path match must set exactly one of exact or prefix');
  const key = set[0]!;
  const text = match[key]!;
  if (!text.startsWith('/')) r.fail([...path, key], `HTTP path "${text}" must start with "/"`);
  if (HTTP_PATH_FORBIDDEN.test(text))
    r.fail([...path, key], `HTTP path "${text}" may not contain "?", "#" or spaces`);
  return match;
}

function readHttp(r: Reader, value: unknown, path: Path): HttpMatch | undefined {
  const raw = r.object(value, path, ['methods', 'paths']);
  if (raw === undefined) return undefined;
  const methods = r.stringList(raw.methods, [...path, 'methods'], MAX_HTTP_MATCHES);
  r.uniqueStrings(methods, [...path, 'methods'], 'HTTP method');
  return compact<HttpMatch>({
    methods,
    paths: r.list(raw.paths, [...path, 'paths'], MAX_HTTP_MATCHES, (v, p) => readHttpPath(r, v, p)),
  });
}

function readProtocol(r: Reader, value: unknown, path: Path): Protocol | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = parseProtocol(value);
  return parsed.ok ? parsed.value : r.fail(path, parsed.message);
}

function readAnnotations(r: Reader, value: unknown, path: Path): Rule['metadata'] {
  const raw = r.object(value, path, ['annotations']);
  if (raw === undefined) return undefined;
  return compact<NonNullable<Rule['metadata']>>({
    annotations: r.stringMap(raw.annotations, [...path, 'annotations']),
  });
}

export function readRule(r: Reader, value: unknown, path: Path, ctx: RuleContext): Rule | undefined {
  if (value === undefined || value === null)
    return r.fail(path, 'a rule must be an object with at least an action');
  const raw = r.object(value, path, RULE_FIELDS);
  if (raw === undefined) return undefined;
  const start = r.sink.count;
  const action = r.oneOf(raw.action, [...path, 'action'], ['Allow', 'Deny', 'Log', 'Pass'] as const);
  if (raw.action === undefined || raw.action === null)
    r.fail([...path, 'action'], 'action is required (Allow, Deny, Log or Pass)');
  let ipVersion: 4 | 6 | undefined;
  if (raw.ipVersion !== undefined && raw.ipVersion !== null) {
    if (raw.ipVersion === 4 || raw.ipVersion === 6) ipVersion = raw.ipVersion;
    else r.fail([...path, 'ipVersion'], 'ipVersion must be 4 or 6');
  }
  const protocol = readProtocol(r, raw.protocol, [...path, 'protocol']);
  const notProtocol = readProtocol(r, raw.notProtocol, [...path, 'notProtocol']);
  const icmp = readIcmp(r, raw.icmp, [...path, 'icmp']);
  const notICMP = readIcmp(r, raw.notICMP, [...path, 'notICMP']);
  const source = readEntity(r, raw.source, [...path, 'source'], 'source', ctx);
  const destination = readEntity(r, raw.destination, [...path, 'destination'], 'destination', ctx);
  const http = readHttp(r, raw.http, [...path, 'http']);
  const metadata = readAnnotations(r, raw.metadata, [...path, 'metadata']);

  const rule = compact<Rule>({
    action,
    ipVersion,
    protocol,
    notProtocol,
    icmp,
    notICMP,
    source: source?.rule,
    destination: destination?.rule,
    http,
    metadata,
  });
  const protocolInvalid = protocol === undefined && raw.protocol !== undefined && raw.protocol !== null;
  if (!protocolInvalid) checkPortsNeedProtocol(r, protocol, [source, destination]);
  checkIcmp(r, raw, path, rule);
  checkNetVersions(r, path, ipVersion, [source, destination]);
  if (raw.http !== undefined && raw.http !== null) checkHttp(r, path, rule, ctx);
  return r.sink.count === start && action !== undefined ? rule : undefined;
}

function checkPortsNeedProtocol(
  r: Reader,
  protocol: Protocol | undefined,
  entities: (ParsedEntity | undefined)[],
): void {
  for (const entity of entities) {
    for (const { kind, path: portPath } of entity?.portKinds ?? []) {
      if (protocol !== undefined && protocolHasPorts(protocol)) continue;
      if (kind === 'numeric') {
        r.fail(portPath, 'numeric ports require protocol TCP, UDP or SCTP');
      } else if (protocol !== undefined) {
        r.fail(
          portPath,
          `named ports cannot be used with protocol ${protocol}; use TCP, UDP or SCTP or leave the protocol unset`,
        );
      }
    }
  }
}

function checkIcmp(r: Reader, raw: Readonly<Record<string, unknown>>, path: Path, rule: Rule): void {
  for (const field of ['icmp', 'notICMP'] as const) {
    if (raw[field] === undefined || raw[field] === null) continue;
    const n = rule.protocol === undefined ? undefined : protocolNumber(rule.protocol);
    if (n !== 1 && n !== 58) r.fail([...path, field], `${field} requires protocol ICMP or ICMPv6`);
  }
  for (const field of ['protocol', 'notProtocol'] as const) {
    const p = rule[field];
    if (p === undefined || rule.ipVersion === undefined) continue;
    const n = protocolNumber(p);
    if (n === 1 && rule.ipVersion !== 4)
      r.fail([...path, 'ipVersion'], `${field} ICMP requires ipVersion 4 (or no ipVersion)`);
    if (n === 58 && rule.ipVersion !== 6)
      r.fail([...path, 'ipVersion'], `${field} ICMPv6 requires ipVersion 6 (or no ipVersion)`);
  }
}

function checkNetVersions(
  r: Reader,
  path: Path,
  ipVersion: 4 | 6 | undefined,
  entities: (ParsedEntity | undefined)[],
): void {
  const nets = entities.flatMap((e) => e?.nets ?? []);
  if (ipVersion !== undefined) {
    for (const { cidr, path: p } of nets) {
      if (cidr.version !== ipVersion)
        r.fail(p, `IPv${cidr.version} address in a rule with ipVersion ${ipVersion}`);
    }
    return;
  }
  const first = nets[0];
  const other = nets.find((n) => n.cidr.version !== first?.cidr.version);
  if (first !== undefined && other !== undefined) {
    r.fail(other.path, 'a rule cannot mix IPv4 and IPv6 addresses; split it into one rule per IP version');
  }
}

function checkHttp(r: Reader, path: Path, rule: Rule, ctx: RuleContext): void {
  const httpPath = [...path, 'http'];
  if (ctx.direction === 'egress') r.fail(httpPath, 'http matches are only supported on ingress rules');
  if (rule.action !== undefined && rule.action !== 'Allow')
    r.fail(httpPath, 'http matches are only allowed on Allow rules');
  if (rule.protocol !== undefined && protocolNumber(rule.protocol) !== 6) {
    r.fail(httpPath, 'http matches require protocol TCP (or no protocol)');
  }
}
