// Reads of the audit log (writes go through platform/audit/AuditWriter only). Org id first.
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../platform/db/database.js';

export interface AuditQuery {
  actor?: string | null;
  action?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

function where(orgId: string, q: AuditQuery, beforeSeq: bigint | null): Prisma.AuditEventWhereInput {
  const w: Prisma.AuditEventWhereInput = { orgId };
  if (q.actor) w.OR = [{ actorId: q.actor }, { actorLabel: q.actor }];
  if (q.action) w.action = q.action.endsWith('.') ? { startsWith: q.action } : q.action;
  if (q.targetType) w.targetType = q.targetType;
  if (q.targetId) w.targetId = q.targetId;
  if (q.from || q.to) w.occurredAt = { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) };
  if (beforeSeq !== null) w.seq = { lt: beforeSeq };
  return w;
}

@Injectable()
export class AuditRepository {
  page(tx: Tx, orgId: string, q: AuditQuery, beforeSeq: bigint | null, take: number) {
    return tx.auditEvent.findMany({ where: where(orgId, q, beforeSeq), orderBy: { seq: 'desc' }, take });
  }

  count(tx: Tx, orgId: string, q: AuditQuery) {
    return tx.auditEvent.count({ where: where(orgId, q, null) });
  }

  chunk(tx: Tx, orgId: string, afterSeq: bigint, take: number) {
    return tx.auditEvent.findMany({ where: { orgId, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take });
  }

  head(tx: Tx, orgId: string) {
    return tx.auditHead.findFirst({ where: { orgId } });
  }
}
