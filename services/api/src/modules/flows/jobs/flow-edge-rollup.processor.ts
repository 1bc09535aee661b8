// The repeatable `flows.roll-up-edges` job (decision 0207): rebuilds the edge rollup of every
// minute the gateways marked pending once it has closed, from the stored flows, and the hourly pair
// rollup of the service graph from the edge minutes once the hour has closed. The work is the
// definer function flows_roll_up_edges of migration 0036 (the worker connects as palisade_app, and
// the rollups span every organisation). Idempotent and safe to run at any time or twice at once
// (the second run finds the first's lock and does nothing): a minute or hour is always rebuilt
// whole, and readers take pending minutes from the flows themselves, so how often it runs changes
// the cost of a read, never its answer.
import type { Database } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';

/**
 * How long after a minute (or hour) has closed it is rebuilt: agents send a 15 s bucket when it
 * closes, so the last bucket of a minute lands just after the minute; rebuilding it later than
 * that saves rebuilding it twice. A batch later still marks the minute pending again.
 */
export const EDGE_ROLLUP_SETTLE = '30 seconds';

/** Minutes rebuilt per run at most (in cluster, minute order): a backlog takes several runs. */
export const EDGE_ROLLUP_MAX_MINUTES = 20_000;

export interface FlowEdgeRollupResult {
  /** (cluster, minute) pairs rebuilt from flows. */
  minutes: number;
  /** (cluster, hour) pairs rebuilt from edge minutes. */
  hours: number;
}

export class FlowEdgeRollupProcessor {
  constructor(private readonly db: Database) {}

  async run(settle: string = EDGE_ROLLUP_SETTLE): Promise<FlowEdgeRollupResult> {
    const [row] = await this.db.queryGlobal(
      sql<FlowEdgeRollupResult>`SELECT minutes, hours
        FROM flows_roll_up_edges(${settle}::interval, ${EDGE_ROLLUP_MAX_MINUTES}::integer)`,
    );
    return { minutes: row?.minutes ?? 0, hours: row?.hours ?? 0 };
  }
}
