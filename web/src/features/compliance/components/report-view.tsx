// One succeeded run's report: its signed archive is downloaded (an audit event), unpacked in the
// browser, every file checked against the manifest and the manifest's signature against the key
// Palisade publishes; then the summary charts, the tables, each file to download, the manifest and
// the commands that verify the same with stock tools.
import { useEffect, useMemo, useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { CopyButton } from '../../../components/ui/copy-button';
import { ErrorState } from '../../../components/ui/error-state';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { Table } from '../../../components/ui/table';
import type { DownloadReportRunMutation } from '../../../generated/graphql';
import { useSigningKeys } from '../api';
import {
  base64ToBytes,
  mimeOf,
  openEvidence,
  reportResultOf,
  summaryBars,
  verifyCommands,
  verifyManifestSignature,
  type Bar,
  type Evidence,
} from '../model';

type Archive = DownloadReportRunMutation['downloadReportRun'];

const TABLE_ROWS = 200;

/** Saves bytes as a file, as the browser's own download (the object URL lives only for the click). */
function saveBytes(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeOf(name) }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function DownloadButton({
  name,
  bytes,
  children,
  primary = false,
}: {
  name: string;
  bytes: Uint8Array;
  children?: string;
  primary?: boolean;
}) {
  return (
    <Button
      size={primary ? 'normal' : 'small'}
      variant={primary ? 'primary' : 'ghost'}
      onClick={() => saveBytes(name, bytes)}
    >
      {children ?? name}
    </Button>
  );
}

function Bars({
  title,
  bars,
  tone,
}: {
  title: string;
  bars: readonly Bar[];
  tone: (b: Bar, i: number) => string;
}) {
  if (bars.length === 0) return null;
  return (
    <figure className="card" style={{ margin: 0 }} aria-label={title}>
      <figcaption>
        <h3 style={{ margin: '0 0 8px', fontSize: 14 }}>{title}</h3>
      </figcaption>
      <ul className="compliance-bars">
        {bars.map((b, i) => {
          const pct = b.total > 0 ? Math.round((b.value / b.total) * 100) : 0;
          return (
            <li key={b.label}>
              <div className="compliance-bar__label">
                <span>{b.label}</span>
                <span>
                  {b.value}
                  {b.total > 0 && b.label !== 'In scope' ? ` of ${b.total} (${pct}%)` : ''}
                </span>
              </div>
              <div className="compliance-bar__track" role="presentation">
                <div className="compliance-bar__fill" data-tone={tone(b, i)} style={{ width: `${pct}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}

const yes = (v: boolean) => (v ? 'yes' : 'no');

export function ReportView({ archive }: { archive: Archive }) {
  const zipBytes = useMemo(() => base64ToBytes(archive.base64), [archive.base64]);
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const [openError, setOpenError] = useState<unknown>(null);
  const [signature, setSignature] = useState<'checking' | 'valid' | 'invalid' | 'no-key'>('checking');
  const keys = useSigningKeys();

  useEffect(() => {
    let live = true;
    openEvidence(zipBytes).then(
      (e) => live && setEvidence(e),
      (err: unknown) => live && setOpenError(err),
    );
    return () => {
      live = false;
    };
  }, [zipBytes]);

  const keyId = evidence?.manifest.signature.keyId;
  const key = keys.data?.find((k) => k.id === keyId);
  useEffect(() => {
    if (!evidence || !keys.data) return;
    if (!key) {
      setSignature('no-key');
      return;
    }
    let live = true;
    verifyManifestSignature(evidence, key.publicKeyPem).then(
      (ok) => live && setSignature(ok ? 'valid' : 'invalid'),
      () => live && setSignature('invalid'),
    );
    return () => {
      live = false;
    };
  }, [evidence, key, keys.data]);

  const keyBytes = useMemo(() => (key ? new TextEncoder().encode(key.publicKeyPem) : null), [key]);
  const result = useMemo(() => (evidence ? reportResultOf(evidence) : null), [evidence]);
  const bars = useMemo(() => (result ? summaryBars(result) : null), [result]);

  if (openError) return <ErrorState title="The archive could not be opened" error={openError} />;
  if (!evidence) return <SkeletonRows rows={4} label="Opening the archive" />;

  const allMatch = evidence.files.every((f) => f.matches) && evidence.missing.length === 0;
  const m = evidence.manifest;
  return (
    <div className="stack" data-testid="report-view">
      <div className="row">
        {signature === 'valid' ? (
          <Badge tone="ok">Signature verified with {keyId}</Badge>
        ) : signature === 'invalid' ? (
          <Badge tone="danger">Signature does not verify</Badge>
        ) : signature === 'no-key' ? (
          <Badge tone="warn">Signing key {keyId} is not published</Badge>
        ) : (
          <Badge>Checking the signature…</Badge>
        )}
        {allMatch ? (
          <Badge tone="ok">Every file matches the manifest</Badge>
        ) : (
          <Badge tone="danger">Files differ from the manifest</Badge>
        )}
        <span className="muted">
          Generated {new Date(m.generatedAt).toISOString().replace('T', ' ').slice(0, 19)} UTC for{' '}
          {m.organization.name}
        </span>
      </div>

      {bars && (
        <section aria-label="Summary" className="figure-grid">
          <Bars
            title="Endpoints in scope vs protected"
            bars={bars.protection}
            tone={(_, i) => (i === 0 ? 'info' : 'ok')}
          />
          <Bars title="Exposure" bars={bars.exposure} tone={() => 'warn'} />
          <Bars title="Policy changes" bars={bars.changes} tone={(_, i) => (i === 2 ? 'danger' : 'info')} />
          <Bars title="Nodes encrypting in transit" bars={bars.encryption} tone={() => 'ok'} />
          {bars.protection.length === 0 && bars.changes.length === 0 && bars.encryption.length === 0 && (
            <p className="muted">No endpoint was in scope during this interval.</p>
          )}
        </section>
      )}
      {result && result.notes.length > 0 && (
        <ul className="muted" aria-label="Notes">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}

      {result && result.endpoints.length > 0 && (
        <Table
          caption={`Endpoints (${result.endpoints.length}${result.endpoints.length > TABLE_ROWS ? `, first ${TABLE_ROWS} shown; all in endpoints.csv` : ''})`}
          columns={[
            'Cluster',
            'Endpoint',
            'Service account',
            'Ingress protected',
            'Egress protected',
            ...(result.report.type === 'network-access'
              ? ['From internet', 'To internet', 'From other ns', 'To other ns']
              : []),
            'Policies',
            'Differs from Calico',
          ]}
        >
          {result.endpoints.slice(0, TABLE_ROWS).map((e) => (
            <tr key={`${e.cluster}/${e.endpoint}`}>
              <td>{e.cluster}</td>
              <td>{e.endpoint}</td>
              <td>{e.serviceAccount}</td>
              <td>{yes(e.ingressProtected)}</td>
              <td>{yes(e.egressProtected)}</td>
              {result.report.type === 'network-access' && (
                <>
                  <td>{yes(e.ingressFromInternet)}</td>
                  <td>{yes(e.egressToInternet)}</td>
                  <td>{yes(e.ingressFromOtherNamespace)}</td>
                  <td>{yes(e.egressToOtherNamespace)}</td>
                </>
              )}
              <td>{e.appliedPolicies.join(', ')}</td>
              <td>{e.differsFromCalico.join(', ')}</td>
            </tr>
          ))}
        </Table>
      )}
      {result?.encryption && result.encryption.clusters.length > 0 && (
        <Table
          caption={`Clusters (${result.encryption.clusters.length}; every node in nodes.csv)`}
          columns={['Cluster', 'Nodes', 'Encrypting', 'Coverage', 'Dataplanes', 'Calico versions']}
        >
          {result.encryption.clusters.slice(0, TABLE_ROWS).map((c) => (
            <tr key={c.cluster}>
              <td>{c.cluster}</td>
              <td>{c.nodes}</td>
              <td>{c.encryptingNodes}</td>
              <td>{`${(c.coverage * 100).toFixed(0)} %`}</td>
              <td>{c.dataplanes.join(', ')}</td>
              <td>{c.calicoVersions.join(', ')}</td>
            </tr>
          ))}
        </Table>
      )}
      {result && result.namespaces.length > 0 && (
        <Table
          caption="Namespaces"
          columns={['Cluster', 'Namespace', 'Endpoints', 'Ingress protected', 'Egress protected']}
        >
          {result.namespaces.slice(0, TABLE_ROWS).map((n) => (
            <tr key={`${n.cluster}/${n.namespace}`}>
              <td>{n.cluster}</td>
              <td>{n.namespace}</td>
              <td>{n.endpointsInScope}</td>
              <td>{yes(n.ingressProtected)}</td>
              <td>{yes(n.egressProtected)}</td>
            </tr>
          ))}
        </Table>
      )}
      {result && result.services.length > 0 && (
        <Table caption="Services" columns={['Cluster', 'Service', 'Endpoints', 'Ingress protected']}>
          {result.services.slice(0, TABLE_ROWS).map((s) => (
            <tr key={`${s.cluster}/${s.service}`}>
              <td>{s.cluster}</td>
              <td>{s.service}</td>
              <td>{s.endpointsInScope}</td>
              <td>{yes(s.ingressProtected)}</td>
            </tr>
          ))}
        </Table>
      )}
      {result && result.report.type === 'policy-audit' && (
        <Table
          caption={`Policy changes (${result.events.length})`}
          columns={['When', 'Change', 'Resource', 'By', 'Fields changed']}
        >
          {result.events.slice(0, TABLE_ROWS).map((e) => (
            <tr key={e.seq}>
              <td>{new Date(e.occurredAt).toISOString().replace('T', ' ').slice(0, 19)}</td>
              <td>{e.verb}</td>
              <td>{e.resource}</td>
              <td>{e.user.label}</td>
              <td>{e.diff.length}</td>
            </tr>
          ))}
        </Table>
      )}

      <section className="card stack" aria-label="Downloads">
        <h3 style={{ margin: 0, fontSize: 15 }}>Downloads</h3>
        <div className="row">
          <DownloadButton name={archive.filename} bytes={zipBytes} primary>
            Download evidence (zip)
          </DownloadButton>
          <span className="muted">
            {archive.filename}, {archive.size} bytes, SHA-256 <code>{archive.sha256}</code>
          </span>
        </div>
        <Table
          caption="Files in the archive"
          captionHidden
          columns={['File', 'Size', 'SHA-256', 'Matches manifest']}
        >
          {evidence.files.map((f) => (
            <tr key={f.name} className="compliance-files">
              <td>
                <DownloadButton name={f.name} bytes={f.bytes} />
              </td>
              <td>{f.bytes.length}</td>
              <td>{f.sha256}</td>
              <td>{f.matches ? 'yes' : 'NO'}</td>
            </tr>
          ))}
          <tr className="compliance-files">
            <td>
              <DownloadButton name="manifest.json" bytes={evidence.manifestBytes} />
            </td>
            <td>{evidence.manifestBytes.length}</td>
            <td colSpan={2}>signed by manifest.sig</td>
          </tr>
          <tr className="compliance-files">
            <td>
              <DownloadButton name="manifest.sig" bytes={evidence.signature} />
            </td>
            <td>{evidence.signature.length}</td>
            <td colSpan={2}>ECDSA P-256 over SHA-256, DER</td>
          </tr>
        </Table>
      </section>

      <section className="card stack" aria-label="How to verify">
        <h3 style={{ margin: 0, fontSize: 15 }}>How to verify</h3>
        <p style={{ margin: 0 }}>
          Take the public key from Palisade, never from the archive: key <code>{keyId}</code>
          {key ? (
            <>
              {' '}
              (valid from {key.notBefore}
              {key.notAfter ? ` to ${key.notAfter}` : ''}) —{' '}
              {keyBytes && (
                <DownloadButton name="key.pem" bytes={keyBytes}>
                  Download key.pem
                </DownloadButton>
              )}
            </>
          ) : (
            ' is not in the published key list.'
          )}
          . Then, in a shell:
        </p>
        <pre className="compliance-commands" aria-label="Verification commands">
          {verifyCommands(archive.filename, keyId ?? '')}
        </pre>
        <div>
          <CopyButton text={verifyCommands(archive.filename, keyId ?? '')} label="Copy commands" />
        </div>
        <details>
          <summary>manifest.json</summary>
          <pre className="compliance-commands">{new TextDecoder().decode(evidence.manifestBytes)}</pre>
        </details>
      </section>
    </div>
  );
}

export function OpenReportButton({ busy, onOpen }: { busy: boolean; onOpen: () => void }) {
  return (
    <Button size="small" busy={busy} onClick={onOpen}>
      View report
    </Button>
  );
}
