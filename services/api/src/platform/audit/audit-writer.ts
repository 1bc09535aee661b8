// Appends audit events inside the caller's transaction, so an event exists exactly when its change
// does. The per-organisation head row is locked for the append, which orders events within one
// organisation without serialising different organisations.
import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../db/database.js';
import type { Actor } from '../access/principal.js';
import { GENESIS_HASH, auditHash } from './audit-hash.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
}

@Injectable()
export class AuditWriter {
  async append(tx: Tx, orgId: string, actor: Actor, entry: AuditEntry): Promise<void> {
    await tx.$executeRaw`INSERT INTO audit_heads (org_id, seq, hash) VALUES (${orgId}::uuid, 0, ${new Uint8Array(GENESIS_HASH)})
      ON CONFLICT (org_id) DO NOTHING`;
    const heads = await tx.$queryRaw<{ seq: bigint; hash: Buffer }[]>`
      SELECT seq, hash FROM audit_heads WHERE org_id = ${orgId}::uuid FOR UPDATE`;
    const head = heads[0];
    if (!head) throw new Error('audit head missing after insert');
    const seq = head.seq + 1n;
    const occurredAt = new Date();
    const fields = {
      orgId,
      seq,
      occurredAt,
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: jsonOrNull(entry.before),
      after: jsonOrNull(entry.after),
    };
    const hash = auditHash(Buffer.from(head.hash), fields);
    await tx.auditEvent.create({
      data: {
        ...fields,
        before: fields.before === null ? Prisma.DbNull : (fields.before as Prisma.InputJsonValue),
        after: fields.after === null ? Prisma.DbNull : (fields.after as Prisma.InputJsonValue),
        prevHash: new Uint8Array(head.hash),
        hash: new Uint8Array(hash),
      },
    });
    await tx.auditHead.update({ where: { orgId }, data: { seq, hash: new Uint8Array(hash) } });
  }
}

/** Round-trips through JSON so the hashed value is exactly what jsonb stores (dates become strings). */
function jsonOrNull(v: unknown): unknown {
  return v === undefined || v === null ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}
