// The repeatable `flows.maintain-partitions` job (decision 0042): creates the flow tables' day
// partitions a few days ahead, so ingestion never waits on DDL, and drops whole days older than the
// longest retention any organisation has, with the idempotency records no resend can need any
// more. Both are definer functions of migration 0006 (the worker connects as palisade_app, which
// may neither run DDL nor see other organisations' settings). Idempotent: a second run in the
// same hour creates and drops nothing.
import type { Database } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';

/** Days created ahead of today (UTC), today included. */
export const FLOW_PARTITION_DAYS_AHEAD = 3;

/**
 * How long a batch's idempotency record is kept. A resend arrives after an outage of the tunnel;
 * a batch resent later than this holds records older than the gateway accepts (a day), which it
 * rejects, so it can no longer be stored twice.
 */
export const FLOW_BATCH_RECORD_TTL = '2 days';

export interface FlowPartitionsResult {
  created: string[];
  dropped: string[];
}

export class FlowPartitionsProcessor {
  constructor(private readonly db: Database) {}

  async run(): Promise<FlowPartitionsResult> {
    const created: string[] = [];
    for (let ahead = 0; ahead <= FLOW_PARTITION_DAYS_AHEAD; ahead++) {
      const [row] = await this.db.queryGlobal(
        sql<{ day: string; created: boolean }>`SELECT to_char(d, 'YYYY-MM-DD') AS day,
          flows_ensure_partitions(d) AS created
          FROM (SELECT (now() AT TIME ZONE 'UTC')::date + ${ahead}::integer AS d) AS t`,
      );
      if (row?.created === true) created.push(row.day);
    }
    const dropped = await this.db.queryGlobal(
      sql<{
        dropped: string;
      }>`SELECT dropped FROM flows_drop_expired_partitions(${FLOW_BATCH_RECORD_TTL}::interval)`,
    );
    return { created, dropped: dropped.map((r) => r.dropped) };
  }
}
