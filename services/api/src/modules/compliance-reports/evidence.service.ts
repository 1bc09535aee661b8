// Downloads of signed evidence and the signed audit-log export; every download is an audit event
// (report_run.download, audit_log.export) written in the same transaction as the read of what is
// handed out. The audit export holds the chain: each event with its prevHash and hash, so
// scripts/verify-audit-export.mjs can recompute it offline from the first event's prevHash.
import { Inject, Injectable } from '@nestjs/common';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { ComplianceErrors } from './compliance-reports.errors.js';
import { ComplianceReportsRepository } from './compliance-reports.repository.js';
import { EvidenceRepository } from './evidence.repository.js';
import { EvidenceKeys, type PublicKeyInfo } from './evidence-keys.js';
import { seal, type Manifest } from './report-evidence.js';

/** Most events one audit export holds; a longer range must be split. */
export const MAX_EXPORT_EVENTS = 100_000;

export interface Archive {
  filename: string;
  archive: Buffer;
  sha256: string;
  manifest: Manifest;
}

@Injectable()
export class EvidenceService {
  private readonly keys: EvidenceKeys;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(EvidenceRepository) private readonly repo: EvidenceRepository,
    @Inject(ComplianceReportsRepository) private readonly reports: ComplianceReportsRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(ENV) env: Env,
  ) {
    this.keys = new EvidenceKeys(db, env.evidenceKeyEncryptionKey);
  }

  publicKeys(): Promise<PublicKeyInfo[]> {
    return this.keys.publicKeys();
  }

  downloadRun(scope: OrgScope, runId: string): Promise<Archive> {
    return this.db.inOrg(scope, async (tx) => {
      const run = await this.reports.run(tx, scope.orgId, runId);
      if (!run) throw ComplianceErrors.runNotFound();
      const e = await this.repo.evidence(tx, scope.orgId, runId);
      if (!e) throw ComplianceErrors.notFinished();
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'report_run.download',
        targetType: 'report_run',
        targetId: runId,
        after: { definition: run.definitionName, archiveSha256: e.archiveSha256, keyId: e.keyId },
      });
      const day = run.intervalEnd.toISOString().slice(0, 16).replace(/[-:]/g, '');
      return {
        filename: `${run.definitionName}-${day}.zip`,
        archive: Buffer.from(e.archive),
        sha256: e.archiveSha256,
        manifest: e.manifest as unknown as Manifest,
      };
    });
  }

  async exportAuditLog(scope: OrgScope, from: Date, to: Date): Promise<Archive> {
    const read = await this.db.inOrg(
      scope,
      async (tx) => {
        const n = await tx.auditEvent.count({
          where: { orgId: scope.orgId, occurredAt: { gte: from, lt: to } },
        });
        if (n > MAX_EXPORT_EVENTS)
          throw AppError.validation([
            {
              path: ['input', 'from'],
              message: `the range holds ${n} events; export at most ${MAX_EXPORT_EVENTS} at once`,
            },
          ]);
        const events = await tx.auditEvent.findMany({
          where: { orgId: scope.orgId, occurredAt: { gte: from, lt: to } },
          orderBy: { seq: 'asc' },
        });
        return { events, head: await this.repo.auditHead(tx, scope.orgId) };
      },
      { timeoutMs: 60_000 },
    );
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const lines = read.events.map((e) =>
      JSON.stringify({
        orgId: e.orgId,
        seq: e.seq.toString(),
        occurredAt: e.occurredAt.toISOString(),
        actorType: e.actorType,
        actorId: e.actorId,
        actorLabel: e.actorLabel,
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId,
        before: e.before ?? null,
        after: e.after ?? null,
        prevHash: hex(e.prevHash),
        hash: hex(e.hash),
      }),
    );
    const first = read.events[0];
    const last = read.events[read.events.length - 1];
    const generatedAt = new Date().toISOString();
    const sealed = await seal(
      this.keys,
      [{ name: 'audit.jsonl', bytes: Buffer.from(lines.map((l) => `${l}\n`).join('')) }],
      {
        kind: 'audit-log',
        organization: { id: scope.org.id, slug: scope.org.slug, name: scope.org.name },
        subject: {
          events: read.events.length,
          firstSeq: first ? first.seq.toString() : null,
          lastSeq: last ? last.seq.toString() : null,
          anchorPrevHash: first ? hex(first.prevHash) : null,
          lastHash: last ? hex(last.hash) : null,
          verify: 'node scripts/verify-audit-export.mjs <directory>',
        },
        interval: { start: from.toISOString(), end: to.toISOString() },
        generatedAt,
        auditChainHead:
          read.head && read.head.seq > 0n
            ? { seq: read.head.seq.toString(), hash: hex(read.head.hash) }
            : null,
      },
    );
    await this.db.inOrg(scope, (tx) =>
      this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'audit_log.export',
        targetType: 'organization',
        targetId: scope.orgId,
        after: {
          from: from.toISOString(),
          to: to.toISOString(),
          events: read.events.length,
          archiveSha256: sealed.archiveSha256,
          keyId: sealed.keyId,
        },
      }),
    );
    return {
      filename: `audit-log-${scope.org.slug}-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.zip`,
      archive: sealed.archive,
      sha256: sealed.archiveSha256,
      manifest: sealed.manifest,
    };
  }
}
