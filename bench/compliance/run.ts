// bench/compliance: an inventory and a network-access report computed by the worker's code
// (ComplianceReportComputer, then the sealer: CSV, JSON, PDF, signed zip) over one cluster of
// BENCH_ENDPOINTS endpoints (default 10,000 in 100 namespaces) and BENCH_POLICIES policies
// (default 1,000, bench/policy's generator) with a week of revisions (BENCH_CHANGES changes,
// default 50, spread over the interval, each re-ordering one policy: every change is a new policy
// state to evaluate). Prints wall time, CPU time and peak RSS per report, the replayed states and
// the machine. Goal (issue 15): < 10 s per report. BENCH_COMPARE=1 also computes each report the
// straightforward way (decision 0150's baseline, quadratic: use a smaller fleet), checks that
// both give the same rows and prints the relative speed-up, which a loaded machine skews less
// than absolute times.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { AdminService } from '../../services/api/src/admin/admin-service.js';
import { loadEnv } from '../../services/api/src/config/env.js';
import { EvidenceKeys } from '../../services/api/src/modules/compliance-reports/evidence-keys.js';
import { ComplianceReportComputer } from '../../services/api/src/modules/compliance-reports/report-computer.js';
import { ReportSealer } from '../../services/api/src/modules/compliance-reports/report-sealer.js';
import type { RunRow } from '../../services/api/src/modules/compliance-reports/compliance-reports.repository.js';
import { Database } from '../../services/api/src/platform/db/database.js';
import { machineLine } from '../lib/machine.js';
import { generateBenchWorld } from '../policy/generate.js';

const ENDPOINTS = Number(process.env['BENCH_ENDPOINTS'] ?? 10_000);
const NAMESPACES = Number(process.env['BENCH_NAMESPACES'] ?? Math.max(1, Math.round(ENDPOINTS / 100)));
const POLICIES = Number(process.env['BENCH_POLICIES'] ?? 1_000);
const CHANGES = Number(process.env['BENCH_CHANGES'] ?? 50);
const TYPES = (process.env['BENCH_TYPES'] ?? 'inventory,network-access').split(',') as (
  'inventory' | 'network-access'
)[];
const COMPARE = process.env['BENCH_COMPARE'] === '1';
const GOAL_S = 10;
const WEEK = 7 * 86_400_000;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main(): Promise<void> {
  console.log(machineLine());
  console.log(
    `world: ${ENDPOINTS} endpoints in ${NAMESPACES} namespaces, ${POLICIES} policies, ${CHANGES} changes over a week`,
  );
  const db = await createMigratedDatabase('palisade_bench_compliance');
  // An interrupted run (timeout, Ctrl-C) still drops its database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void db.drop().finally(() => process.exit(130)));
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  const app = new Database(db.urlAs('palisade_app'), 4);
  try {
    const adminDb = new Database(db.adminUrl, 2);
    const { orgId } = await new AdminService(adminDb).createOrg('bench', 'Bench', 'bench@example.com');
    await adminDb.close();
    const [cluster] = (
      await admin.query<{ id: string }>(
        "INSERT INTO clusters (org_id, name, labels) VALUES ($1, 'bench', '{}') RETURNING id",
        [orgId],
      )
    ).rows;
    const { world } = generateBenchWorld({
      namespaces: NAMESPACES,
      endpoints: ENDPOINTS,
      policies: POLICIES,
      connections: 0,
    });

    // Inventory, as the gateway stores it.
    const rows: [string, string, string, unknown, unknown][] = [];
    for (const n of world.namespaces ?? []) rows.push(['namespace', '', n.name, n.labels ?? {}, n]);
    const accounts = new Set<string>();
    for (const e of world.endpoints ?? []) {
      const sa = e.serviceAccount ?? 'default';
      accounts.add(`${e.namespace}/${sa}`);
      rows.push([
        'endpoint',
        e.namespace,
        e.name,
        e.labels ?? {},
        { ...e, serviceAccount: sa, ports: [], node: 'n' },
      ]);
    }
    for (const a of accounts) {
      const [ns = '', name = ''] = a.split('/');
      rows.push(['service_account', ns, name, {}, { namespace: ns, name, labels: {} }]);
    }
    await admin.query(
      `INSERT INTO cluster_inventory (org_id, cluster_id, kind, namespace, name, labels, data)
       SELECT $1, $2, r->>0, r->>1, r->>2, r->3, r->4 FROM jsonb_array_elements($3::jsonb) AS r`,
      [orgId, cluster!.id, JSON.stringify(rows)],
    );

    // Revisions: everything in force a day before the interval, then CHANGES re-orderings in it.
    const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
    const start = new Date(end.getTime() - WEEK);
    const resources = (world.resources ?? []).map((r) => ({ r, id: randomUUID() }));
    const revisions: unknown[] = resources.map(({ r, id }) => ({
      id,
      kind: r.kind,
      namespace: r.metadata.namespace ?? '',
      name: r.metadata.name,
      revision: 1,
      object: r,
      at: new Date(start.getTime() - 86_400_000).toISOString(),
    }));
    const policies = resources.filter(({ r }) => r.kind.endsWith('NetworkPolicy') && 'spec' in r);
    for (let i = 0; i < CHANGES && policies.length > 0; i++) {
      const { r, id } = policies[(i * 7919) % policies.length]!;
      const spec = { ...(r.spec as Record<string, unknown>), order: 1000 + i };
      revisions.push({
        id,
        kind: r.kind,
        namespace: r.metadata.namespace ?? '',
        name: r.metadata.name,
        revision: 2 + i,
        object: { ...r, spec },
        at: new Date(start.getTime() + ((i + 1) * WEEK) / (CHANGES + 1)).toISOString(),
      });
    }
    await admin.query(
      `INSERT INTO policy_revisions (org_id, resource_id, kind, namespace, name, revision, object, change,
         actor_type, actor_label, created_at)
       SELECT $1, (r->>'id')::uuid, r->>'kind', r->>'namespace', r->>'name', (r->>'revision')::int, r->'object',
              CASE WHEN (r->>'revision')::int = 1 THEN 'created' ELSE 'configured' END, 'system', 'bench',
              (r->>'at')::timestamptz
         FROM jsonb_array_elements($2::jsonb) AS r`,
      [orgId, JSON.stringify(revisions)],
    );
    // The inventory has been running like this since before the interval (inventory history).
    await admin.query('UPDATE cluster_inventory_history SET valid_from = $2 WHERE cluster_id = $1', [
      cluster!.id,
      new Date(start.getTime() - 86_400_000),
    ]);
    console.log(`stored: ${rows.length} inventory rows, ${revisions.length} policy revisions`);

    const env = loadEnv({ NODE_ENV: 'test' });
    const computer = new ComplianceReportComputer(app);
    const sealer = new ReportSealer(app, new EvidenceKeys(app, env.evidenceKeyEncryptionKey));
    for (const type of TYPES) {
      const spec = {
        reportType: type,
        schedule: '0 0 * * 0',
        suspend: false,
        scope: {
          endpointSelector: '',
          namespaceNames: [],
          namespaceSelector: '',
          serviceAccountNames: [],
          serviceAccountSelector: '',
          clusterSelector: '',
        },
      };
      const run = {
        id: randomUUID(),
        orgId,
        definitionId: randomUUID(),
        definitionName: `bench-${type}`,
        reportType: type,
        spec,
        trigger: 'on_demand',
        intervalStart: start,
        intervalEnd: end,
      } as unknown as RunRow;
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const t0 = performance.now();
      const c0 = cpuSeconds();
      const result = await computer.compute(run, () => Promise.resolve());
      const t1 = performance.now();
      const c1 = cpuSeconds();
      const sealed = await sealer.seal(run, result);
      const t2 = performance.now();
      const cpu = cpuSeconds() - c0;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const total = (t2 - t0) / 1000;
      if (COMPARE) {
        const b0 = performance.now();
        const bc0 = cpuSeconds();
        const baseline = await new ComplianceReportComputer(app, undefined, { exhaustive: true }).compute(
          run,
          () => Promise.resolve(),
        );
        const wall = (performance.now() - b0) / 1000;
        const bcpu = cpuSeconds() - bc0;
        const same =
          JSON.stringify([baseline.endpoints, baseline.namespaces, baseline.services]) ===
          JSON.stringify([result.endpoints, result.namespaces, result.services]);
        console.log(
          `${type} straightforward: compute ${wall.toFixed(1)} s wall, ${bcpu.toFixed(1)} s CPU; ` +
            `speed-up ${(wall / ((t1 - t0) / 1000)).toFixed(1)}× wall; same rows: ${same ? 'yes' : 'NO'}`,
        );
        if (!same) process.exitCode = 1;
      }
      console.log(
        `${type}: ${result.endpoints.length} endpoints, ${result.policyStates} policy states; ` +
          `compute ${((t1 - t0) / 1000).toFixed(1)} s + files and signature ${((t2 - t1) / 1000).toFixed(1)} s = ` +
          `${total.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU (compute ${(c1 - c0).toFixed(1)} + files ${(c0 + cpu - c1).toFixed(1)}); peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; ` +
          `zip ${(sealed.archive.length / 2 ** 20).toFixed(1)} MiB; load ${loadavg()[0]!.toFixed(1)}; ` +
          `goal < ${GOAL_S} s: ${total < GOAL_S ? 'met' : 'NOT met'}`,
      );
    }
  } finally {
    await app.close();
    await admin.end();
    await db.drop();
  }
}

await main();
