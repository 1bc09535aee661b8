// Compliance reports (issue 15; decisions 0065–0067): report definitions in Calico's GlobalReport
// terms plus Palisade's cluster selector, their revisions, and runs. Owns the report_* tables;
// reads (never writes) clusters, inventory, policy revisions, the audit log and flows to compute
// reports. The worker runs the jobs (jobs/*.processor.ts); the API only enqueues. Also signed
// evidence: the signing keys, run archives and the signed audit-log export (decision 0068).
import { Module } from '@nestjs/common';
import { ComplianceReportsRepository } from './compliance-reports.repository.js';
import { ComplianceReportsResolver, OrgComplianceReportsResolver } from './compliance-reports.resolver.js';
import { ComplianceReportsService } from './compliance-reports.service.js';
import { EvidenceRepository } from './evidence.repository.js';
import { EvidenceResolver } from './evidence.resolver.js';
import { EvidenceService } from './evidence.service.js';
import { ReportRunEvents } from './report-run-events.js';

@Module({
  providers: [
    ComplianceReportsRepository,
    ComplianceReportsService,
    OrgComplianceReportsResolver,
    ComplianceReportsResolver,
    EvidenceRepository,
    EvidenceService,
    EvidenceResolver,
    ReportRunEvents,
  ],
})
export class ComplianceReportsModule {}
