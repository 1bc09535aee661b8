// The audit log as members see it: filtered, paginated newest first, and the chain verification,
// which recomputes every hash from the genesis value and checks each link and the head.
import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_VERIFY_CHUNK } from '../../config/limits.js';
import { Database } from '../../platform/db/database.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { GENESIS_HASH, auditHash } from '../../platform/audit/audit-hash.js';
import { AuditRepository, type AuditQuery } from './audit.repository.js';

export interface ChainVerification {
  valid: boolean;
  checkedEvents: number;
  firstInvalidSeq: string | null;
  headHash: string | null;
}

@Injectable()
export class AuditService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditRepository) private readonly repo: AuditRepository,
  ) {}

  page(scope: OrgScope, q: AuditQuery, beforeSeq: bigint | null, take: number) {
    return this.db.inOrg(scope, async (tx) => {
      const [rows, total] = await Promise.all([
        this.repo.page(tx, scope.orgId, q, beforeSeq, take),
        this.repo.count(tx, scope.orgId, q),
      ]);
      return { rows, total };
    });
  }

  verify(scope: OrgScope): Promise<ChainVerification> {
    return this.db.inOrg(scope, async (tx) => {
      let prev: Buffer = GENESIS_HASH;
      let expectedSeq = 1n;
      let checked = 0;
      for (;;) {
        const rows = await this.repo.chunk(tx, scope.orgId, expectedSeq - 1n, AUDIT_VERIFY_CHUNK);
        for (const e of rows) {
          const hash = auditHash(prev, { ...e, before: e.before, after: e.after });
          const ok =
            e.seq === expectedSeq && Buffer.from(e.prevHash).equals(prev) && Buffer.from(e.hash).equals(hash);
          if (!ok)
            return {
              valid: false,
              checkedEvents: checked,
              firstInvalidSeq: expectedSeq.toString(),
              headHash: null,
            };
          prev = Buffer.from(e.hash);
          expectedSeq += 1n;
          checked += 1;
        }
        if (rows.length < AUDIT_VERIFY_CHUNK) break;
      }
      const head = await this.repo.head(tx, scope.orgId);
      const headOk = head
        ? head.seq === expectedSeq - 1n && Buffer.from(head.hash).equals(prev)
        : checked === 0;
      return {
        valid: headOk,
        checkedEvents: checked,
        firstInvalidSeq: headOk ? null : expectedSeq.toString(),
        headHash: checked > 0 ? prev.toString('hex') : null,
      };
    });
  }
}
