// Calico's columns, held against the spec (docs/spec/compliance-reports.md §2.2): every file's
// column list is parsed from the spec's text and must equal CALICO_COLUMNS exactly, in order; the
// rendered CSV starts with exactly those columns and puts Palisade's after them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CALICO_COLUMNS,
  ENCRYPTION_COLUMNS,
  EXTRA_COLUMNS,
  SELECTION_COLUMNS,
  csvFiles,
} from './report-csv.js';
import { RESULT_FORMAT, type ReportResult } from './report-result.js';

const spec = readFileSync(new URL('../../../../../docs/spec/compliance-reports.md', import.meta.url), 'utf8');

/** Column lists per report type and file, as the spec's §2.2 writes them. */
function specColumns(): Record<string, Record<string, string[]>> {
  const section = spec.slice(spec.indexOf('### 2.2'), spec.indexOf('### 2.3'));
  const selection = [
    ...(/Common selection columns[^:]*:([\s\S]*?)\n\n/.exec(section)?.[1] ?? '').matchAll(/`([A-Za-z]+)`/g),
  ].map((m) => m[1]!);
  const out: Record<string, Record<string, string[]>> = {};
  let type: string | null = null;
  let bullet: string | null = null;
  const flush = () => {
    if (!type || !bullet) return;
    const m = /^- `([a-z-]+\.csv)`(?: and `[a-z-]+\.csv`)?:([\s\S]*)$/.exec(bullet);
    if (m) {
      const body = m[2]!.split(/\(\d+ columns|\.\s|\.$/)[0]!;
      const cols = [...body.matchAll(/`([A-Za-z]+)`/g)].map((x) => x[1]!);
      out[type]![m[1]!] = body.includes('7 selection cols') ? [...selection, ...cols] : cols;
    }
    bullet = null;
  };
  for (const line of section.split('\n')) {
    const t = /^\*\*([a-z-]+)\*\*$/.exec(line.trim());
    if (t) {
      flush();
      type = t[1]!;
      out[type] = {};
    } else if (line.startsWith('- ')) {
      flush();
      bullet = line;
    } else if (bullet !== null && line.startsWith('  ')) bullet += ` ${line.trim()}`;
    else flush();
  }
  flush();
  return out;
}

function result(type: ReportResult['report']['type']): ReportResult {
  return {
    format: RESULT_FORMAT,
    report: {
      runId: 'r',
      definition: 'd',
      type,
      trigger: 'on_demand',
      interval: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z' },
      scope: {
        endpointSelector: "app == 'a,b'",
        namespaceNames: ['x', 'y'],
        namespaceSelector: '',
        serviceAccountNames: [],
        serviceAccountSelector: '',
        clusterSelector: '',
      },
    },
    organization: { id: 'o', slug: 'o', name: 'O' },
    clusters: [{ id: 'c', name: 'prod' }],
    generatedAt: '2026-01-02T00:30:00.000Z',
    policyStates: 1,
    inventory: {
      endpointsNumInScope: 1,
      endpointsNumIngressProtected: 1,
      endpointsNumEgressProtected: 0,
      namespacesNumInScope: 1,
      namespacesNumIngressProtected: 1,
      namespacesNumEgressProtected: 0,
      serviceAccountsNumInScope: 1,
    },
    networkAccess: {
      endpointsNumIngressProtected: 1,
      endpointsNumEgressProtected: 0,
      endpointsNumIngressUnprotected: 0,
      endpointsNumEgressUnprotected: 1,
      endpointsNumIngressFromInternet: 0,
      endpointsNumEgressToInternet: 1,
      endpointsNumIngressFromOtherNamespace: 0,
      endpointsNumEgressToOtherNamespace: 1,
      endpointsNumEnvoyEnabled: 0,
    },
    policyAudit: { numCreatedPolicies: 1, numModifiedPolicies: 2, numDeletedPolicies: 3 },
    endpoints: [],
    namespaces: [],
    services: [],
    events: [],
    notes: [],
  };
}

describe("Calico's report columns", () => {
  it('equal the spec, file by file', () => {
    const fromSpec = specColumns();
    expect(SELECTION_COLUMNS).toEqual(fromSpec['inventory']!['summary.csv']!.slice(0, 7));
    for (const type of ['inventory', 'network-access', 'policy-audit'] as const) {
      const ours = CALICO_COLUMNS[type] as Record<string, readonly string[]>;
      const theirs = Object.fromEntries(Object.entries(fromSpec[type]!).filter(([f]) => f.endsWith('.csv')));
      expect(Object.keys(ours).sort(), type).toEqual(Object.keys(theirs).sort());
      for (const [file, cols] of Object.entries(theirs))
        expect([...ours[file]!], `${type} ${file}`).toEqual(cols);
    }
    // The counts the spec states.
    expect(CALICO_COLUMNS.inventory['summary.csv']).toHaveLength(14);
    expect(CALICO_COLUMNS['network-access']['summary.csv']).toHaveLength(16);
    expect(CALICO_COLUMNS['network-access']['endpoints.csv']).toHaveLength(12);
  });

  it("render Calico's columns first, Palisade's after them", () => {
    for (const type of ['inventory', 'network-access', 'policy-audit'] as const) {
      const files = csvFiles(result(type));
      expect([...files.keys()].sort()).toEqual(Object.keys(CALICO_COLUMNS[type]).sort());
      for (const [name, text] of files) {
        const header = text.split('\n')[0]!.split(',');
        const calico = (CALICO_COLUMNS[type] as Record<string, readonly string[]>)[name]!;
        expect(header.slice(0, calico.length)).toEqual([...calico]);
        const extra =
          name === 'summary.csv'
            ? EXTRA_COLUMNS.summary
            : EXTRA_COLUMNS[name.replace('.csv', '') as 'endpoints'];
        expect(header.slice(calico.length)).toEqual([...extra]);
      }
    }
  });

  it('quote cells as RFC 4180 and join lists with ;', () => {
    const summary = csvFiles(result('policy-audit')).get('summary.csv')!;
    expect(summary.split('\n')[1]).toBe(
      `2026-01-01T00:00:00.000Z,2026-01-02T00:00:00.000Z,"app == 'a,b'",x;y,,,,1,2,3,prod,`,
    );
  });

  it('end endpoint rows with the node and whether it encrypts (empty when the node is unknown)', () => {
    const r = result('inventory');
    const row = (node: string, nodeEncrypted: boolean | null) => ({
      cluster: 'prod',
      endpoint: `shop/${node || 'x'}`,
      namespace: 'shop',
      serviceAccount: 'default',
      ingressProtected: true,
      egressProtected: false,
      ingressFromInternet: false,
      egressToInternet: false,
      ingressFromOtherNamespace: false,
      egressToOtherNamespace: false,
      envoyEnabled: false,
      appliedPolicies: [],
      services: [],
      trafficAggregationPrefix: '',
      endpointsGeneratingTrafficToThisEndpoint: [],
      endpointsReceivingTrafficFromThisEndpoint: [],
      differsFromCalico: [],
      calicoWouldReport: [],
      node,
      nodeEncrypted,
    });
    r.endpoints = [row('n1', true), row('n2', false), row('', null)];
    const lines = csvFiles(r).get('endpoints.csv')!.trim().split('\n');
    expect(lines[0]!.split(',').slice(-2)).toEqual(['node', 'nodeEncrypted']);
    expect(lines.slice(1).map((l) => l.split(',').slice(-2).join(','))).toEqual(['n1,true', 'n2,false', ',']);
  });

  it('render the fleet encryption summary in its own files', () => {
    const r = result('encryption');
    r.encryption = {
      clustersNumInScope: 1,
      nodesNum: 2,
      nodesNumEncrypting: 1,
      coverage: 0.5,
      clusters: [
        {
          cluster: 'prod',
          nodes: 2,
          encryptingNodes: 1,
          coverage: 0.5,
          dataplanes: ['bpf', 'iptables'],
          calicoVersions: ['v3.30.0'],
        },
      ],
      nodes: [
        {
          cluster: 'prod',
          node: 'n1',
          dataplane: 'bpf',
          wireguardEnabled: true,
          wireguardPublicKey: true,
          encrypting: true,
          mtu: 1440,
          calicoVersion: 'v3.30.0',
          reportedAt: '2026-01-02T00:00:00.000Z',
        },
      ],
    };
    const files = csvFiles(r);
    expect([...files.keys()].sort()).toEqual(Object.keys(ENCRYPTION_COLUMNS).sort());
    expect(files.get('clusters.csv')).toBe(
      'cluster,nodes,encryptingNodes,coverage,dataplanes,calicoVersions\nprod,2,1,0.5,bpf;iptables,v3.30.0\n',
    );
    expect(files.get('summary.csv')!.split('\n')[1]).toBe(
      '2026-01-01T00:00:00.000Z,2026-01-02T00:00:00.000Z,1,2,1,0.5,prod,',
    );
    expect(files.get('nodes.csv')!.split('\n')[1]).toBe(
      'prod,n1,bpf,true,true,true,1440,v3.30.0,2026-01-02T00:00:00.000Z',
    );
  });
});
