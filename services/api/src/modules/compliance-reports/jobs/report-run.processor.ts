// The `compliance.run` job: computes one report run. Thin: claims the run (at most
// REPORT_RUNS_PER_ORG running per organisation; a job over the limit is put back, delayed,
// without using up an attempt), computes it through ReportComputer, seals its signed evidence,
// stores result and evidence in one transaction. A failed
// attempt goes back to queued with its reason; the last one marks the run failed. Idempotent: a
// finished run is never computed again, whatever BullMQ redelivers.
import { DelayedError, type Job } from 'bullmq';
import type { Database } from '../../../platform/db/database.js';
import type { JobPayloads } from '../../../platform/queue/catalogue.js';
import { ComplianceReportsRepository, type RunRow } from '../compliance-reports.repository.js';
import { EvidenceRepository } from '../evidence.repository.js';
import type { SealedEvidence } from '../report-evidence.js';
import type { ReportResult } from '../report-result.js';

/** Runs of one organisation computed at once (Calico keeps at most 5 active report jobs). */
export const REPORT_RUNS_PER_ORG = 2;
/** How long a job over the organisation's limit waits before it tries again. */
export const BUSY_RETRY_MS = 5_000;

export type Progress = (percent: number) => Promise<void>;

/** Computes a run's result (stored in report_runs.result and exported). */
export interface ReportComputer {
  compute(run: RunRow, progress: Progress): Promise<ReportResult>;
}

/** Makes a result's signed evidence archive. */
export interface ReportSealing {
  seal(run: RunRow, result: ReportResult): Promise<SealedEvidence>;
}

export interface RunOutcome {
  runId: string;
  outcome: 'succeeded' | 'skipped';
}

export class ReportRunProcessor {
  private readonly repo = new ComplianceReportsRepository();
  private readonly evidence = new EvidenceRepository();

  constructor(
    private readonly db: Database,
    private readonly computer: ReportComputer,
    private readonly sealer: ReportSealing,
    private readonly perOrg = REPORT_RUNS_PER_ORG,
    /** Told after every status change (the worker publishes it for subscriptions). */
    private readonly changed: (orgId: string, runId: string) => Promise<void> = () => Promise.resolve(),
  ) {}

  async run(job: Job<JobPayloads['compliance.run']>, token?: string): Promise<RunOutcome> {
    const { orgId, runId } = job.data;
    const claim = await this.db.inOrg({ orgId }, (tx) => this.repo.claim(tx, orgId, runId, this.perOrg));
    if (claim === 'done') return { runId, outcome: 'skipped' };
    if (claim === 'busy') {
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    await this.changed(orgId, runId);
    try {
      const run = await this.db.inOrg({ orgId }, (tx) => this.repo.runWithResult(tx, orgId, runId));
      if (!run) return { runId, outcome: 'skipped' };
      let last = -1;
      const result = await this.computer.compute(run, async (percent) => {
        const p = Math.max(0, Math.min(99, Math.floor(percent)));
        if (p === last) return;
        last = p;
        await this.db.inOrg({ orgId }, (tx) => this.repo.progress(tx, orgId, runId, p));
        await this.changed(orgId, runId);
      });
      const sealed = await this.sealer.seal(run, result);
      await this.db.inOrg({ orgId }, async (tx) => {
        await this.repo.succeed(tx, orgId, runId, result);
        await this.evidence.addEvidence(tx, orgId, {
          runId,
          keyId: sealed.keyId,
          manifest: sealed.manifest,
          archive: sealed.archive,
          archiveSha256: sealed.archiveSha256,
        });
      });
      await this.changed(orgId, runId);
      return { runId, outcome: 'succeeded' };
    } catch (err) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const reason = err instanceof Error ? err.message : String(err);
      await this.db.inOrg({ orgId }, (tx) => this.repo.attemptFailed(tx, orgId, runId, reason, final));
      await this.changed(orgId, runId);
      throw err;
    }
  }
}
