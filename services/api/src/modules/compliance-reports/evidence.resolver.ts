// GraphQL for signed evidence: the published signing keys (public: anyone may verify), the
// download of a run's archive (auditors, owners, admins) and the signed audit-log export.
import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import { Public, RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { EvidenceService, type Archive } from './evidence.service.js';
import {
  DownloadReportRunInput,
  EvidenceArchiveModel,
  EvidenceSigningKeyModel,
  ExportAuditLogInput,
} from './models/evidence.model.js';

const downloadSchema = z.object({ orgSlug: z.string(), runId: z.uuid('must be a run id') });
const exportSchema = z.object({ orgSlug: z.string(), from: z.date(), to: z.date() }).superRefine((v, ctx) => {
  if (v.to.getTime() > Date.now())
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be in the future' });
  if (v.from.getTime() >= v.to.getTime())
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
});

function toArchive(a: Archive): EvidenceArchiveModel {
  return {
    filename: a.filename,
    contentType: 'application/zip',
    size: a.archive.length,
    sha256: a.sha256,
    base64: a.archive.toString('base64'),
    manifest: a.manifest,
  };
}

@Resolver(() => EvidenceSigningKeyModel)
export class EvidenceResolver {
  constructor(@Inject(EvidenceService) private readonly evidence: EvidenceService) {}

  @Query(() => [EvidenceSigningKeyModel], {
    description:
      'Every key evidence manifests were ever signed with, newest first, with its validity; no sign-in needed, so anyone holding an archive can verify it.',
  })
  @Public()
  async evidenceSigningKeys(): Promise<EvidenceSigningKeyModel[]> {
    return this.evidence.publicKeys();
  }

  @Mutation(() => EvidenceArchiveModel, {
    description:
      'Download a succeeded run’s signed evidence (zip); recorded in the audit log. NOT_FOUND for an unknown run, PRECONDITION_FAILED before it succeeded. Roles: owner, admin, auditor.',
  })
  @RequirePermission('compliance:run')
  async downloadReportRun(
    @Args('input', { type: () => DownloadReportRunInput, description: 'The run.' })
    input: DownloadReportRunInput,
    @Scope() scope: OrgScope,
  ): Promise<EvidenceArchiveModel> {
    const v = validateInput(downloadSchema, input);
    return toArchive(await this.evidence.downloadRun(scope, v.runId));
  }

  @Mutation(() => EvidenceArchiveModel, {
    description:
      'Export a time range of the hash-chained audit log as signed evidence (audit.jsonl with each event’s prevHash and hash); recorded in the audit log. Roles: owner, admin, auditor.',
  })
  @RequirePermission('audit:export')
  async exportAuditLog(
    @Args('input', { type: () => ExportAuditLogInput, description: 'The organisation and the range.' })
    input: ExportAuditLogInput,
    @Scope() scope: OrgScope,
  ): Promise<EvidenceArchiveModel> {
    const v = validateInput(exportSchema, input);
    return toArchive(await this.evidence.exportAuditLog(scope, v.from, v.to));
  }
}
