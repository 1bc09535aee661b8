// Export a time range of the audit log as signed evidence: the range (from the filters by
// default), the download, and what was signed — events, sequence range, archive checksum, key —
// with how to verify it offline and the public key to verify with.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { CopyableText } from '../../../components/ui/copy-button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { plural } from '../../../lib/format';
import { useExportAuditLog, useSigningKeys } from '../api';
import { base64Bytes, defaultExportRange, exportSummary, resolveExportRange } from '../export-range';
import type { AuditSearch } from '../search';

function downloadBytes(filename: string, type: string, bytes: Uint8Array<ArrayBuffer>): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ExportAuditDialog({
  slug,
  open,
  search,
  onClose,
}: {
  slug: string;
  open: boolean;
  search: AuditSearch;
  onClose: () => void;
}) {
  const [range, setRange] = useState(() => defaultExportRange(search, new Date()));
  const [problem, setProblem] = useState<string | null>(null);
  const exporter = useExportAuditLog(slug);
  const done = exporter.data;
  const summary = done ? exportSummary(done.manifest) : null;
  const keys = useSigningKeys(done !== undefined);
  const key = keys.data?.find((k) => k.id === summary?.keyId) ?? keys.data?.[0];
  const close = () => {
    exporter.reset();
    setProblem(null);
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = resolveExportRange(range, new Date());
    if ('error' in r) return setProblem(r.error);
    setProblem(null);
    exporter.mutate(r, {
      onSuccess: (a) => downloadBytes(a.filename, a.contentType, base64Bytes(a.base64)),
    });
  };
  return (
    <Dialog
      open={open}
      title="Export the audit log"
      onClose={close}
      actions={done ? <Button onClick={close}>Close</Button> : undefined}
    >
      {done && summary ? (
        <div className="stack" data-testid="audit-export-result">
          <p role="status">
            Downloaded <span className="mono">{done.filename}</span>:{' '}
            {summary.events === null ? 'events' : plural(summary.events, 'event')}
            {summary.firstSeq ? ` (#${summary.firstSeq} to #${summary.lastSeq ?? '?'})` : ''}, signed with key{' '}
            <span className="mono">{summary.keyId ?? 'unknown'}</span>.
          </p>
          <dl className="props">
            <dt>SHA-256</dt>
            <dd className="mono" data-sha256 style={{ overflowWrap: 'anywhere' }}>
              {done.sha256}
            </dd>
            <dt>Size</dt>
            <dd>{plural(done.size, 'byte')}</dd>
          </dl>
          <h3 style={{ margin: 0, fontSize: 15 }}>How to verify it</h3>
          <p className="muted">
            Unzip it, save the public key below as key.pem, then check the signature of the manifest, the
            files’ checksums, and the hash chain of the events:
          </p>
          <CopyableText
            label="Verification commands"
            text={[
              'openssl dgst -sha256 -verify key.pem -signature manifest.sig manifest.json',
              'sha256sum -c SHA256SUMS',
              'node scripts/verify-audit-export.mjs .',
            ].join('\n')}
          />
          {key && <CopyableText label="Public key" text={key.publicKeyPem.trim()} />}
        </div>
      ) : (
        <form onSubmit={submit} noValidate className="stack">
          <p className="muted">
            A zip of the events in the range with their hashes, checksums and a manifest signed by Palisade,
            so anyone can check offline that nothing was changed, removed or reordered. The export is recorded
            in the audit log.
          </p>
          <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
            <Field label="Export from">
              <Input
                type="datetime-local"
                value={range.from}
                onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))}
              />
            </Field>
            <Field label="Export to" hint="Empty: now">
              <Input
                type="datetime-local"
                value={range.to}
                onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))}
              />
            </Field>
          </div>
          {(problem ?? exporter.error) && (
            <p className="ui-field__error" role="alert">
              {problem ?? errorMessage(exporter.error)}
            </p>
          )}
          <div className="ui-dialog__actions">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={exporter.isPending}>
              Export and download
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
