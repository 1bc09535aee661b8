// Signed evidence as an auditor checks it, with stock tools: the run's zip downloaded through the
// API, `openssl dgst -sha256 -verify key.pem -signature manifest.sig manifest.json` with the key
// the API publishes, `sha256sum -c SHA256SUMS`; one changed byte anywhere fails; a run signed
// before a key rotation still verifies. The PDF is valid (pdfinfo), byte-identical for the same
// result, and its first page is rendered to test-artifacts/. The audit-log export verifies with
// openssl, sha256sum and scripts/verify-audit-export.mjs. Every download is an audit event.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceKeys } from '../../src/modules/compliance-reports/evidence-keys.js';
import { renderPdf } from '../../src/modules/compliance-reports/report-pdf.js';
import type { ReportResult } from '../../src/modules/compliance-reports/report-result.js';
import { Database } from '../../src/platform/db/database.js';
import type { RunningWorker } from '../../src/worker.js';
import { type Caller, TestContext } from '../context.js';
import { count, expectData, expectError } from '../factories/members.js';
import { clearRedis, clusterWithInventory, finished, startTestWorker } from './support.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const ARTIFACTS = join(REPO, 'test-artifacts');
const HOUR = 3_600_000;

let ctx: TestContext;
let worker: RunningWorker;
let db: Database;
let slug: string;
let orgId: string;
let owner: Caller;
let auditor: Caller;
let viewer: Caller;
const scratch = mkdtempSync(join(tmpdir(), 'palisade-evidence-'));

interface Archive {
  filename: string;
  size: number;
  sha256: string;
  base64: string;
  manifest: {
    signature: { keyId: string };
    files: { name: string; sha256: string }[];
    subject: Record<string, unknown>;
  };
}

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Unzips an archive into a fresh directory; returns the directory. */
function unpack(a: Archive, name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const files = unzipSync(Buffer.from(a.base64, 'base64'));
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, file), bytes);
  return dir;
}

async function publishedKey(id: string, dir: string): Promise<{ notAfter: string | null }> {
  const keys = expectData(
    await ctx.gql<{
      evidenceSigningKeys: { id: string; algorithm: string; publicKeyPem: string; notAfter: string | null }[];
    }>(null, '{ evidenceSigningKeys { id algorithm publicKeyPem notBefore notAfter } }'),
  ).evidenceSigningKeys;
  const key = keys.find((k) => k.id === id);
  expect(key?.algorithm).toBe('ECDSA-P256-SHA256');
  writeFileSync(join(dir, 'key.pem'), key!.publicKeyPem);
  return key!;
}

const verify = (dir: string) =>
  sh(
    'openssl',
    ['dgst', '-sha256', '-verify', 'key.pem', '-signature', 'manifest.sig', 'manifest.json'],
    dir,
  );
const checksums = (dir: string) => sh('sha256sum', ['-c', 'SHA256SUMS'], dir);

function flipByte(file: string, at = 10): void {
  const b = readFileSync(file);
  b[at] = b[at]! ^ 0x01;
  writeFileSync(file, b);
}

async function runAndDownload(start: Date, end: Date): Promise<{ runId: string; archive: Archive }> {
  const r = expectData(
    await ctx.gql<{ runReport: { id: string } }>(
      auditor,
      'mutation($i: RunReportInput!) { runReport(input: $i) { id } }',
      {
        i: { orgSlug: slug, name: 'access', start: start.toISOString(), end: end.toISOString() },
      },
    ),
  );
  expect((await finished(ctx, auditor, slug, r.runReport.id)).status).toBe('SUCCEEDED');
  const d = expectData(
    await ctx.gql<{ downloadReportRun: Archive }>(
      auditor,
      'mutation($i: DownloadReportRunInput!) { downloadReportRun(input: $i) { filename size sha256 base64 manifest } }',
      { i: { orgSlug: slug, runId: r.runReport.id } },
    ),
  );
  return { runId: r.runReport.id, archive: d.downloadReportRun };
}

const base = new Date();
base.setUTCMinutes(0, 0, 0);

beforeAll(async () => {
  ctx = await TestContext.start();
  db = new Database(ctx.env.DATABASE_URL, 2);
  const org = await ctx.newOrg();
  slug = org.slug;
  orgId = org.orgId;
  owner = await ctx.tokenCaller(slug, 'owner');
  auditor = await ctx.tokenCaller(slug, 'auditor');
  viewer = await ctx.tokenCaller(slug, 'viewer');
  await clusterWithInventory(
    ctx,
    owner,
    slug,
    orgId,
    'prod',
    { env: 'prod' },
    {
      namespaces: [{ name: 'shop' }, { name: 'client' }],
      pods: [
        { namespace: 'shop', name: 'web-1', labels: { app: 'web' }, ip: '10.0.0.1' },
        { namespace: 'client', name: 'client-1', labels: { app: 'client' }, ip: '10.0.1.1' },
      ],
    },
  );
  expectData(
    await ctx.gql(owner, 'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }', {
      i: {
        orgSlug: slug,
        yaml: "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: app == 'web'\n  ingress:\n    - action: Allow\n      source:\n        selector: app == 'client'\n        namespaceSelector: all()\n",
      },
    }),
  );
  expectData(
    await ctx.gql(
      owner,
      'mutation($i: CreateReportDefinitionInput!) { createReportDefinition(input: $i) { id } }',
      {
        i: { orgSlug: slug, name: 'access', type: 'NETWORK_ACCESS', schedule: '0 0 * * *' },
      },
    ),
  );
  worker = await startTestWorker(ctx);
});

afterAll(async () => {
  await worker?.close();
  await db?.close();
  if (ctx) await clearRedis(ctx);
  await ctx?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('report evidence', () => {
  let first: { runId: string; archive: Archive };
  let firstDir: string;

  beforeAll(async () => {
    first = await runAndDownload(new Date(base.getTime() - 2 * HOUR), new Date(base.getTime() - HOUR));
    firstDir = unpack(first.archive, 'first');
  });

  it('holds Calico’s files, the JSON, the PDF, SHA256SUMS, manifest.json and manifest.sig', () => {
    const names = Object.keys(unzipSync(Buffer.from(first.archive.base64, 'base64'))).sort();
    expect(names).toEqual([
      'SHA256SUMS',
      'endpoints.csv',
      'manifest.json',
      'manifest.sig',
      'report.json',
      'report.pdf',
      'summary.csv',
    ]);
    expect(first.archive.filename).toMatch(/^access-\d{8}T\d{4}\.zip$/);
    const manifest = JSON.parse(
      readFileSync(join(firstDir, 'manifest.json'), 'utf8'),
    ) as Archive['manifest'] & Record<string, unknown>;
    expect(manifest).toEqual(first.archive.manifest);
    expect(manifest).toMatchObject({
      format: 'palisade.evidence-manifest/v1',
      kind: 'compliance-report',
      organization: { id: orgId, slug },
      subject: { runId: first.runId, definition: 'access', type: 'network-access' },
      signature: { algorithm: 'ECDSA-P256-SHA256', encoding: 'DER', file: 'manifest.sig' },
      checksums: 'SHA256SUMS',
      auditChainHead: { seq: expect.stringMatching(/^\d+$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    // Every file, SHA256SUMS included, is listed with its hash.
    for (const f of manifest.files) {
      const r = sh('sha256sum', [f.name], firstDir);
      expect(r.out.split(' ')[0]).toBe(f.sha256);
    }
    expect(manifest.files.map((f) => f.name).sort()).toEqual(names.filter((n) => !n.startsWith('manifest')));
  });

  it('verifies with openssl and sha256sum; one changed byte fails', async () => {
    await publishedKey(first.archive.manifest.signature.keyId, firstDir);
    expect(verify(firstDir)).toEqual({ status: 0, out: 'Verified OK\n' });
    const sums = checksums(firstDir);
    expect(sums.status).toBe(0);
    expect(sums.out).toContain('endpoints.csv: OK');

    for (const file of ['endpoints.csv', 'report.pdf', 'report.json']) {
      const dir = unpack(first.archive, `tampered-${file}`);
      writeFileSync(join(dir, 'key.pem'), readFileSync(join(firstDir, 'key.pem')));
      flipByte(join(dir, file));
      expect(checksums(dir).status).not.toBe(0);
      expect(verify(dir).status).toBe(0);
    }
    const dir = unpack(first.archive, 'tampered-manifest');
    writeFileSync(join(dir, 'key.pem'), readFileSync(join(firstDir, 'key.pem')));
    flipByte(join(dir, 'manifest.json'), 40);
    const bad = verify(dir);
    expect(bad.status).not.toBe(0);
    expect(bad.out).toContain('Verification failure');
  });

  it('the PDF is valid, the same bytes for the same result, first page rendered', async () => {
    const info = sh('pdfinfo', ['report.pdf'], firstDir);
    expect(info.status, info.out).toBe(0);
    expect(info.out).toMatch(/Pages:\s+[3-9]/);
    expect(info.out).toMatch(/Producer:\s+Palisade/);
    const [row] = await ctx.sql<{ result: ReportResult }>('SELECT result FROM report_runs WHERE id = $1', [
      first.runId,
    ]);
    const again = await renderPdf(row!.result);
    expect(again.equals(readFileSync(join(firstDir, 'report.pdf')))).toBe(true);
    // Cells drawn without the line wrapper and fonts memoised (decision 0206), content lines
    // handed to pdfkit in batches (decision 0210: several batches per page here, and page numbers
    // written to earlier pages afterwards) give the bytes of every cell through the wrapper, line
    // by line: rows of long (cut with an ellipsis), spaced, hyphenated, empty and repeated values,
    // in both table layouts that have endpoints.
    const [e] = row!.result.endpoints;
    const long = 'very-long-namespace-name-that-does-not-fit/pod-with-an-even-longer-name-0123456789';
    const endpoints = Array.from({ length: 120 }, (_, i) => ({
      ...e!,
      endpoint: i % 3 === 0 ? long : `ns-${i % 7}/pod-${i}`,
      namespace: `ns-${i % 7}`,
      appliedPolicies: i % 2 ? [] : ['default.allow-dns', `tier-${i % 4}.policy with spaces ${i}`],
      differsFromCalico: i % 5 ? [] : ['ingressProtected', 'egressToOtherNamespace'],
      endpointsGeneratingTrafficToThisEndpoint: i % 4 ? [] : [`ns-${i % 3}/client-${i}`],
      ingressProtected: i % 2 === 0,
    }));
    for (const type of ['inventory', 'network-access'] as const) {
      const varied = { ...row!.result, report: { ...row!.result.report, type }, endpoints };
      const [fast, plain] = await Promise.all([renderPdf(varied), renderPdf(varied, { plain: true })]);
      expect(fast.equals(plain), type).toBe(true);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = sh(
      'pdftoppm',
      [
        '-png',
        '-r',
        '60',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        'report.pdf',
        join(ARTIFACTS, 'compliance-report-page1'),
      ],
      firstDir,
    );
    expect(png.status, png.out).toBe(0);
    expect(readFileSync(join(ARTIFACTS, 'compliance-report-page1.png')).subarray(1, 4).toString()).toBe(
      'PNG',
    );
  });

  it('a run signed before a key rotation still verifies; the new key signs new runs', async () => {
    const keys = new EvidenceKeys(db, ctx.env.evidenceKeyEncryptionKey);
    const newKey = await keys.rotate();
    const second = await runAndDownload(
      new Date(base.getTime() - 3 * HOUR),
      new Date(base.getTime() - 2 * HOUR),
    );
    expect(second.archive.manifest.signature.keyId).toBe(newKey);
    const secondDir = unpack(second.archive, 'second');
    expect((await publishedKey(newKey, secondDir)).notAfter).toBeNull();
    expect(verify(secondDir).status).toBe(0);

    const oldDir = unpack(first.archive, 'first-after-rotation');
    const old = await publishedKey(first.archive.manifest.signature.keyId, oldDir);
    expect(old.notAfter).not.toBeNull();
    expect(verify(oldDir)).toEqual({ status: 0, out: 'Verified OK\n' });
    // And not with the new key.
    writeFileSync(join(oldDir, 'key.pem'), readFileSync(join(secondDir, 'key.pem')));
    expect(verify(oldDir).status).not.toBe(0);
  });

  it('every download is an audit event; viewers, unfinished runs and other organisations get nothing', async () => {
    const downloads = () =>
      count(ctx, 'audit_events', "org_id = $1 AND action = 'report_run.download'", [orgId]);
    expect(await downloads()).toBe(2);
    const q = 'mutation($i: DownloadReportRunInput!) { downloadReportRun(input: $i) { sha256 } }';
    expectError(await ctx.gql(viewer, q, { i: { orgSlug: slug, runId: first.runId } }), 'FORBIDDEN');
    const other = await ctx.newOrg();
    const otherOwner = await ctx.tokenCaller(other.slug, 'owner');
    expectError(
      await ctx.gql(otherOwner, q, { i: { orgSlug: other.slug, runId: first.runId } }),
      'NOT_FOUND',
    );
    expectError(await ctx.gql(owner, q, { i: { orgSlug: slug, runId: 'not-a-run' } }), 'VALIDATION_FAILED', [
      'input',
      'runId',
    ]);
    const [queued] = await ctx.sql<{ id: string }>(
      `INSERT INTO report_runs (org_id, definition_id, definition_name, report_type, spec, trigger, interval_start, interval_end, requested_by)
       SELECT org_id, definition_id, definition_name, report_type, spec, trigger, interval_start - interval '1 day', interval_end - interval '1 day', 'test'
         FROM report_runs WHERE id = $1 RETURNING id`,
      [first.runId],
    );
    expectError(await ctx.gql(owner, q, { i: { orgSlug: slug, runId: queued!.id } }), 'PRECONDITION_FAILED');
    expect(await downloads()).toBe(2);
  });
});

describe('audit-log export', () => {
  it('verifies with openssl, sha256sum and the documented script; a changed event fails the script', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - HOUR);
    const exported = expectData(
      await ctx.gql<{ exportAuditLog: Archive }>(
        auditor,
        'mutation($i: ExportAuditLogInput!) { exportAuditLog(input: $i) { filename size sha256 base64 manifest } }',
        { i: { orgSlug: slug, from: from.toISOString(), to: to.toISOString() } },
      ),
    ).exportAuditLog;
    const dir = unpack(exported, 'audit');
    await publishedKey(exported.manifest.signature.keyId, dir);
    expect(verify(dir)).toEqual({ status: 0, out: 'Verified OK\n' });
    expect(checksums(dir).status).toBe(0);
    const events = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(events.length).toBe(exported.manifest.subject['events']);
    expect(events.length).toBeGreaterThan(3);
    const script = join(REPO, 'scripts/verify-audit-export.mjs');
    const ok = sh(process.execPath, [script, dir], dir);
    expect(ok.status, ok.out).toBe(0);
    expect(ok.out).toMatch(new RegExp(`^OK: ${events.length} events`));

    // The export itself is an audit event, after the exported range's head.
    expect(await count(ctx, 'audit_events', "org_id = $1 AND action = 'audit_log.export'", [orgId])).toBe(1);

    const tampered = events.map((l, i) => (i === 1 ? l.replace('"actorLabel":"', '"actorLabel":"x') : l));
    writeFileSync(join(dir, 'audit.jsonl'), `${tampered.join('\n')}\n`);
    const bad = sh(process.execPath, [script, dir], dir);
    expect(bad.status).toBe(1);
    expect(bad.out).toMatch(/FAILED: seq \d+: its hash does not match its contents/);
    expect(checksums(dir).status).not.toBe(0);
  });

  it('refuses a future range and a viewer', async () => {
    const q = 'mutation($i: ExportAuditLogInput!) { exportAuditLog(input: $i) { sha256 } }';
    const now = Date.now();
    expectError(
      await ctx.gql(auditor, q, {
        i: {
          orgSlug: slug,
          from: new Date(now - HOUR).toISOString(),
          to: new Date(now + HOUR).toISOString(),
        },
      }),
      'VALIDATION_FAILED',
      ['input', 'to'],
    );
    expectError(
      await ctx.gql(viewer, q, {
        i: { orgSlug: slug, from: new Date(now - HOUR).toISOString(), to: new Date(now).toISOString() },
      }),
      'FORBIDDEN',
    );
  });
});
