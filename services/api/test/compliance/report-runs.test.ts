// Report runs: on demand for a past interval and from schedule ticks, as BullMQ jobs run by the
// real worker; idempotent per definition and interval; at most N running per organisation;
// retried, then failed with the reason; status and Calico's history queryable.
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@palisade/testing';
import { ComplianceReportsRepository } from '../../src/modules/compliance-reports/compliance-reports.repository.js';
import { ReportRunProcessor } from '../../src/modules/compliance-reports/jobs/report-run.processor.js';
import { ReportTickProcessor } from '../../src/modules/compliance-reports/jobs/report-tick.processor.js';
import { ComplianceReportComputer } from '../../src/modules/compliance-reports/report-computer.js';
import { EvidenceKeys } from '../../src/modules/compliance-reports/evidence-keys.js';
import { ReportSealer } from '../../src/modules/compliance-reports/report-sealer.js';
import { Database } from '../../src/platform/db/database.js';
import type { RunningWorker } from '../../src/worker.js';
import { type Caller, TestContext } from '../context.js';
import { count, expectData, expectError } from '../factories/members.js';
import {
  RUN_FIELDS,
  type RunView,
  clearRedis,
  clusterWithInventory,
  finished,
  startTestWorker,
} from './support.js';

let ctx: TestContext;
let worker: RunningWorker;
let db: Database;
let slug: string;
let orgId: string;
let owner: Caller;
let auditor: Caller;
let viewer: Caller;

const RUN = `mutation($i: RunReportInput!) { runReport(input: $i) { ${RUN_FIELDS} } }`;
const HOUR = 3_600_000;

function hourAgo(n: number): string {
  const now = new Date();
  now.setUTCMinutes(0, 0, 0);
  return new Date(now.getTime() - n * HOUR).toISOString();
}

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
      namespaces: [{ name: 'shop' }],
      pods: [{ namespace: 'shop', name: 'web-1', labels: { app: 'web' }, ip: '10.0.0.1' }],
    },
  );
  for (const [name, type] of [
    ['hourly-inventory', 'INVENTORY'],
    ['hourly-audit', 'POLICY_AUDIT'],
  ] as const)
    expectData(
      await ctx.gql(
        owner,
        'mutation($i: CreateReportDefinitionInput!) { createReportDefinition(input: $i) { id } }',
        {
          i: { orgSlug: slug, name, type, schedule: '0 * * * *' },
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
});

describe('on-demand runs', () => {
  it('run as jobs to success, with status, progress and Calico’s history', async () => {
    const requested = expectData(
      await ctx.gql<{ runReport: RunView }>(auditor, RUN, {
        i: { orgSlug: slug, name: 'hourly-inventory', start: hourAgo(3), end: hourAgo(2) },
      }),
    ).runReport;
    expect(requested).toMatchObject({
      trigger: 'ON_DEMAND',
      intervalStart: hourAgo(3),
      intervalEnd: hourAgo(2),
    });
    expect(['QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(requested.status);

    const done = await finished(ctx, auditor, slug, requested.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', progress: 100, attempts: 1, error: null });
    const [row] = await ctx.sql<{ result: { report: { runId: string }; endpoints: { endpoint: string }[] } }>(
      'SELECT result FROM report_runs WHERE id = $1',
      [requested.id],
    );
    expect(row!.result.report.runId).toBe(requested.id);
    expect(row!.result.endpoints.map((e) => e.endpoint)).toEqual(['shop/web-1']);

    const d = expectData(
      await ctx.gql<{
        organization: {
          reportDefinition: {
            lastSuccessfulRuns: { id: string }[];
            activeRuns: unknown[];
            runs: { totalCount: number };
          };
        };
      }>(
        viewer,
        'query($s: String!) { organization(slug: $s) { reportDefinition(name: "hourly-inventory") { lastSuccessfulRuns { id } activeRuns { id } runs(first: 5, status: [SUCCEEDED]) { totalCount } } } }',
        { s: slug },
      ),
    ).organization.reportDefinition;
    expect(d.lastSuccessfulRuns.map((r) => r.id)).toEqual([requested.id]);
    expect(d.activeRuns).toEqual([]);
    expect(d.runs.totalCount).toBe(1);
  });

  it('are idempotent per definition and interval', async () => {
    const i = { orgSlug: slug, name: 'hourly-inventory', start: hourAgo(3), end: hourAgo(2) };
    const before = await count(ctx, 'audit_events', "org_id = $1 AND action = 'report_run.request'", [orgId]);
    const again = expectData(await ctx.gql<{ runReport: RunView }>(owner, RUN, { i })).runReport;
    expect(again.status).toBe('SUCCEEDED');
    expect(await count(ctx, 'report_runs', 'org_id = $1', [orgId])).toBe(1);
    expect(await count(ctx, 'audit_events', "org_id = $1 AND action = 'report_run.request'", [orgId])).toBe(
      before,
    );
  });

  it('refuse a future or empty interval, an unknown definition and a viewer, changing nothing', async () => {
    const runs = await count(ctx, 'report_runs', 'org_id = $1', [orgId]);
    const base = { orgSlug: slug, name: 'hourly-inventory', start: hourAgo(3), end: hourAgo(2) };
    const future = new Date(Date.now() + HOUR).toISOString();
    expectError(await ctx.gql(owner, RUN, { i: { ...base, end: future } }), 'VALIDATION_FAILED', [
      'input',
      'end',
    ]);
    expectError(await ctx.gql(owner, RUN, { i: { ...base, start: hourAgo(2) } }), 'VALIDATION_FAILED', [
      'input',
      'start',
    ]);
    expectError(
      await ctx.gql(owner, RUN, {
        i: { ...base, start: new Date(Date.now() - 100 * 24 * HOUR).toISOString() },
      }),
      'VALIDATION_FAILED',
      ['input', 'start'],
    );
    expectError(await ctx.gql(owner, RUN, { i: { ...base, name: 'nope' } }), 'NOT_FOUND');
    expectError(await ctx.gql(viewer, RUN, { i: base }), 'FORBIDDEN');
    expect(await count(ctx, 'report_runs', 'org_id = $1', [orgId])).toBe(runs);
  });
  it('are live: a subscription sees a run running and then succeeded', async () => {
    const client = createClient({
      url: `${ctx.origin.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: auditor.headers['authorization'] },
      retryAttempts: 0,
    });
    const seen: { id: string; status: string; progress: number }[] = [];
    const errors: unknown[] = [];
    const request = async (hoursAgo: number) =>
      expectData(
        await ctx.gql<{ runReport: RunView }>(auditor, RUN, {
          i: {
            orgSlug: slug,
            name: 'hourly-inventory',
            start: hourAgo(hoursAgo + 1),
            end: hourAgo(hoursAgo),
          },
        }),
      ).runReport;
    try {
      client.subscribe<{ reportRunChanged: { id: string; status: string; progress: number } }>(
        {
          query: 'subscription($s: String!) { reportRunChanged(orgSlug: $s) { id status progress } }',
          variables: { s: slug },
        },
        {
          next: (m) => (m.data ? seen.push(m.data.reportRunChanged) : errors.push(m.errors)),
          error: (e) => errors.push(e),
          complete: () => undefined,
        },
      );
      // The server gives no sign that a subscription has started: runs are requested until one
      // shows up on it (each for an interval of its own, so each is a new run).
      let probe = 20;
      await waitFor(
        async () => {
          if (errors.length) throw new Error(JSON.stringify(errors));
          if (seen.length > 0) return true;
          await request(probe++);
          return null;
        },
        'the subscription to deliver an event',
        30_000,
        500,
      );
      const run = await request(10);
      await waitFor(
        () => seen.some((e) => e.id === run.id && e.status === 'SUCCEEDED'),
        'the run to be seen succeeded',
      );
      const mine = seen.filter((e) => e.id === run.id);
      expect(mine.map((e) => e.status)).toContain('RUNNING');
      expect(mine[mine.length - 1]).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
      expect(errors).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});

describe('scheduled runs', () => {
  it('a tick closes each interval since the last tick (newest 3), once', async () => {
    // As if the worker had been away: the last tick five hours ago, the next one due since four.
    await ctx.sql(
      "UPDATE report_definitions SET last_tick_at = $2, next_run_at = $3 WHERE org_id = $1 AND name = 'hourly-audit'",
      [orgId, hourAgo(5), hourAgo(4)],
    );
    const enqueued: string[] = [];
    const tick = new ReportTickProcessor(db, (_org, runId) => {
      enqueued.push(runId);
      return Promise.resolve();
    });
    const first = await tick.run();
    const runs = await ctx.sql<{
      id: string;
      interval_start: Date;
      interval_end: Date;
      trigger: string;
      requested_by: string;
    }>(
      "SELECT id, interval_start, interval_end, trigger, requested_by FROM report_runs WHERE org_id = $1 AND definition_name = 'hourly-audit' ORDER BY interval_start",
      [orgId],
    );
    expect(
      runs.map((r) => [
        r.interval_start.toISOString(),
        r.interval_end.toISOString(),
        r.trigger,
        r.requested_by,
      ]),
    ).toEqual([
      [hourAgo(3), hourAgo(2), 'scheduled', 'schedule'],
      [hourAgo(2), hourAgo(1), 'scheduled', 'schedule'],
      [hourAgo(1), hourAgo(0), 'scheduled', 'schedule'],
    ]);
    expect(first.runs.sort()).toEqual(runs.map((r) => r.id).sort());
    expect(enqueued.sort()).toEqual(runs.map((r) => r.id).sort());
    const [d] = await ctx.sql<{ last_tick_at: Date; next_run_at: Date }>(
      "SELECT last_tick_at, next_run_at FROM report_definitions WHERE org_id = $1 AND name = 'hourly-audit'",
      [orgId],
    );
    expect(d!.last_tick_at.toISOString()).toBe(hourAgo(0));
    expect(d!.next_run_at.getTime()).toBe(new Date(hourAgo(0)).getTime() + HOUR);

    // Nothing is due any more: a second tick creates and enqueues nothing.
    const second = await tick.run();
    expect(second.runs).toEqual([]);
    expect(await count(ctx, 'report_runs', "org_id = $1 AND definition_name = 'hourly-audit'", [orgId])).toBe(
      3,
    );

    // The worker (the tick enqueued into nothing here) runs them when they are enqueued for real.
    for (const r of runs)
      await worker.queue('compliance').add('compliance.run', { orgId, runId: r.id }, { jobId: r.id });
    for (const r of runs) expect((await finished(ctx, owner, slug, r.id)).status).toBe('SUCCEEDED');
  });

  it('a suspended definition is not due; resuming starts from its latest tick', async () => {
    expectData(
      await ctx.gql(
        owner,
        'mutation($i: UpdateReportDefinitionInput!) { updateReportDefinition(input: $i) { id } }',
        {
          i: { orgSlug: slug, name: 'hourly-inventory', suspend: true },
        },
      ),
    );
    // Even with a next run in the past, a suspended definition is not due.
    await ctx.sql(
      "UPDATE report_definitions SET next_run_at = $2 WHERE org_id = $1 AND name = 'hourly-inventory'",
      [orgId, hourAgo(2)],
    );
    const runs = await count(ctx, 'report_runs', 'org_id = $1', [orgId]);
    const tick = new ReportTickProcessor(db, () => Promise.resolve());
    expect((await tick.run()).runs).toEqual([]);
    expect(await count(ctx, 'report_runs', 'org_id = $1', [orgId])).toBe(runs);
    expectData(
      await ctx.gql(
        owner,
        'mutation($i: UpdateReportDefinitionInput!) { updateReportDefinition(input: $i) { id } }',
        {
          i: { orgSlug: slug, name: 'hourly-inventory', suspend: false },
        },
      ),
    );
    const [d] = await ctx.sql<{ last_tick_at: Date }>(
      "SELECT last_tick_at FROM report_definitions WHERE org_id = $1 AND name = 'hourly-inventory'",
      [orgId],
    );
    expect(d!.last_tick_at.toISOString()).toBe(hourAgo(0));
  });
});

describe('limits and failures', () => {
  it('at most N runs of one organisation are claimed at once', async () => {
    const repo = new ComplianceReportsRepository();
    const ids = (
      await ctx.sql<{ id: string }>(
        "SELECT id FROM report_runs WHERE org_id = $1 AND definition_name = 'hourly-audit' ORDER BY interval_start",
        [orgId],
      )
    ).map((r) => r.id);
    await ctx.sql("UPDATE report_runs SET status = 'queued' WHERE id = ANY($1::uuid[])", [ids]);
    const claim = (id: string, limit: number) =>
      db.inOrg({ orgId }, (tx) => repo.claim(tx, orgId, id, limit));
    expect(await claim(ids[0]!, 1)).toBe('claimed');
    expect(await claim(ids[1]!, 1)).toBe('busy');
    expect(await claim(ids[1]!, 2)).toBe('claimed');
    // A redelivered job of a run that is already running claims it again (its own slot).
    expect(await claim(ids[0]!, 2)).toBe('claimed');
    await ctx.sql("UPDATE report_runs SET status = 'succeeded' WHERE id = ANY($1::uuid[])", [
      ids.slice(0, 2),
    ]);
    expect(await claim(ids[2]!, 1)).toBe('claimed');
    expect(await claim(ids[0]!, 5)).toBe('done');
  });

  it('a failing computation is retried, then fails with its reason', async () => {
    // A cluster whose stored inventory the engine refuses (an address that is not one).
    const broken = await ctx.newOrg();
    const brokenOwner = await ctx.tokenCaller(broken.slug, 'owner');
    await clusterWithInventory(
      ctx,
      brokenOwner,
      broken.slug,
      broken.orgId,
      'bad',
      {},
      {
        namespaces: [{ name: 'x' }],
        pods: [{ namespace: 'x', name: 'p', ip: 'not-an-address' }],
      },
    );
    expectData(
      await ctx.gql(
        brokenOwner,
        'mutation($i: CreateReportDefinitionInput!) { createReportDefinition(input: $i) { id } }',
        {
          i: { orgSlug: broken.slug, name: 'inv', type: 'INVENTORY', schedule: '0 0 * * *' },
        },
      ),
    );
    // The run is created as the API does, then driven by a queue of this test's own (so the
    // retries need not wait the catalogue's backoff).
    const repo = new ComplianceReportsRepository();
    const { run } = await db.inOrg({ orgId: broken.orgId }, async (tx) => {
      const d = (await repo.find(tx, broken.orgId, 'inv'))!;
      return repo.upsertRun(tx, broken.orgId, {
        definitionId: d.id,
        definitionName: d.name,
        spec: {
          reportType: 'inventory',
          schedule: d.schedule,
          suspend: false,
          scope: {
            endpointSelector: '',
            namespaceNames: [],
            namespaceSelector: '',
            serviceAccountNames: [],
            serviceAccountSelector: '',
            clusterSelector: '',
          },
        },
        trigger: 'on_demand',
        intervalStart: new Date(hourAgo(2)),
        intervalEnd: new Date(hourAgo(1)),
        requestedBy: 'test',
      });
    });
    const prefix = `palisade-runs-test-${randomBytes(4).toString('hex')}`;
    const connection = new Redis(ctx.env.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('compliance', { connection, prefix });
    const events = new QueueEvents('compliance', { connection: connection.duplicate(), prefix });
    const processor = new ReportRunProcessor(
      db,
      new ComplianceReportComputer(db),
      new ReportSealer(db, new EvidenceKeys(db, ctx.env.evidenceKeyEncryptionKey)),
    );
    const w = new Worker('compliance', (job, token) => processor.run(job, token), { connection, prefix });
    try {
      await events.waitUntilReady();
      const job = await queue.add(
        'compliance.run',
        { orgId: broken.orgId, runId: run.id },
        {
          jobId: run.id,
          attempts: 2,
          backoff: { type: 'fixed', delay: 10 },
        },
      );
      await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/not-an-address/);
      const failed = await waitFor(async () => {
        const [r] = await ctx.sql<{ status: string; attempts: number; error: string | null }>(
          'SELECT status, attempts, error FROM report_runs WHERE id = $1',
          [run.id],
        );
        return r?.status === 'failed' ? r : null;
      }, 'the run to fail');
      expect(failed.attempts).toBe(2);
      expect(failed.error).toMatch(/not-an-address/);
      const view = expectData(
        await ctx.gql<{
          organization: {
            reportDefinition: { lastFailedRuns: { id: string; error: string; status: string }[] };
          };
        }>(
          brokenOwner,
          'query($s: String!) { organization(slug: $s) { reportDefinition(name: "inv") { lastFailedRuns { id error status } } } }',
          { s: broken.slug },
        ),
      ).organization.reportDefinition;
      expect(view.lastFailedRuns).toEqual([{ id: run.id, status: 'FAILED', error: failed.error }]);
    } finally {
      await w.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });
});
