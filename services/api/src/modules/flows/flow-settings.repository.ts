// The organisation's flow settings (organizations.flow_retention_days, migration 0006). Org id
// first and in every where clause.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';

@Injectable()
export class FlowSettingsRepository {
  retentionDays(tx: Tx, orgId: string) {
    return tx.organization.findFirst({ where: { id: orgId }, select: { flowRetentionDays: true } });
  }

  setRetentionDays(tx: Tx, orgId: string, days: number) {
    return tx.organization.update({
      where: { id: orgId },
      data: { flowRetentionDays: days },
      select: { flowRetentionDays: true },
    });
  }
}
