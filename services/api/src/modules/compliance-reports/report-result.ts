// The whole result of a report run: what report_runs.result stores, what the JSON file holds,
// and what the CSV and PDF files are rendered from. Plain JSON (dates as RFC 3339 strings).
import type { ReportScope, ReportType } from './report-definition.js';

export const RESULT_FORMAT = 'palisade.compliance-report/v1';

export interface EndpointRow {
  cluster: string;
  /** `<namespace>/<pod>`, as Calico names a workload endpoint. */
  endpoint: string;
  namespace: string;
  serviceAccount: string;
  ingressProtected: boolean;
  egressProtected: boolean;
  ingressFromInternet: boolean;
  egressToInternet: boolean;
  ingressFromOtherNamespace: boolean;
  egressToOtherNamespace: boolean;
  envoyEnabled: boolean;
  appliedPolicies: string[];
  services: string[];
  trafficAggregationPrefix: string;
  endpointsGeneratingTrafficToThisEndpoint: string[];
  endpointsReceivingTrafficFromThisEndpoint: string[];
  /** Flags where Calico's over-approximation gives another answer, in column order. */
  differsFromCalico: string[];
  /** Calico's answer for each of those flags, `flag=true|false`. */
  calicoWouldReport: string[];
  /** The node the endpoint runs on ('' when the agent did not say). */
  node: string;
  /** Whether that node encrypts in transit (WireGuard, decision 0152); null: node not reported. */
  nodeEncrypted: boolean | null;
}

/** One node of the fleet encryption summary, as its agent last reported it. */
export interface EncryptionNodeRow {
  cluster: string;
  node: string;
  dataplane: string;
  wireguardEnabled: boolean;
  wireguardPublicKey: boolean;
  encrypting: boolean;
  mtu: number | null;
  calicoVersion: string;
  reportedAt: string;
}

export interface EncryptionClusterRow {
  cluster: string;
  nodes: number;
  encryptingNodes: number;
  /** encryptingNodes / nodes, 0 when there are no nodes. */
  coverage: number;
  dataplanes: string[];
  calicoVersions: string[];
}

export interface NamespaceRow {
  cluster: string;
  namespace: string;
  ingressProtected: boolean;
  egressProtected: boolean;
  envoyEnabled: boolean;
  endpointsInScope: number;
  differsFromCalico: string[];
}

export interface ServiceRow {
  cluster: string;
  /** `<namespace>/<service>`. */
  service: string;
  ingressProtected: boolean;
  envoyEnabled: boolean;
  endpointsInScope: number;
  differsFromCalico: string[];
}

export interface PolicyAuditEvent {
  seq: string;
  occurredAt: string;
  verb: 'create' | 'update' | 'delete';
  action: string;
  user: { type: string; id: string | null; label: string };
  resource: string;
  kind: string;
  namespace: string;
  name: string;
  before: unknown;
  after: unknown;
  /** Palisade's computed field diff (Calico's events carry none). */
  diff: { path: string; op: string; before?: unknown; after?: unknown }[];
}

export interface ReportResult {
  format: typeof RESULT_FORMAT;
  report: {
    runId: string;
    definition: string;
    type: ReportType;
    trigger: string;
    interval: { start: string; end: string };
    scope: ReportScope;
  };
  organization: { id: string; slug: string; name: string };
  clusters: { id: string; name: string }[];
  generatedAt: string;
  /** Policy sets replayed per cluster (distinct states of the policies in force). */
  policyStates: number;
  inventory?: {
    endpointsNumInScope: number;
    endpointsNumIngressProtected: number;
    endpointsNumEgressProtected: number;
    namespacesNumInScope: number;
    namespacesNumIngressProtected: number;
    namespacesNumEgressProtected: number;
    serviceAccountsNumInScope: number;
  };
  networkAccess?: {
    endpointsNumIngressProtected: number;
    endpointsNumEgressProtected: number;
    endpointsNumIngressUnprotected: number;
    endpointsNumEgressUnprotected: number;
    endpointsNumIngressFromInternet: number;
    endpointsNumEgressToInternet: number;
    endpointsNumIngressFromOtherNamespace: number;
    endpointsNumEgressToOtherNamespace: number;
    endpointsNumEnvoyEnabled: number;
  };
  policyAudit?: { numCreatedPolicies: number; numModifiedPolicies: number; numDeletedPolicies: number };
  /** The fleet encryption summary (type encryption). */
  encryption?: {
    clustersNumInScope: number;
    nodesNum: number;
    nodesNumEncrypting: number;
    coverage: number;
    clusters: EncryptionClusterRow[];
    nodes: EncryptionNodeRow[];
  };
  endpoints: EndpointRow[];
  namespaces: NamespaceRow[];
  services: ServiceRow[];
  events: PolicyAuditEvent[];
  /** What the reader must know: gaps in the data, where Palisade departs from Calico. */
  notes: string[];
}
