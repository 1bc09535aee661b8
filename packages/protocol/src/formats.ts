// The string formats the tunnel accepts: Kubernetes names and labels, IP addresses, identifiers,
// secrets, version strings. Each has a hard maximum length, checked before its pattern, so no
// pattern ever runs on a long attacker-chosen string.

export interface Format {
  readonly description: string;
  readonly maxLength: number;
  test(value: string): boolean;
}

function pattern(description: string, maxLength: number, regex: RegExp): Format {
  return Object.freeze({ description, maxLength, test: (value: string) => regex.test(value) });
}

const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET_RE = /^[0-9A-Fa-f]{1,4}$/;

/** RFC 1123 label: namespaces, services, port names' outer bound. */
export const DNS_LABEL = pattern('a DNS-1123 label (lowercase alphanumerics and "-")', 63, DNS_LABEL_RE);

/** RFC 1123 subdomain: pods, service accounts, nodes, policies. */
export const DNS_SUBDOMAIN = pattern(
  'a DNS-1123 subdomain (lowercase alphanumerics, "-" and ".")',
  253,
  DNS_SUBDOMAIN_RE,
);

export const LABEL_KEY: Format = Object.freeze({
  description: 'a label key ([prefix/]name, name at most 63 characters)',
  maxLength: 253 + 1 + 63,
  test(value: string): boolean {
    const slash = value.indexOf('/');
    const name = slash === -1 ? value : value.slice(slash + 1);
    if (name.length > 63 || !QUALIFIED_NAME_RE.test(name)) return false;
    if (slash === -1) return true;
    const prefix = value.slice(0, slash);
    return prefix.length <= 253 && DNS_SUBDOMAIN_RE.test(prefix);
  },
});

export const LABEL_VALUE: Format = Object.freeze({
  description: 'a label value (at most 63 alphanumerics, "-", "_" and ".", or empty)',
  maxLength: 63,
  test: (value: string) => value === '' || QUALIFIED_NAME_RE.test(value),
});

/** IANA service name, as Kubernetes port names. */
export const PORT_NAME = pattern(
  'a port name (at most 15 lowercase alphanumerics and "-")',
  15,
  DNS_LABEL_RE,
);

export const IP_ADDRESS: Format = Object.freeze({
  description: 'an IPv4 or IPv6 address',
  maxLength: 45,
  test: (value: string) => (value.includes(':') ? isIpv6(value) : IPV4_RE.test(value)),
});

function isIpv6(value: string): boolean {
  let text = value;
  const lastColon = value.lastIndexOf(':');
  if (value.includes('.', lastColon)) {
    if (!IPV4_RE.test(value.slice(lastColon + 1))) return false;
    text = `${value.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves[1] ? halves[1].split(':') : [];
  if (!head.every((h) => HEXTET_RE.test(h)) || !tail.every((h) => HEXTET_RE.test(h))) return false;
  const groups = head.length + tail.length;
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

/** Ids minted by either side: cluster, session, instance, rotation and request ids. */
export const IDENTIFIER = pattern(
  'an identifier (1 to 128 of A-Z a-z 0-9 "." "_" ":" "-", starting alphanumeric)',
  128,
  /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
);

/** Credentials and enrollment tokens: opaque, printable ASCII, no spaces. */
export const SECRET = pattern('a token of 16 to 512 printable ASCII characters', 512, /^[\x21-\x7e]{16,}$/);

/** Agent, Kubernetes and Calico versions as reported, e.g. `v1.30.4-eks-a737599`. */
export const VERSION_STRING = pattern(
  'a version string (at most 64 of A-Z a-z 0-9 "." "+" "_" "-")',
  64,
  /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/,
);

/** Request methods: dotted lowerCamel words, e.g. `agent.health`. */
export const METHOD_NAME = pattern(
  'a method name (dotted words, e.g. "agent.health")',
  128,
  /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/,
);

export const API_VERSION = pattern(
  'an apiVersion such as "projectcalico.org/v3" or "v1"',
  253 + 1 + 32,
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/,
);

export const KIND = pattern('a kind (UpperCamelCase, at most 63 characters)', 63, /^[A-Z][A-Za-z0-9]*$/);
