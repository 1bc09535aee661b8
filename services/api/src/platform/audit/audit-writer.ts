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
  append(tx: Tx, orgId: string, actor: Actor, entry: AuditEntry): Promise<void> {
    return this.appendMany(tx, orgId, actor, [entry]);
  }

  /**
   * Appends several events in order with one lock on the head, one insert and one head update, so
   * a bulk change (applying hundreds of resources) costs a handful of statements, not four each.
   */
  async appendMany(tx: Tx, orgId: string, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.$executeRaw`INSERT INTO audit_heads (org_id, seq, hash) VALUES (${orgId}::uuid, 0, ${new Uint8Array(GENESIS_HASH)})
      ON CONFLICT (org_id) DO NOTHING`;
    const heads = await tx.$queryRaw<{ seq: bigint; hash: Buffer }[]>`
      SELECT seq, hash FROM audit_heads WHERE org_id = ${orgId}::uuid FOR UPDATE`;
    const head = heads[0];
    if (!head) throw new Error('audit head missing after insert');
    let seq = head.seq;
    let prev: Buffer = Buffer.from(head.hash);
    const occurredAt = new Date();
    const rows = entries.map((entry) => {
      seq += 1n;
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
      const hash = auditHash(prev, fields);
      const row = {
        ...fields,
        before: fields.before === null ? Prisma.DbNull : (fields.before as Prisma.InputJsonValue),
        after: fields.after === null ? Prisma.DbNull : (fields.after as Prisma.InputJsonValue),
        prevHash: new Uint8Array(prev),
        hash: new Uint8Array(hash),
      };
      prev = hash;
      return row;
    });
    await tx.auditEvent.createMany({ data: rows });
    await tx.auditHead.update({ where: { orgId }, data: { seq, hash: new Uint8Array(prev) } });
  }
}

/** Round-trips through JSON so the hashed value is exactly what jsonb stores (dates become strings). */
function jsonOrNull(v: unknown): unknown {
  return v === undefined || v === null ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}
