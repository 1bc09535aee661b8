// The demo organisation's report definitions, one of each type, applied by `npm run admin --
// seed-demo` as GlobalReport YAML (so the demo shows the kubectl-style shape too). Idempotent:
// applying them again changes nothing.
import type { Env } from '../../config/env.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import type { Database } from '../../platform/db/database.js';
import { ApiJobQueue } from '../../platform/queue/job-queue.js';
import { ComplianceReportsRepository } from './compliance-reports.repository.js';
import { ComplianceReportsService, type ApplyItem } from './compliance-reports.service.js';

export const DEMO_REPORTS = `apiVersion: projectcalico.org/v3
kind: GlobalReport
metadata:
  name: daily-inventory
spec:
  reportType: inventory
  schedule: 0 2 * * *
---
apiVersion: projectcalico.org/v3
kind: GlobalReport
metadata:
  name: hourly-network-access
  annotations:
    palisade.io/cluster-selector: env == 'prod'
spec:
  reportType: network-access
  schedule: 0 * * * *
---
apiVersion: projectcalico.org/v3
kind: GlobalReport
metadata:
  name: daily-policy-audit
spec:
  reportType: policy-audit
  schedule: 30 2 * * *
`;

export async function seedDemoReports(db: Database, env: Env, slug: string): Promise<ApplyItem[]> {
  const org = await db.global((tx) => tx.organization.findFirst({ where: { slug }, select: { id: true } }));
  if (!org) throw new Error(`organisation ${slug} not found`);
  // Nothing is enqueued by an apply; the queue only satisfies the service and never connects.
  const jobs = new ApiJobQueue(env);
  try {
    const service = new ComplianceReportsService(
      db,
      new ComplianceReportsRepository(),
      new AuditWriter(),
      jobs,
    );
    return await service.applyAs(org.id, { type: 'system', id: null, label: 'seed-demo' }, DEMO_REPORTS);
  } finally {
    await jobs.close();
  }
}
