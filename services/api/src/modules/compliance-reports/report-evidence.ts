// Signed evidence (decision 0068). A sealed archive holds the evidence files, `SHA256SUMS` (the
// files' SHA-256 in `sha256sum -c` format), `manifest.json` (what, whose, which scope and
// interval, when, the signing key id, every file's name and SHA-256 including SHA256SUMS, and the
// audit chain's head at sealing) and `manifest.sig` (ECDSA P-256 over SHA-256 of manifest.json's
// bytes, DER). An auditor checks the signature with openssl and the files with sha256sum; the zip
// entries carry fixed times so the archive depends only on its contents.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { EvidenceKeys } from './evidence-keys.js';
import { SIGNATURE_ALGORITHM } from './evidence-keys.js';
import { deflateAhead, zipArchive } from './evidence-zip.js';
import { csvFiles } from './report-csv.js';
import { renderPdf } from './report-pdf.js';
import type { ReportResult } from './report-result.js';

export const MANIFEST_FORMAT = 'palisade.evidence-manifest/v1';

export interface EvidenceFile {
  name: string;
  bytes: Buffer;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  kind: 'compliance-report' | 'audit-log';
  organization: { id: string; slug: string; name: string };
  subject: Record<string, unknown>;
  interval: { start: string; end: string };
  generatedAt: string;
  signature: { keyId: string; algorithm: typeof SIGNATURE_ALGORITHM; encoding: 'DER'; file: 'manifest.sig' };
  auditChainHead: { seq: string; hash: string } | null;
  checksums: 'SHA256SUMS';
  files: { name: string; sha256: string; bytes: number }[];
}

export interface SealedEvidence {
  keyId: string;
  manifest: Manifest;
  archive: Buffer;
  archiveSha256: string;
}

export const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/**
 * The files of a report run: Calico's CSV (and events) files, the whole result, the PDF. Each file
 * but the PDF starts being compressed for the archive (zlib's thread pool) as soon as it exists,
 * so that runs beside the PDF's rendering (decision 0210).
 */
export async function reportFiles(r: ReportResult): Promise<EvidenceFile[]> {
  const files: EvidenceFile[] = [...csvFiles(r)].map(([name, text]) => ({ name, bytes: Buffer.from(text) }));
  if (r.report.type === 'policy-audit') {
    files.push({ name: 'events.json', bytes: Buffer.from(`${JSON.stringify(r.events, null, 2)}\n`) });
    files.push({ name: 'events.yaml', bytes: Buffer.from(stringify(r.events)) });
  }
  files.push({ name: 'report.json', bytes: Buffer.from(`${JSON.stringify(r, null, 2)}\n`) });
  for (const f of files) deflateAhead(f.bytes);
  files.push({ name: 'report.pdf', bytes: await renderPdf(r) });
  return files;
}

/** Seals files into a signed archive with the active key. */
export async function seal(
  keys: EvidenceKeys,
  files: readonly EvidenceFile[],
  about: Omit<Manifest, 'format' | 'signature' | 'checksums' | 'files'>,
): Promise<SealedEvidence> {
  const names = new Set(files.map((f) => f.name));
  for (const reserved of ['SHA256SUMS', 'manifest.json', 'manifest.sig'])
    if (names.has(reserved)) throw new Error(`${reserved} is reserved in an evidence archive`);
  // Each file hashed once, for SHA256SUMS and the manifest alike.
  const hashes = files.map((f) => sha256(f.bytes));
  const sums = Buffer.from(files.map((f, i) => `${hashes[i]}  ${f.name}\n`).join(''));
  hashes.push(sha256(sums));
  const listed = [...files, { name: 'SHA256SUMS', bytes: sums }];
  let manifest: Manifest | null = null;
  const signed = await keys.sign((keyId) => {
    manifest = {
      format: MANIFEST_FORMAT,
      ...about,
      signature: { keyId, algorithm: SIGNATURE_ALGORITHM, encoding: 'DER', file: 'manifest.sig' },
      checksums: 'SHA256SUMS',
      files: listed.map((f, i) => ({ name: f.name, sha256: hashes[i]!, bytes: f.bytes.length })),
    };
    return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  });
  const archive = await zipArchive(
    [...listed, { name: 'manifest.json', bytes: signed.data }, { name: 'manifest.sig', bytes: signed.der }],
    new Date(about.generatedAt),
  );
  return { keyId: signed.keyId, manifest: manifest!, archive, archiveSha256: sha256(archive) };
}
