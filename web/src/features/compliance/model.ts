// The logic behind the compliance pages, free of React: the definition form (scope lists, the
// cron helper's next runs, selector syntax), the scope count in words, and the evidence archive a
// run downloads (unzipped in the browser, every file checked against the signed manifest, the
// signature checked with the published key) plus the commands an auditor runs to check the same.
import { CronExpressionParser } from 'cron-parser';
import { unzipSync } from 'fflate';
import { parseSelector } from '@palisade/policy';
import type { ReportScopeInput, ReportType } from '../../generated/graphql';

export const TYPE_LABEL: Record<ReportType, string> = {
  INVENTORY: 'Inventory',
  NETWORK_ACCESS: 'Network access',
  POLICY_AUDIT: 'Policy audit',
  ENCRYPTION: 'Fleet encryption',
};

/** Schedules people pick most, as a starting point for the cron field. */
export const SCHEDULE_PRESETS: readonly { label: string; cron: string }[] = [
  { label: 'Every hour', cron: '0 * * * *' },
  { label: 'Every day at 00:00 UTC', cron: '0 0 * * *' },
  { label: 'Every Monday at 06:00 UTC', cron: '0 6 * * 1' },
  { label: 'First of the month at 00:00 UTC', cron: '0 0 1 * *' },
];

export interface DefinitionForm {
  name: string;
  type: ReportType;
  schedule: string;
  suspend: boolean;
  endpointSelector: string;
  namespaceNames: string;
  namespaceSelector: string;
  serviceAccountNames: string;
  serviceAccountSelector: string;
  clusterSelector: string;
}

export const EMPTY_FORM: DefinitionForm = {
  name: '',
  type: 'INVENTORY',
  schedule: '0 0 * * *',
  suspend: false,
  endpointSelector: '',
  namespaceNames: '',
  namespaceSelector: '',
  serviceAccountNames: '',
  serviceAccountSelector: '',
  clusterSelector: '',
};

/** Names typed one per line or separated by commas or spaces: trimmed, empty ones and repeats dropped. */
export function nameList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s !== ''))];
}

export function scopeInput(f: DefinitionForm): ReportScopeInput {
  return {
    endpointSelector: f.endpointSelector.trim(),
    namespaceNames: nameList(f.namespaceNames),
    namespaceSelector: f.namespaceSelector.trim(),
    serviceAccountNames: nameList(f.serviceAccountNames),
    serviceAccountSelector: f.serviceAccountSelector.trim(),
    clusterSelector: f.clusterSelector.trim(),
  };
}

export function formOf(d: {
  name: string;
  type: ReportType;
  schedule: string;
  suspend: boolean;
  scope: {
    endpointSelector: string;
    namespaceNames: readonly string[];
    namespaceSelector: string;
    serviceAccountNames: readonly string[];
    serviceAccountSelector: string;
    clusterSelector: string;
  };
}): DefinitionForm {
  return {
    name: d.name,
    type: d.type,
    schedule: d.schedule,
    suspend: d.suspend,
    endpointSelector: d.scope.endpointSelector,
    namespaceNames: d.scope.namespaceNames.join('\n'),
    namespaceSelector: d.scope.namespaceSelector,
    serviceAccountNames: d.scope.serviceAccountNames.join('\n'),
    serviceAccountSelector: d.scope.serviceAccountSelector,
    clusterSelector: d.scope.clusterSelector,
  };
}

/**
 * The next `count` ticks of a five-field UTC cron after `now`, for the helper under the field; the
 * API is the judge of what it accepts (it also caps a schedule at 12 ticks an hour) and says so on
 * save. An expression that does not parse gives the reason instead.
 */
export function nextRuns(
  schedule: string,
  count: number,
  now: Date = new Date(),
): { times: Date[]; error: null } | { times: []; error: string } {
  const fields = schedule
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length !== 5)
    return {
      times: [],
      error: 'A schedule has five fields: minute hour day-of-month month day-of-week (UTC).',
    };
  try {
    const expr = CronExpressionParser.parse(fields.join(' '), { currentDate: now, tz: 'UTC' });
    const times: Date[] = [];
    while (times.length < count && expr.hasNext()) times.push(expr.next().toDate());
    return times.length > 0 ? { times, error: null } : { times: [], error: 'This schedule never runs.' };
  } catch (err) {
    return { times: [], error: `Not a valid cron expression: ${(err as Error).message}` };
  }
}

/** A selector's syntax error, or undefined when it parses ('' is valid: no condition). */
export function selectorProblem(selector: string): string | undefined {
  if (selector.trim() === '') return undefined;
  try {
    parseSelector(selector);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The live count under the scope pickers, in words. */
export function scopeCountText(c: {
  endpoints: number;
  namespaces: number;
  serviceAccounts: number;
  clusters: readonly { cluster: string; endpoints: number }[];
}): string {
  if (c.clusters.length === 0) return 'No cluster matches the cluster selector.';
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const per = c.clusters.map((x) => `${x.cluster}: ${x.endpoints}`).join(', ');
  return `${plural(c.endpoints, 'endpoint')} in scope now (${plural(c.namespaces, 'namespace')}, ${plural(
    c.serviceAccounts,
    'service account',
  )}) on ${plural(c.clusters.length, 'cluster')} — ${per}.`;
}

// ---------------------------------------------------------------------------------------------
// Evidence archives.

export interface ManifestFile {
  name: string;
  sha256: string;
  bytes: number;
}

export interface EvidenceManifest {
  format: string;
  kind: string;
  organization: { id: string; slug: string; name: string };
  subject: Record<string, unknown>;
  interval: { start: string; end: string };
  generatedAt: string;
  signature: { keyId: string; algorithm: string; encoding: string; file: string };
  auditChainHead: { seq: string; hash: string } | null;
  files: ManifestFile[];
}

export interface EvidenceEntry {
  name: string;
  bytes: Uint8Array;
  /** SHA-256 of the bytes as unpacked, hex. */
  sha256: string;
  /** True when it equals the manifest's entry for that name. */
  matches: boolean;
}

export interface Evidence {
  manifest: EvidenceManifest;
  manifestBytes: Uint8Array;
  signature: Uint8Array;
  files: EvidenceEntry[];
  /** Files the manifest lists that the archive lacks. */
  missing: string[];
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Unzips an evidence archive and checks every listed file against the manifest. */
export async function openEvidence(zip: Uint8Array): Promise<Evidence> {
  const entries = unzipSync(zip);
  const manifestBytes = entries['manifest.json'];
  const signature = entries['manifest.sig'];
  if (!manifestBytes || !signature) throw new Error('the archive has no manifest.json and manifest.sig');
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as EvidenceManifest;
  const listed = new Map(manifest.files.map((f) => [f.name, f]));
  const files: EvidenceEntry[] = [];
  for (const [name, bytes] of Object.entries(entries)) {
    if (name === 'manifest.json' || name === 'manifest.sig') continue;
    const hash = await sha256Hex(bytes);
    const want = listed.get(name);
    files.push({
      name,
      bytes,
      sha256: hash,
      matches: want !== undefined && want.sha256 === hash && want.bytes === bytes.length,
    });
  }
  files.sort((a, b) => a.name.localeCompare(b.name));
  const missing = manifest.files.map((f) => f.name).filter((n) => entries[n] === undefined);
  return { manifest, manifestBytes, signature, files, missing };
}

/** A DER ECDSA signature (SEQUENCE of two INTEGERs) as WebCrypto's fixed-width r‖s. */
export function derToRawSignature(der: Uint8Array, size = 32): Uint8Array {
  let i = 0;
  const expect = (tag: number) => {
    if (der[i++] !== tag) throw new Error('not a DER ECDSA signature');
  };
  const length = () => {
    let len = der[i++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = (len << 8) | der[i++]!;
    }
    return len;
  };
  expect(0x30);
  length();
  const out = new Uint8Array(size * 2);
  for (const half of [0, 1]) {
    expect(0x02);
    const len = length();
    let int = der.subarray(i, i + len);
    i += len;
    while (int.length > size && int[0] === 0) int = int.subarray(1);
    if (int.length > size) throw new Error('not a P-256 signature');
    out.set(int, half * size + (size - int.length));
  }
  return out;
}

function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  return base64ToBytes(body);
}

/** Checks manifest.sig over manifest.json with a published PEM key, as `openssl dgst -verify` does. */
export async function verifyManifestSignature(e: Evidence, publicKeyPem: string): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    'spki',
    pemToDer(publicKeyPem) as Uint8Array<ArrayBuffer>,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  return crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    derToRawSignature(e.signature) as Uint8Array<ArrayBuffer>,
    e.manifestBytes as Uint8Array<ArrayBuffer>,
  );
}

/** The shell commands an auditor runs on the unpacked archive, with the key saved as key.pem. */
export function verifyCommands(archiveName: string, keyId: string): string {
  const dir = archiveName.replace(/\.zip$/, '');
  return [
    `unzip -q ${archiveName} -d ${dir} && cd ${dir}`,
    `# save the public key ${keyId} (the Download key.pem button above) into this directory as key.pem`,
    'openssl dgst -sha256 -verify key.pem -signature manifest.sig manifest.json   # Verified OK',
    'sha256sum -c SHA256SUMS                                                      # every file: OK',
    'grep -q "$(sha256sum SHA256SUMS | cut -d\' \' -f1)" manifest.json && echo "SHA256SUMS is the signed one"',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The report's own result (report.json), for the charts and tables.

export interface ReportEndpoint {
  cluster: string;
  endpoint: string;
  namespace: string;
  serviceAccount: string;
  ingressProtected: boolean;
  egressProtected: boolean;
  ingressFromInternet: boolean;
  egressToInternet: boolean;
  ingressFromOtherNamespace: boolean;
  egressToOtherNamespace: boolean;
  appliedPolicies: string[];
  differsFromCalico: string[];
}

export interface ReportResult {
  report: { runId: string; definition: string; type: string; interval: { start: string; end: string } };
  organization: { name: string };
  clusters: { name: string }[];
  generatedAt: string;
  inventory?: Record<string, number>;
  networkAccess?: Record<string, number>;
  policyAudit?: { numCreatedPolicies: number; numModifiedPolicies: number; numDeletedPolicies: number };
  /** The fleet encryption report's summary (type `encryption`, decision 0152). */
  encryption?: {
    clustersNumInScope: number;
    nodesNum: number;
    nodesNumEncrypting: number;
    coverage: number;
    clusters: {
      cluster: string;
      nodes: number;
      encryptingNodes: number;
      coverage: number;
      dataplanes: string[];
      calicoVersions: string[];
    }[];
  };
  endpoints: ReportEndpoint[];
  namespaces: {
    cluster: string;
    namespace: string;
    ingressProtected: boolean;
    egressProtected: boolean;
    endpointsInScope: number;
  }[];
  services: { cluster: string; service: string; ingressProtected: boolean; endpointsInScope: number }[];
  events: {
    seq: string;
    occurredAt: string;
    verb: string;
    user: { label: string };
    resource: string;
    diff: unknown[];
  }[];
  notes: string[];
}

export function reportResultOf(e: Evidence): ReportResult | null {
  const f = e.files.find((x) => x.name === 'report.json');
  return f ? (JSON.parse(new TextDecoder().decode(f.bytes)) as ReportResult) : null;
}

export interface Bar {
  label: string;
  value: number;
  total: number;
}

/**
 * The summary charts: endpoints in scope vs protected, exposure, policy changes, and (for the
 * encryption report) nodes encrypting in transit per cluster and over the fleet.
 */
export function summaryBars(r: ReportResult): {
  protection: Bar[];
  exposure: Bar[];
  changes: Bar[];
  encryption: Bar[];
} {
  const eps = r.endpoints;
  const total = eps.length;
  const count = (p: (e: ReportEndpoint) => boolean) => eps.filter(p).length;
  const protection: Bar[] =
    total > 0
      ? [
          { label: 'In scope', value: total, total },
          { label: 'Ingress protected', value: count((e) => e.ingressProtected), total },
          { label: 'Egress protected', value: count((e) => e.egressProtected), total },
        ]
      : [];
  const exposure: Bar[] =
    r.report.type === 'network-access' && total > 0
      ? [
          { label: 'Ingress from the internet', value: count((e) => e.ingressFromInternet), total },
          { label: 'Egress to the internet', value: count((e) => e.egressToInternet), total },
          { label: 'Ingress from other namespaces', value: count((e) => e.ingressFromOtherNamespace), total },
          { label: 'Egress to other namespaces', value: count((e) => e.egressToOtherNamespace), total },
        ]
      : [];
  const pa = r.policyAudit;
  const changed = pa ? pa.numCreatedPolicies + pa.numModifiedPolicies + pa.numDeletedPolicies : 0;
  const changes: Bar[] = pa
    ? [
        { label: 'Created', value: pa.numCreatedPolicies, total: changed },
        { label: 'Modified', value: pa.numModifiedPolicies, total: changed },
        { label: 'Deleted', value: pa.numDeletedPolicies, total: changed },
      ]
    : [];
  const enc = r.encryption;
  const encryption: Bar[] = enc
    ? [
        { label: 'Fleet', value: enc.nodesNumEncrypting, total: enc.nodesNum },
        ...enc.clusters.map((c) => ({ label: c.cluster, value: c.encryptingNodes, total: c.nodes })),
      ]
    : [];
  return { protection, exposure, changes, encryption };
}

const MIME: Record<string, string> = {
  csv: 'text/csv',
  json: 'application/json',
  yaml: 'application/yaml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  sig: 'application/octet-stream',
};

export function mimeOf(name: string): string {
  return MIME[name.split('.').pop() ?? ''] ?? 'text/plain';
}

/** The default on-demand interval: the day before the last full hour. */
export function defaultInterval(now: Date = new Date()): { start: Date; end: Date } {
  const end = new Date(now);
  end.setUTCMinutes(0, 0, 0);
  return { start: new Date(end.getTime() - 86_400_000), end };
}
