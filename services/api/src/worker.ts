// Job worker entrypoint (separate from the HTTP server so they scale separately): consumes the
// BullMQ queues named in platform/queue/catalogue.ts; as a process it also serves /healthz,
// /readyz and /metrics on WORKER_PORT (platform/health/worker-health-server.ts).
import '@palisade/node-guard'; // first: stops on a Node.js older than engines.node
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { EnvError, loadEnv, type Env } from './config/env.js';
import { Database } from './platform/db/database.js';
import { FlowPartitionsProcessor } from './modules/flows/jobs/flow-partitions.processor.js';
import { FlowEdgeRollupProcessor } from './modules/flows/jobs/flow-edge-rollup.processor.js';
import { startWorkerHealthServer } from './platform/health/worker-health-server.js';
import { FlowsRepository } from './modules/flows/flows.repository.js';
import { RecommendationsRefreshProcessor } from './modules/recommendations/jobs/recommendations-refresh.processor.js';
import { RecommendationRefresher } from './modules/recommendations/recommendation-refresher.js';
import { RecommendationsRepository } from './modules/recommendations/recommendations.repository.js';
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
  /** What /readyz checks: the worker's own connections. */
  readonly checks: Readonly<Record<string, () => Promise<void>>>;
}

export async function startWorker(env: Env): Promise<RunningWorker> {
  const log = createLogger(env.LOG_LEVEL, 'palisade-worker');
  const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const db = new Database(env.DATABASE_URL, 4);
  const prefix = bullPrefix(env.REDIS_PREFIX);
  const flowPartitions = new FlowPartitionsProcessor(db);
  const flowEdgeRollup = new FlowEdgeRollupProcessor(db);
  const recommendationsRepo = new RecommendationsRepository(db);
  const recommendations = new RecommendationsRefreshProcessor(
    recommendationsRepo,
    new RecommendationRefresher(db, recommendationsRepo, new FlowsRepository(db)),
  );
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
    'flows.roll-up-edges': () => flowEdgeRollup.run(),
    'recommendations.refresh-due': () => recommendations.run(),
    'compliance.tick': () => reportTick.run(),
    'compliance.run': (job, token) => reportRun.run(job as Job<JobPayloads['compliance.run']>, token),
  };

  const queues = new Map<string, Queue>();
  for (const name of Object.values(QUEUES)) queues.set(name, new Queue(name, { connection, prefix }));
  const ensureSchedules = async (): Promise<void> => {
    for (const s of SCHEDULES) {
      await queues.get(s.queue)?.upsertJobScheduler(s.job, { every: s.everyMs }, { name: s.job, data: {} });
    }
  };
  await ensureSchedules();
  // A Redis that comes back without its data (a failover to a lagging replica, a restart without
  // persistence) has lost the schedules: assert them again whenever the connection is ready again
  // (idempotent; decision 0082).
  connection.on('ready', () => {
    ensureSchedules().catch((err: unknown) => log.error({ err }, 'could not re-assert the job schedules'));
  });
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
    checks: {
      database: () => db.ping(),
      redis: async () => {
        await connection.ping();
      },
    },
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
  const health = await startWorkerHealthServer({
    host: env.HOST,
    port: env.WORKER_PORT,
    checks: worker.checks,
  });
  createLogger(env.LOG_LEVEL, 'palisade-worker').info(
    { health: `http://${env.HOST}:${health.port}/healthz` },
    'worker health endpoints listening',
  );
  const stop = () => void Promise.all([health.close(), worker.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
