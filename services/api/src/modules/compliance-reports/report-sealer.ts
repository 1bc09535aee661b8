// Turns a computed report into its signed archive: the files (report-evidence.ts), the
// organisation's audit chain head at this moment, and the signature of the active key.
import type { Database } from '../../platform/db/database.js';
import type { RunRow } from './compliance-reports.repository.js';
import { EvidenceRepository } from './evidence.repository.js';
import type { EvidenceKeys } from './evidence-keys.js';
import { reportFiles, seal, type SealedEvidence } from './report-evidence.js';
import type { ReportResult } from './report-result.js';

export class ReportSealer {
  private readonly repo = new EvidenceRepository();

  constructor(
    private readonly db: Database,
    private readonly keys: EvidenceKeys,
  ) {}

  async seal(run: RunRow, result: ReportResult): Promise<SealedEvidence> {
    const head = await this.db.inOrg({ orgId: run.orgId }, (tx) => this.repo.auditHead(tx, run.orgId));
    return seal(this.keys, await reportFiles(result), {
      kind: 'compliance-report',
      organization: result.organization,
      subject: {
        runId: run.id,
        definition: run.definitionName,
        type: result.report.type,
        trigger: result.report.trigger,
        scope: result.report.scope,
        clusters: result.clusters,
      },
      interval: result.report.interval,
      generatedAt: result.generatedAt,
      auditChainHead:
        head && head.seq > 0n
          ? { seq: head.seq.toString(), hash: Buffer.from(head.hash).toString('hex') }
          : null,
    });
  }
}
