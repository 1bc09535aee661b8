// GraphQL for the audit log: Organization.auditEvents (filters, keyset pagination by seq) and
// Organization.auditChain (verification).
import { Inject } from '@nestjs/common';
import { Args, ResolveField, Resolver } from '@nestjs/graphql';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import {
  PageArgs,
  decodeCursor,
  pageSize,
  toConnection,
  type ConnectionShape,
} from '../../platform/graphql/connection.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import { AuditService } from './audit.service.js';
import {
  AuditChainVerificationModel,
  AuditEventConnection,
  AuditEventFilter,
  AuditEventModel,
  type ActorType,
} from './models/audit-event.model.js';

const isSeqCursor = (v: unknown): v is { s: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { s?: unknown }).s === 'string' &&
  /^\d+$/.test((v as { s: string }).s);

@Resolver(() => OrganizationModel)
export class AuditResolver {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @ResolveField('auditEvents', () => AuditEventConnection, {
    description: 'The audit log, newest first (by seq), filterable. Roles: owner, admin, auditor.',
  })
  @RequirePermission('audit:read')
  async auditEvents(
    @Args() page: PageArgs,
    @Args('filter', { type: () => AuditEventFilter, nullable: true, description: 'Only matching events.' })
    filter: AuditEventFilter | null,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<AuditEventModel>> {
    const limit = pageSize(page);
    const after = decodeCursor(page.after, isSeqCursor);
    const { rows, total } = await this.audit.page(
      scope,
      filter ?? {},
      after ? BigInt(after.s) : null,
      limit + 1,
    );
    return toConnection(
      rows,
      limit,
      total,
      after !== null,
      (r) => ({ s: r.seq.toString() }),
      (r) => ({
        seq: r.seq.toString(),
        occurredAt: r.occurredAt,
        actor: { type: r.actorType as ActorType, id: r.actorId, label: r.actorLabel },
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        before: r.before,
        after: r.after,
        hash: Buffer.from(r.hash).toString('hex'),
        prevHash: Buffer.from(r.prevHash).toString('hex'),
      }),
    );
  }

  @ResolveField('auditChain', () => AuditChainVerificationModel, {
    description:
      'Recomputes and checks the whole hash chain from the first event. Roles: owner, admin, auditor.',
  })
  @RequirePermission('audit:read')
  auditChain(@Scope() scope: OrgScope): Promise<AuditChainVerificationModel> {
    return this.audit.verify(scope);
  }
}
