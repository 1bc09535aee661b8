// Job worker entrypoint (separate from the HTTP server so they scale separately): consumes the
// BullMQ queues named in platform/queue/catalogue.ts.
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { EnvError, loadEnv, type Env } from './config/env.js';
import { Database } from './platform/db/database.js';
import { FlowPartitionsProcessor } from './modules/flows/jobs/flow-partitions.processor.js';
import { ReportRunProcessor } from './modules/compliance-reports/jobs/report-run.processor.js';
import { ReportTickProcessor } from './modules/compliance-reports/jobs/report-tick.processor.js';
import { ComplianceReportComputer } from './modules/compliance-reports/report-computer.js';
import { EvidenceKeys } from './modules/compliance-reports/evidence-keys.js';
import { ReportSealer } from './modules/compliance-reports/report-sealer.js';
import { publishReportRunEvent } from './modules/compliance-reports/report-run-events.js';
import { JobQueue, bullPrefix } from './platform/queue/job-queue.js';
import { createLogger } from './platform/http/logger.js';
import { QUEUES, SCHEDULES, type JobName, type JobPayloads } from './platform/queue/catalogue.js';

export interface RunningWorker {
  close(): Promise<void>;
  queue(name: string): Queue;
}

export async function startWorker(env: Env): Promise<RunningWorker> {
  const log = createLogger(env.LOG_LEVEL, 'palisade-worker');
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const db = new Database(env.DATABASE_URL, 4);
  const prefix = bullPrefix(env.REDIS_PREFIX);
  const flowPartitions = new FlowPartitionsProcessor(db);
  const jobs = new JobQueue(connection, prefix, false);
  const runChanged = (orgId: string, runId: string) =>
    publishReportRunEvent(connection, env.REDIS_PREFIX, { orgId, runId });
  const reportTick = new ReportTickProcessor(db, async (orgId, runId) => {
    await jobs.add('compliance.run', { orgId, runId }, runId);
    await runChanged(orgId, runId);
  });
  const reportRun = new ReportRunProcessor(
    db,
    new ComplianceReportComputer(db),
    new ReportSealer(db, new EvidenceKeys(db, env.evidenceKeyEncryptionKey)),
    undefined,
    runChanged,
  );

  const processors: Record<JobName, (job: Job, token?: string) => Promise<unknown>> = {
    'maintenance.purge-expired-sessions': async () => {
      const r = await db.global((tx) => tx.session.deleteMany({ where: { expiresAt: { lte: new Date() } } }));
      return { purged: r.count };
    },
    'flows.maintain-partitions': () => flowPartitions.run(),
    'compliance.tick': () => reportTick.run(),
    'compliance.run': (job, token) => reportRun.run(job as Job<JobPayloads['compliance.run']>, token),
  };

  const queues = new Map<string, Queue>();
  for (const name of Object.values(QUEUES)) queues.set(name, new Queue(name, { connection, prefix }));
  for (const s of SCHEDULES) {
    await queues.get(s.queue)?.upsertJobScheduler(s.job, { every: s.everyMs }, { name: s.job, data: {} });
  }
  const workers = Object.values(QUEUES).map(
    (name) =>
      new Worker(
        name,
        async (job, token) => {
          const run = processors[job.name as JobName] as
            ((j: Job, token?: string) => Promise<unknown>) | undefined;
          if (!run) throw new Error(`no processor for job ${job.name}`);
          const result = await run(job, token);
          log.info({ queue: name, job: job.name, id: job.id, result }, 'job done');
          return result;
        },
        { connection, prefix, concurrency: 4 },
      ),
  );
  for (const w of workers)
    w.on('failed', (job, err) => log.error({ job: job?.name, id: job?.id, err }, 'job failed'));
  log.info({ queues: [...queues.keys()] }, 'worker started');
  return {
    queue: (name) => {
      const q = queues.get(name);
      if (!q) throw new Error(`unknown queue ${name}`);
      return q;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await jobs.close();
      await Promise.all([...queues.values()].map((q) => q.close()));
      await db.close();
      connection.disconnect();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let env: Env;
  try {
    env = loadEnv();
  } catch (err) {
    console.error(err instanceof EnvError ? err.message : err);
    process.exit(1);
  }
  const worker = await startWorker(env);
  const stop = () => void worker.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
