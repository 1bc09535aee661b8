// Calico's report files, column for column (spec §2.2, from the operator's shipped templates):
// the first columns of every file are exactly Calico's, in Calico's order; Palisade's extra
// columns come after them. Booleans render as true/false and lists are ';'-joined, as Calico's
// templates do. RFC 4180 quoting; lines end with \n.
import type { ReportResult } from './report-result.js';

export const SELECTION_COLUMNS = [
  'startTime',
  'endTime',
  'endpointSelector',
  'namespaceNames',
  'namespaceSelector',
  'serviceAccountNames',
  'serviceAccountSelectors',
] as const;

export const CALICO_COLUMNS = {
  inventory: {
    'summary.csv': [
      ...SELECTION_COLUMNS,
      'endpointsNumInScope',
      'endpointsNumIngressProtected',
      'endpointsNumEgressProtected',
      'namespacesNumInScope',
      'namespacesNumIngressProtected',
      'namespacesNumEgressProtected',
      'serviceAccountsNumInScope',
    ],
    'endpoints.csv': [
      'endpoint',
      'ingressProtected',
      'egressProtected',
      'envoyEnabled',
      'appliedPolicies',
      'services',
    ],
    'namespaces.csv': ['namespace', 'ingressProtected', 'egressProtected', 'envoyEnabled'],
    'services.csv': ['service', 'ingressProtected', 'envoyEnabled'],
  },
  'network-access': {
    'summary.csv': [
      ...SELECTION_COLUMNS,
      'endpointsNumIngressProtected',
      'endpointsNumEgressProtected',
      'endpointsNumIngressUnprotected',
      'endpointsNumEgressUnprotected',
      'endpointsNumIngressFromInternet',
      'endpointsNumEgressToInternet',
      'endpointsNumIngressFromOtherNamespace',
      'endpointsNumEgressToOtherNamespace',
      'endpointsNumEnvoyEnabled',
    ],
    'endpoints.csv': [
      'endpoint',
      'ingressProtected',
      'egressProtected',
      'ingressFromInternet',
      'egressToInternet',
      'ingressFromOtherNamespace',
      'egressToOtherNamespace',
      'envoyEnabled',
      'appliedPolicies',
      'trafficAggregationPrefix',
      'endpointsGeneratingTrafficToThisEndpoint',
      'endpointsReceivingTrafficFromThisEndpoint',
    ],
  },
  'policy-audit': {
    'summary.csv': [...SELECTION_COLUMNS, 'numCreatedPolicies', 'numModifiedPolicies', 'numDeletedPolicies'],
  },
} as const;

/** Palisade's fleet encryption summary (no Calico counterpart, decision 0152). */
export const ENCRYPTION_COLUMNS = {
  'summary.csv': ['startTime', 'endTime', 'clustersNumInScope', 'nodesNum', 'nodesNumEncrypting', 'coverage'],
  'clusters.csv': ['cluster', 'nodes', 'encryptingNodes', 'coverage', 'dataplanes', 'calicoVersions'],
  'nodes.csv': [
    'cluster',
    'node',
    'dataplane',
    'wireguardEnabled',
    'wireguardPublicKey',
    'encrypting',
    'mtu',
    'calicoVersion',
    'reportedAt',
  ],
} as const;

/** Palisade's columns after Calico's. */
export const EXTRA_COLUMNS = {
  summary: ['clusters', 'palisadeNotes'],
  endpoints: [
    'cluster',
    'namespace',
    'serviceAccount',
    'calicoWouldReport',
    'differsFromCalico',
    'node',
    'nodeEncrypted',
  ],
  namespaces: ['cluster', 'endpointsInScope', 'differsFromCalico'],
  services: ['cluster', 'endpointsInScope', 'differsFromCalico'],
} as const;

type Cell = string | number | boolean | null | readonly string[];

function cell(v: Cell): string {
  const s = Array.isArray(v) ? v.join(';') : v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map((c) => cell(c)).join(',')).join('\n') + '\n';
}

function selection(r: ReportResult): Cell[] {
  const s = r.report.scope;
  return [
    r.report.interval.start,
    r.report.interval.end,
    s.endpointSelector,
    s.namespaceNames,
    s.namespaceSelector,
    s.serviceAccountNames,
    s.serviceAccountSelector,
  ];
}

/** The CSV files of a result, by file name. */
export function csvFiles(r: ReportResult): Map<string, string> {
  const files = new Map<string, string>();
  const summaryExtra: Cell[] = [r.clusters.map((c) => c.name), r.notes];
  const t = r.report.type;
  if (t === 'encryption') {
    const x = r.encryption!;
    files.set(
      'summary.csv',
      csv(
        [...ENCRYPTION_COLUMNS['summary.csv'], ...EXTRA_COLUMNS.summary],
        [
          [
            r.report.interval.start,
            r.report.interval.end,
            x.clustersNumInScope,
            x.nodesNum,
            x.nodesNumEncrypting,
            x.coverage,
            ...summaryExtra,
          ],
        ],
      ),
    );
    files.set(
      'clusters.csv',
      csv(
        ENCRYPTION_COLUMNS['clusters.csv'],
        x.clusters.map((c) => [
          c.cluster,
          c.nodes,
          c.encryptingNodes,
          c.coverage,
          c.dataplanes,
          c.calicoVersions,
        ]),
      ),
    );
    files.set(
      'nodes.csv',
      csv(
        ENCRYPTION_COLUMNS['nodes.csv'],
        x.nodes.map((n) => [
          n.cluster,
          n.node,
          n.dataplane,
          n.wireguardEnabled,
          n.wireguardPublicKey,
          n.encrypting,
          n.mtu,
          n.calicoVersion,
          n.reportedAt,
        ]),
      ),
    );
    return files;
  }
  if (t === 'policy-audit') {
    const c = CALICO_COLUMNS['policy-audit'];
    const s = r.policyAudit!;
    files.set(
      'summary.csv',
      csv(
        [...c['summary.csv'], ...EXTRA_COLUMNS.summary],
        [
          [
            ...selection(r),
            s.numCreatedPolicies,
            s.numModifiedPolicies,
            s.numDeletedPolicies,
            ...summaryExtra,
          ],
        ],
      ),
    );
    return files;
  }
  const endpointExtra = (e: ReportResult['endpoints'][number]): Cell[] => [
    e.cluster,
    e.namespace,
    e.serviceAccount,
    e.calicoWouldReport,
    e.differsFromCalico,
    e.node,
    e.nodeEncrypted,
  ];
  if (t === 'inventory') {
    const c = CALICO_COLUMNS.inventory;
    const s = r.inventory!;
    files.set(
      'summary.csv',
      csv(
        [...c['summary.csv'], ...EXTRA_COLUMNS.summary],
        [
          [
            ...selection(r),
            s.endpointsNumInScope,
            s.endpointsNumIngressProtected,
            s.endpointsNumEgressProtected,
            s.namespacesNumInScope,
            s.namespacesNumIngressProtected,
            s.namespacesNumEgressProtected,
            s.serviceAccountsNumInScope,
            ...summaryExtra,
          ],
        ],
      ),
    );
    files.set(
      'endpoints.csv',
      csv(
        [...c['endpoints.csv'], ...EXTRA_COLUMNS.endpoints],
        r.endpoints.map((e) => [
          e.endpoint,
          e.ingressProtected,
          e.egressProtected,
          e.envoyEnabled,
          e.appliedPolicies,
          e.services,
          ...endpointExtra(e),
        ]),
      ),
    );
    files.set(
      'namespaces.csv',
      csv(
        [...c['namespaces.csv'], ...EXTRA_COLUMNS.namespaces],
        r.namespaces.map((n) => [
          n.namespace,
          n.ingressProtected,
          n.egressProtected,
          n.envoyEnabled,
          n.cluster,
          n.endpointsInScope,
          n.differsFromCalico,
        ]),
      ),
    );
    files.set(
      'services.csv',
      csv(
        [...c['services.csv'], ...EXTRA_COLUMNS.services],
        r.services.map((s) => [
          s.service,
          s.ingressProtected,
          s.envoyEnabled,
          s.cluster,
          s.endpointsInScope,
          s.differsFromCalico,
        ]),
      ),
    );
    return files;
  }
  const c = CALICO_COLUMNS['network-access'];
  const s = r.networkAccess!;
  files.set(
    'summary.csv',
    csv(
      [...c['summary.csv'], ...EXTRA_COLUMNS.summary],
      [
        [
          ...selection(r),
          s.endpointsNumIngressProtected,
          s.endpointsNumEgressProtected,
          s.endpointsNumIngressUnprotected,
          s.endpointsNumEgressUnprotected,
          s.endpointsNumIngressFromInternet,
          s.endpointsNumEgressToInternet,
          s.endpointsNumIngressFromOtherNamespace,
          s.endpointsNumEgressToOtherNamespace,
          s.endpointsNumEnvoyEnabled,
          ...summaryExtra,
        ],
      ],
    ),
  );
  files.set(
    'endpoints.csv',
    csv(
      [...c['endpoints.csv'], ...EXTRA_COLUMNS.endpoints],
      r.endpoints.map((e) => [
        e.endpoint,
        e.ingressProtected,
        e.egressProtected,
        e.ingressFromInternet,
        e.egressToInternet,
        e.ingressFromOtherNamespace,
        e.egressToOtherNamespace,
        e.envoyEnabled,
        e.appliedPolicies,
        e.trafficAggregationPrefix,
        e.endpointsGeneratingTrafficToThisEndpoint,
        e.endpointsReceivingTrafficFromThisEndpoint,
        ...endpointExtra(e),
      ]),
    ),
  );
  return files;
}
