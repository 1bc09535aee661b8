// The rule validation matrix of calico-semantics §2.4: for each rule one accepted and at least one
// rejected example, asserting the path and the message of the error.

import { describe, expect, it } from 'vitest';
import { validateResource } from '../src/resources/index.js';
import { egressRule, errorsOf, gnp, ingressRule, np, type Raw } from './resources-builders.js';

type Row = [name: string, doc: Raw, path: string, message: RegExp];

function expectRejected(doc: Raw, path: string, message: RegExp): void {
  const errors = errorsOf(doc);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.path).toBe(path);
  expect(errors[0]!.message).toMatch(message);
}

const R = 'spec.ingress[0]';
const E = 'spec.egress[0]';

describe('rule basics', () => {
  it.each<[string, Raw]>([
    ['every action', np({ ingress: ['Allow', 'Deny', 'Log', 'Pass'].map((action) => ({ action })) })],
    [
      'ipVersion 4 and 6',
      np({
        ingress: [
          { action: 'Allow', ipVersion: 4 },
          { action: 'Allow', ipVersion: 6 },
        ],
      }),
    ],
    [
      'named protocols',
      np({
        ingress: ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite'].map((protocol) => ({
          action: 'Allow',
          protocol,
        })),
      }),
    ],
    [
      'numeric protocols 1..255',
      np({ ingress: [1, 255, '17'].map((protocol) => ({ action: 'Allow', protocol })) }),
    ],
    ['notProtocol', ingressRule({ action: 'Allow', notProtocol: 'UDP' })],
    [
      'rule metadata annotations',
      ingressRule({ action: 'Allow', metadata: { annotations: { owner: 'netops' } } }),
    ],
  ])('accepts %s', (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each<Row>([
    ['missing action', ingressRule({ protocol: 'TCP' }), `${R}.action`, /^action is required/],
    [
      'unknown action',
      ingressRule({ action: 'allow' }),
      `${R}.action`,
      /must be one of Allow, Deny, Log, Pass \(case-sensitive\)/,
    ],
    [
      'ipVersion 5',
      ingressRule({ action: 'Allow', ipVersion: 5 }),
      `${R}.ipVersion`,
      /^ipVersion must be 4 or 6$/,
    ],
    [
      'lowercase protocol',
      ingressRule({ action: 'Allow', protocol: 'tcp' }),
      `${R}.protocol`,
      /case-sensitive: write "TCP", not "tcp"/,
    ],
    ['protocol 0', ingressRule({ action: 'Allow', protocol: 0 }), `${R}.protocol`, /number from 1 to 255/],
    [
      'protocol 256',
      ingressRule({ action: 'Allow', protocol: '256' }),
      `${R}.protocol`,
      /number from 1 to 255/,
    ],
    [
      'unknown protocol name',
      ingressRule({ action: 'Allow', notProtocol: 'GRE' }),
      `${R}.notProtocol`,
      /protocol must be one of TCP/,
    ],
    ['unknown rule field', ingressRule({ action: 'Allow', port: 80 }), `${R}.port`, /^unknown field "port"$/],
    ['rule not an object', np({ ingress: ['Allow'] }), `${R}`, /must be an object/],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('ports need a protocol', () => {
  it.each<[string, Raw]>([
    [
      'numeric port with TCP',
      ingressRule({ action: 'Allow', protocol: 'TCP', destination: { ports: [80, '8000:8080'] } }),
    ],
    [
      'numeric port with UDP by number',
      ingressRule({ action: 'Allow', protocol: 17, source: { ports: [53] } }),
    ],
    [
      'numeric port with SCTP',
      ingressRule({ action: 'Allow', protocol: 'SCTP', destination: { notPorts: [9] } }),
    ],
    ['named port without protocol', ingressRule({ action: 'Allow', destination: { ports: ['http'] } })],
    [
      'named port with TCP',
      ingressRule({ action: 'Allow', protocol: 'TCP', destination: { ports: ['http-alt'] } }),
    ],
    [
      'numeric string port',
      ingressRule({ action: 'Allow', protocol: 'TCP', destination: { ports: ['443'] } }),
    ],
    [
      '50 ports',
      ingressRule({
        action: 'Allow',
        protocol: 'TCP',
        destination: { ports: Array.from({ length: 50 }, (_, i) => i + 1) },
      }),
    ],
  ])('accepts %s', (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each<Row>([
    [
      'numeric port without protocol',
      ingressRule({ action: 'Allow', destination: { ports: [80] } }),
      `${R}.destination.ports[0]`,
      /^numeric ports require protocol TCP, UDP or SCTP$/,
    ],
    [
      'range without protocol',
      ingressRule({ action: 'Allow', source: { notPorts: ['1:1023'] } }),
      `${R}.source.notPorts[0]`,
      /^numeric ports require protocol TCP, UDP or SCTP$/,
    ],
    [
      'named port with ICMP',
      ingressRule({ action: 'Allow', protocol: 'ICMP', destination: { ports: ['http'] } }),
      `${R}.destination.ports[0]`,
      /named ports cannot be used with protocol ICMP/,
    ],
    [
      'numeric port with UDPLite',
      ingressRule({ action: 'Allow', protocol: 'UDPLite', destination: { ports: [80] } }),
      `${R}.destination.ports[0]`,
      /numeric ports require protocol/,
    ],
    [
      'port 0',
      ingressRule({ action: 'Allow', protocol: 'TCP', destination: { ports: [0] } }),
      `${R}.destination.ports[0]`,
      /port 0 is out of range/,
    ],
    [
      'port 65536',
      ingressRule({ action: 'Allow', protocol: 'TCP', destination: { ports: ['65536'] } }),
      `${R}.destination.ports[0]`,
      /out of range/,
    ],
    [
      'reversed range',
      ingressRule({ action: 'Allow', protocol: 'TCP', destination: { ports: ['90:80'] } }),
      `${R}.destination.ports[0]`,
      /starts after it ends/,
    ],
    [
      'range with port 0',
      ingressRule({ action: 'Allow', protocol: 'TCP', destination: { ports: ['0:80'] } }),
      `${R}.destination.ports[0]`,
      /is not valid/,
    ],
    [
      'uppercase port name',
      ingressRule({ action: 'Allow', destination: { ports: ['HTTP'] } }),
      `${R}.destination.ports[0]`,
      /not a valid port name/,
    ],
    [
      '16-char port name',
      ingressRule({ action: 'Allow', destination: { ports: ['abcdefghijklmnop'] } }),
      `${R}.destination.ports[0]`,
      /not a valid port name/,
    ],
    [
      '51 ports',
      ingressRule({
        action: 'Allow',
        protocol: 'TCP',
        destination: { ports: Array.from({ length: 51 }, (_, i) => i + 1) },
      }),
      `${R}.destination.ports`,
      /at most 50 entries \(has 51\)/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));

  it('does not pile port or icmp errors onto an invalid protocol', () => {
    const doc = ingressRule({
      action: 'Allow',
      protocol: 'icmp',
      icmp: { type: 8 },
      destination: { ports: [80] },
    });
    expect(errorsOf(doc).map((e) => e.path)).toEqual([`${R}.protocol`]);
  });

  it('stores a single-port range and numeric strings as numbers', () => {
    const doc = ingressRule({
      action: 'Allow',
      protocol: '6',
      destination: { ports: ['80:80', '443', '1:2'] },
    });
    expect(validateResource(doc).resource?.spec).toMatchObject({
      ingress: [{ protocol: 6, destination: { ports: [80, 443, '1:2'] } }],
    });
  });
});

describe('icmp', () => {
  it.each<[string, Raw]>([
    ['icmp with ICMP', ingressRule({ action: 'Allow', protocol: 'ICMP', icmp: { type: 8, code: 0 } })],
    ['notICMP with ICMPv6 number', ingressRule({ action: 'Allow', protocol: 58, notICMP: { type: 128 } })],
    ['ICMP with ipVersion 4', ingressRule({ action: 'Allow', protocol: 'ICMP', ipVersion: 4 })],
    ['ICMPv6 with ipVersion 6', ingressRule({ action: 'Allow', notProtocol: 'ICMPv6', ipVersion: 6 })],
    ['type 254 code 255', ingressRule({ action: 'Allow', protocol: 'ICMP', icmp: { type: 254, code: 255 } })],
  ])('accepts %s', (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each<Row>([
    [
      'icmp without protocol',
      ingressRule({ action: 'Allow', icmp: { type: 8 } }),
      `${R}.icmp`,
      /^icmp requires protocol ICMP or ICMPv6$/,
    ],
    [
      'notICMP with TCP',
      ingressRule({ action: 'Allow', protocol: 'TCP', notICMP: { type: 8 } }),
      `${R}.notICMP`,
      /^notICMP requires protocol ICMP or ICMPv6$/,
    ],
    [
      'code without type',
      ingressRule({ action: 'Allow', protocol: 'ICMP', icmp: { code: 0 } }),
      `${R}.icmp.code`,
      /^an ICMP code requires an ICMP type$/,
    ],
    [
      'type 255',
      ingressRule({ action: 'Allow', protocol: 'ICMP', icmp: { type: 255 } }),
      `${R}.icmp.type`,
      /from 0 to 254/,
    ],
    [
      'code 256',
      ingressRule({ action: 'Allow', protocol: 'ICMP', icmp: { type: 3, code: 256 } }),
      `${R}.icmp.code`,
      /from 0 to 255/,
    ],
    [
      'ICMP with ipVersion 6',
      ingressRule({ action: 'Allow', protocol: 'ICMP', ipVersion: 6 }),
      `${R}.ipVersion`,
      /^protocol ICMP requires ipVersion 4/,
    ],
    [
      'notProtocol ICMP with ipVersion 6',
      ingressRule({ action: 'Allow', notProtocol: 1, ipVersion: 6 }),
      `${R}.ipVersion`,
      /^notProtocol ICMP requires ipVersion 4/,
    ],
    [
      'ICMPv6 with ipVersion 4',
      ingressRule({ action: 'Allow', protocol: 'ICMPv6', ipVersion: 4 }),
      `${R}.ipVersion`,
      /^protocol ICMPv6 requires ipVersion 6/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('nets', () => {
  it.each<[string, Raw]>([
    [
      'masked CIDRs and bare IPs',
      ingressRule({
        action: 'Allow',
        source: { nets: ['10.0.0.0/8', '192.168.1.7'], notNets: ['10.1.0.0/16'] },
      }),
    ],
    [
      'IPv6 with ipVersion 6',
      ingressRule({ action: 'Allow', ipVersion: 6, destination: { nets: ['2001:db8::/32', '::1'] } }),
    ],
    ['0.0.0.0/0 in nets', ingressRule({ action: 'Allow', source: { nets: ['0.0.0.0/0'] } })],
    [
      '256 nets',
      ingressRule({
        action: 'Allow',
        source: { nets: Array.from({ length: 256 }, (_, i) => `10.0.${i}.0/24`) },
      }),
    ],
  ])('accepts %s', (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each<Row>([
    [
      'unmasked CIDR',
      ingressRule({ action: 'Allow', source: { nets: ['10.0.0.1/8'] } }),
      `${R}.source.nets[0]`,
      /bits set after the prefix length.*10\.0\.0\.0\/8/,
    ],
    [
      'unmasked IPv6 CIDR',
      ingressRule({ action: 'Allow', source: { nets: ['2001:db8::1/32'] } }),
      `${R}.source.nets[0]`,
      /2001:db8:0:0:0:0:0:0\/32/,
    ],
    [
      'garbage',
      ingressRule({ action: 'Allow', destination: { notNets: ['10.0.0/8'] } }),
      `${R}.destination.notNets[0]`,
      /not a valid IP address or CIDR/,
    ],
    [
      'leading zero octet',
      ingressRule({ action: 'Allow', destination: { nets: ['10.01.0.0/16'] } }),
      `${R}.destination.nets[0]`,
      /not a valid/,
    ],
    [
      'prefix too long',
      ingressRule({ action: 'Allow', destination: { nets: ['10.0.0.0/33'] } }),
      `${R}.destination.nets[0]`,
      /not a valid/,
    ],
    [
      'notNets 0.0.0.0/0',
      ingressRule({ action: 'Allow', source: { notNets: ['0.0.0.0/0'] } }),
      `${R}.source.notNets[0]`,
      /catch-all "0.0.0.0\/0"/,
    ],
    [
      'notNets ::/0',
      ingressRule({ action: 'Allow', ipVersion: 6, source: { notNets: ['::/0'] } }),
      `${R}.source.notNets[0]`,
      /catch-all "::\/0"/,
    ],
    [
      'IPv6 in an ipVersion 4 rule',
      ingressRule({ action: 'Allow', ipVersion: 4, destination: { nets: ['::1'] } }),
      `${R}.destination.nets[0]`,
      /^IPv6 address in a rule with ipVersion 4$/,
    ],
    [
      'mixed families across sides',
      ingressRule({
        action: 'Allow',
        source: { nets: ['10.0.0.0/8'] },
        destination: { notNets: ['fd00::/8'] },
      }),
      `${R}.destination.notNets[0]`,
      /cannot mix IPv4 and IPv6/,
    ],
    [
      '257 nets',
      ingressRule({ action: 'Allow', source: { nets: Array.from({ length: 257 }, () => '10.0.0.0/24') } }),
      `${R}.source.nets`,
      /at most 256 entries/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('selectors in rules', () => {
  it.each<[string, Raw]>([
    [
      'selector and notSelector',
      ingressRule({ action: 'Allow', source: { selector: "app == 'web'", notSelector: 'has(debug)' } }),
    ],
    [
      'namespaceSelector global()',
      ingressRule({ action: 'Allow', source: { namespaceSelector: 'global()' } }),
    ],
    [
      'namespaceSelector global() with spaces',
      ingressRule({ action: 'Allow', source: { namespaceSelector: '  global( ) ' } }),
    ],
    ['notSelector may use global()', ingressRule({ action: 'Allow', source: { notSelector: 'global()' } })],
    [
      'serviceAccounts',
      ingressRule({
        action: 'Allow',
        source: { serviceAccounts: { names: ['api', 'web'], selector: "tier == 'fe'" } },
      }),
    ],
  ])('accepts %s', (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each<Row>([
    [
      'bad selector',
      ingressRule({ action: 'Allow', source: { selector: 'app = web' } }),
      `${R}.source.selector`,
      /^selector "app = web" does not parse: invalid selector at position 4/,
    ],
    [
      'selector with newline',
      ingressRule({ action: 'Allow', source: { selector: 'has(a)\n' } }),
      `${R}.source.selector`,
      /line breaks/,
    ],
    [
      'selector with global()',
      ingressRule({ action: 'Allow', destination: { selector: 'global()' } }),
      `${R}.destination.selector`,
      /^global\(\) may only be used in a rule namespaceSelector$/,
    ],
    [
      'namespaceSelector combining global()',
      ingressRule({ action: 'Allow', source: { namespaceSelector: 'global() || has(a)' } }),
      `${R}.source.namespaceSelector`,
      /must be exactly "global\(\)"/,
    ],
    [
      'bad notSelector',
      ingressRule({ action: 'Allow', source: { notSelector: '(' } }),
      `${R}.source.notSelector`,
      /does not parse/,
    ],
    [
      'bad serviceAccounts selector',
      ingressRule({ action: 'Allow', source: { serviceAccounts: { selector: 'a ==' } } }),
      `${R}.source.serviceAccounts.selector`,
      /does not parse/,
    ],
    [
      'bad service account name',
      ingressRule({ action: 'Allow', source: { serviceAccounts: { names: ['API'] } } }),
      `${R}.source.serviceAccounts.names[0]`,
      /service account name "API" is not valid/,
    ],
    [
      'domains',
      egressRule({ action: 'Allow', destination: { domains: ['example.com'] } }),
      `${E}.destination.domains`,
      /Calico Enterprise extension/,
    ],
    [
      'unknown entity field',
      ingressRule({ action: 'Allow', source: { cidr: '10.0.0.0/8' } }),
      `${R}.source.cidr`,
      /^unknown field "cidr"$/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('services', () => {
  it.each<[string, Raw]>([
    ['ingress source services', ingressRule({ action: 'Allow', source: { services: { name: 'web' } } })],
    [
      'egress destination services',
      egressRule({
        action: 'Allow',
        destination: { services: { name: 'kube-dns', namespace: 'kube-system' } },
      }),
    ],
    [
      'source ports beside destination services',
      egressRule({
        action: 'Allow',
        protocol: 'UDP',
        source: { ports: [53] },
        destination: { services: { name: 'dns' } },
      }),
    ],
    [
      'GNP with namespace',
      gnp({ egress: [{ action: 'Allow', destination: { services: { name: 'a', namespace: 'b' } } }] }),
    ],
  ])('accepts %s', (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each<Row>([
    [
      'no name',
      ingressRule({ action: 'Allow', source: { services: { namespace: 'x' } } }),
      `${R}.source.services.name`,
      /^services.name is required$/,
    ],
    [
      'in ingress destination',
      ingressRule({ action: 'Allow', destination: { services: { name: 'a' } } }),
      `${R}.destination.services`,
      /only be used in the source of an ingress rule/,
    ],
    [
      'in egress source',
      egressRule({ action: 'Allow', source: { services: { name: 'a' } } }),
      `${E}.source.services`,
      /only be used in the destination of an egress rule/,
    ],
    [
      'with selector',
      ingressRule({ action: 'Allow', source: { services: { name: 'a' }, selector: 'has(x)' } }),
      `${R}.source.selector`,
      /^selector cannot be combined with services in the same source$/,
    ],
    [
      'with nets',
      egressRule({ action: 'Allow', destination: { services: { name: 'a' }, nets: ['10.0.0.0/8'] } }),
      `${E}.destination.nets`,
      /cannot be combined with services/,
    ],
    [
      'with serviceAccounts',
      ingressRule({
        action: 'Allow',
        source: { services: { name: 'a' }, serviceAccounts: { names: ['x'] } },
      }),
      `${R}.source.serviceAccounts`,
      /cannot be combined with services/,
    ],
    [
      'with namespaceSelector',
      ingressRule({ action: 'Allow', source: { services: { name: 'a' }, namespaceSelector: 'all()' } }),
      `${R}.source.namespaceSelector`,
      /cannot be combined/,
    ],
    [
      'with destination ports',
      egressRule({ action: 'Allow', protocol: 'TCP', destination: { services: { name: 'a' }, ports: [80] } }),
      `${E}.destination.ports`,
      /cannot be combined with destination services/,
    ],
    [
      'GNP without namespace',
      gnp({ egress: [{ action: 'Allow', destination: { services: { name: 'a' } } }] }),
      `${E}.destination.services.namespace`,
      /required in a global policy/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});

describe('http', () => {
  it.each<[string, Raw]>([
    [
      'methods and paths',
      ingressRule({
        action: 'Allow',
        http: { methods: ['GET', 'POST'], paths: [{ prefix: '/api' }, { exact: '/healthz' }] },
      }),
    ],
    ['with protocol TCP', ingressRule({ action: 'Allow', protocol: 'TCP', http: { methods: ['GET'] } })],
    [
      '20 methods',
      ingressRule({ action: 'Allow', http: { methods: Array.from({ length: 20 }, (_, i) => `M${i}`) } }),
    ],
  ])('accepts %s', (_name, doc) => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it.each<Row>([
    [
      'on egress',
      egressRule({ action: 'Allow', http: { methods: ['GET'] } }),
      `${E}.http`,
      /^http matches are only supported on ingress rules$/,
    ],
    [
      'on Deny',
      ingressRule({ action: 'Deny', http: { methods: ['GET'] } }),
      `${R}.http`,
      /only allowed on Allow rules/,
    ],
    [
      'with UDP',
      ingressRule({ action: 'Allow', protocol: 'UDP', http: { methods: ['GET'] } }),
      `${R}.http`,
      /require protocol TCP/,
    ],
    [
      'duplicate method',
      ingressRule({ action: 'Allow', http: { methods: ['GET', 'GET'] } }),
      `${R}.http.methods[1]`,
      /"GET" is listed more than once/,
    ],
    [
      '21 methods',
      ingressRule({ action: 'Allow', http: { methods: Array.from({ length: 21 }, (_, i) => `M${i}`) } }),
      `${R}.http.methods`,
      /at most 20/,
    ],
    [
      'path with both',
      ingressRule({ action: 'Allow', http: { paths: [{ exact: '/a', prefix: '/b' }] } }),
      `${R}.http.paths[0]`,
      /exactly one of exact or prefix/,
    ],
    [
      'path with neither',
      ingressRule({ action: 'Allow', http: { paths: [{}] } }),
      `${R}.http.paths[0]`,
      /exactly one of exact or prefix/,
    ],
    [
      'relative path',
      ingressRule({ action: 'Allow', http: { paths: [{ prefix: 'api' }] } }),
      `${R}.http.paths[0].prefix`,
      /must start with "\/"/,
    ],
    [
      'path with query',
      ingressRule({ action: 'Allow', http: { paths: [{ exact: '/a?b=1' }] } }),
      `${R}.http.paths[0].exact`,
      /"\?", "#" or spaces/,
    ],
    [
      'path with fragment',
      ingressRule({ action: 'Allow', http: { paths: [{ exact: '/a#b' }] } }),
      `${R}.http.paths[0].exact`,
      /"\?", "#" or spaces/,
    ],
  ])('rejects %s', (_name, doc, path, message) => expectRejected(doc, path, message));
});
