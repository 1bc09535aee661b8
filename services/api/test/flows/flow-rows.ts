// Flow records for the flow suites, stored exactly as the gateway stores an accepted batch: its
// own row builder and writer (@palisade/cluster-gateway: one transaction with the idempotency row,
// the flows, the policy rollup, the pending minutes and the cluster's ingestion status). Runs as
// the system role (the gateway's role bypasses RLS too); the day partitions are made as the worker
// makes them.
import { type FlowRecord } from '@palisade/flows';
import { flowRows } from '@palisade/cluster-gateway/flow-rows';
import { FlowWriter } from '@palisade/cluster-gateway/flow-writer';
import pg from 'pg';
import type { TestContext } from '../context.js';

/** A whole-minute Unix time, 15-second aligned, `minutesAgo` before now. */
export function bucketAgo(minutesAgo: number, nowMs = Date.now()): number {
  return Math.floor(nowMs / 60_000) * 60 - minutesAgo * 60;
}

export function record(over: Partial<FlowRecord> & { start_time: number }): FlowRecord {
  return {
    end_time: over.start_time + 15,
    source_type: 'wep',
    source_namespace: 'shop',
    source_name: 'frontend-7d9c8b6f5-*',
    source_labels: ['app=frontend'],
    dest_type: 'wep',
    dest_namespace: 'shop',
    dest_name: 'cart-5f6d7c8b9-*',
    dest_labels: ['app=cart'],
    dest_port: 8080,
    dest_service_namespace: '-',
    dest_service_name: '-',
    dest_service_port_name: '-',
    dest_service_port: 0,
    proto: 'tcp',
    reporter: 'dst',
    action: 'allow',
    policies: { enforced: ['0|default|np:shop/allow-frontend|allow|0'], pending: [] },
    packets_in: 10,
    packets_out: 8,
    bytes_in: 1000,
    bytes_out: 800,
    num_flows: 2,
    num_flows_started: 1,
    num_flows_completed: 1,
    ...over,
  };
}

/** Makes the UTC day partitions of every record exist (the worker does this ahead in production). */
async function ensurePartitions(ctx: TestContext, records: FlowRecord[]): Promise<void> {
  const days = new Set(records.map((r) => new Date(r.start_time * 1000).toISOString().slice(0, 10)));
  for (const day of days) await ctx.sql('SELECT flows_ensure_partitions($1::date)', [day]);
}

let sequence = 0;

/** Stores records of one cluster as one accepted batch; `rejected` counts refused records by reason. */
export async function storeFlows(
  ctx: TestContext,
  orgId: string,
  clusterId: string,
  records: FlowRecord[],
  batch: { rejected?: Record<string, number>; droppedTotal?: number } = {},
): Promise<void> {
  await ensurePartitions(ctx, records);
  const rejected = new Map(Object.entries(batch.rejected ?? {}));
  const refused = [...rejected.values()].reduce((a, b) => a + b, 0);
  const pool = new pg.Pool({ connectionString: ctx.env.DATABASE_ADMIN_URL, max: 1 });
  try {
    const {
      outcomes: [outcome],
    } = await new FlowWriter(pool).writeGroup(
      { orgId, clusterId, agentInstance: 'flows-test' },
      {
        rows: flowRows(records),
        batches: [
          {
            sequence: ++sequence,
            droppedTotal: batch.droppedTotal ?? 0,
            accepted: records,
            received: records.length + refused,
            rejected,
          },
        ],
      },
    );
    if (outcome?.kind !== 'stored') throw new Error(`batch not stored: ${outcome?.kind ?? 'none'}`);
  } finally {
    await pool.end();
  }
}
