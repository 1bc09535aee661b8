// Writes flow batches in one transaction (decision 0040): the batches' idempotency rows first (a
// resend of the same cluster, agent instance and sequence finds its row, and changes nothing), then
// the pending marks of the minutes written and the per-minute policy rollup in one statement, then
// the flows of the batches claimed, then the cluster's ingestion status. The flows are appended
// with COPY; when one of them is already stored the whole write runs again with an upsert that
// merges into it (decision 0211). The edge rollup is built by the worker from the stored flows of
// the minutes marked pending (decision 0207); the mark is an upsert that locks its row until
// COMMIT, which is what lets the worker's claim of a minute wait for a write still in flight. The
// caller acknowledges only after this resolves, that is after COMMIT. org and cluster ids come
// from the authenticated tunnel, never from the batch. Several batches of one tunnel that queued
// up while the previous write ran are written together (decision 0160): the transaction's fixed
// cost (seven round trips and a WAL flush) is then paid once for all of them, which is what a
// backlog after an outage needs.
import { FLOW_COUNTERS, INGESTION_RATE_TIME_CONSTANT_SECONDS } from '@palisade/flows';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { inTransaction, isUniqueViolation, retryOnDeadlock, type Database } from '../store/database.js';
import { COPY_FLOWS, FLOW_COPY_COLUMNS, flowCopyText } from './flow-copy.js';
import { flowRows, type FlowColumns, type FlowRows } from './flow-rows.js';
import type { FlowRecord } from '@palisade/flows';

export interface FlowBatchSource {
  readonly orgId: string;
  readonly clusterId: string;
  readonly agentInstance: string;
}

export interface FlowBatchWrite {
  readonly sequence: number;
  readonly droppedTotal: number;
  /** The accepted records, as validated. */
  readonly accepted: readonly FlowRecord[];
  /** Records received (before merging), and of those the rejected ones by reason. */
  readonly received: number;
  readonly rejected: ReadonlyMap<string, number>;
}

export interface FlowWriteGroup {
  /** Consecutive batches of one tunnel, in arrival order. */
  readonly batches: readonly FlowBatchWrite[];
  /** The rows of every batch's accepted records together, merged (`flowRows`). */
  readonly rows: FlowRows;
}

export interface FlowGroupOutcome {
  /** Per batch, in the order given. */
  readonly outcomes: readonly FlowBatchOutcome[];
  /** The rows written: the group's rows, or those of the batches not already stored. */
  readonly rows: FlowRows;
}

export type FlowBatchOutcome =
  { readonly kind: 'duplicate' } | { readonly kind: 'stored'; readonly droppedIncrease: number };

const CLAIM_BATCHES = `
INSERT INTO flow_batches (cluster_id, agent_instance, sequence, org_id, records_accepted, records_rejected)
SELECT $1, $2, b.sequence, $4, b.accepted, b.rejected
  FROM unnest($3::bigint[], $5::integer[], $6::integer[]) WITH ORDINALITY AS b(sequence, accepted, rejected, n)
 ORDER BY b.n
ON CONFLICT (cluster_id, agent_instance, sequence) DO NOTHING
RETURNING sequence`;

/** Counters of a rollup row, added to on conflict. */
const ADD_COUNTERS = (table: string): string =>
  FLOW_COUNTERS.map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`).join(', ');

/** Labels present in both lists, sorted (Goldmane intersects labels when flows merge). */
const INTERSECT = (column: string): string =>
  `(SELECT coalesce(jsonb_agg(l ORDER BY l), '[]'::jsonb) FROM jsonb_array_elements_text(flows.${column}) AS l
     WHERE EXCLUDED.${column} ? l)`;

/** The fallback write of the flows (decision 0211): an upsert that merges into rows already stored. */
const UPSERT_FLOWS = `
INSERT INTO flows (${FLOW_COPY_COLUMNS.join(', ')})
SELECT $1, $2, to_timestamp(start_s), to_timestamp(end_s), flow_key, source_type, source_namespace,
  source_name, source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port,
  dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, proto, reporter,
  action, policies_enforced, policies_pending, trace_hash, pending_action, packets_in, packets_out,
  bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed
  FROM unnest(
    $3::bigint[], $4::bigint[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::text[],
    $11::text[], $12::text[], $13::jsonb[], $14::integer[], $15::text[], $16::text[], $17::text[],
    $18::integer[], $19::text[], $20::text[], $21::text[], $22::jsonb[], $23::jsonb[], $24::text[],
    $25::text[], $26::bigint[], $27::bigint[], $28::bigint[], $29::bigint[], $30::bigint[], $31::bigint[],
    $32::bigint[]
  ) AS s(start_s, end_s, flow_key, source_type, source_namespace, source_name,
    source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port, dest_service_namespace,
    dest_service_name, dest_service_port_name, dest_service_port, proto, reporter, action,
    policies_enforced, policies_pending, trace_hash, pending_action, packets_in, packets_out, bytes_in,
    bytes_out, num_flows, num_flows_started, num_flows_completed)
ON CONFLICT (cluster_id, start_time, flow_key) DO UPDATE SET
  source_labels = ${INTERSECT('source_labels')},
  dest_labels = ${INTERSECT('dest_labels')},
  ${ADD_COUNTERS('flows')}`;

/**
 * The pending marks of the minutes written and the per-minute policy rollup, in one statement
 * beside the flows' write.
 */
const WRITE_ROLLUPS = `
WITH pending AS (
  INSERT INTO flow_edge_pending_minutes AS p (org_id, cluster_id, minute)
  SELECT $1, $2, to_timestamp(m.minute_s)
    FROM unnest($3::bigint[]) AS m(minute_s)
   ORDER BY m.minute_s
  ON CONFLICT (cluster_id, minute) DO UPDATE SET org_id = EXCLUDED.org_id
  RETURNING 1
),
hits AS (
  INSERT INTO flow_policy_minutes (org_id, cluster_id, minute, hit_key, trace, policy_kind, policy_tier,
    policy_namespace, policy_name, rule_index, policy_action, reporter, packets_in, packets_out, bytes_in,
    bytes_out, num_flows, num_flows_started, num_flows_completed)
  SELECT $1, $2, to_timestamp(minute_s),
    md5(concat_ws(chr(31), trace, kind, tier, namespace, name, rule_index, action, reporter))::uuid,
    trace, kind, tier, namespace, name, rule_index, action, reporter, packets_in, packets_out, bytes_in,
    bytes_out, num_flows, num_flows_started, num_flows_completed
    FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::integer[], $11::text[], $12::text[], $13::bigint[], $14::bigint[], $15::bigint[],
                $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[])
         AS h(minute_s, trace, kind, tier, namespace, name, rule_index, action, reporter, packets_in,
              packets_out, bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
  ON CONFLICT (cluster_id, minute, hit_key) DO UPDATE SET ${ADD_COUNTERS('flow_policy_minutes')}
  RETURNING 1
)
SELECT (SELECT count(*) FROM pending) AS pending, (SELECT count(*) FROM hits) AS hits`;

const LOCK_STATUS = 'SELECT dropped_total FROM cluster_flow_status WHERE cluster_id = $1 FOR UPDATE';

/**
 * droppedTotal is per agent process: a new instance starts again from 0, so the cluster's total
 * adds what each instance reported beyond its own previous report. The rate is an exponentially
 * weighted average over about a minute: with batches every 15 s it settles on records / 15 s.
 */
const WRITE_STATUS = `
INSERT INTO cluster_flow_status AS s (cluster_id, org_id, last_batch_at, agent_instance, last_sequence,
  records_accepted, records_rejected, rejected_by_reason, agent_dropped_total, dropped_total)
VALUES ($1, $2, now(), $3, $4, $5, $6, $7::jsonb, $8, $8)
ON CONFLICT (cluster_id) DO UPDATE SET
    last_batch_at = now(),
    agent_instance = EXCLUDED.agent_instance,
    last_sequence = EXCLUDED.last_sequence,
    records_accepted = s.records_accepted + EXCLUDED.records_accepted,
    records_rejected = s.records_rejected + EXCLUDED.records_rejected,
    rejected_by_reason = (
      SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb)
        FROM (SELECT k, sum(v::bigint) AS n
                FROM (SELECT * FROM jsonb_each_text(s.rejected_by_reason)
                      UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.rejected_by_reason)) AS r(k, v)
               GROUP BY k) AS t),
    dropped_total = s.dropped_total + greatest(0, EXCLUDED.agent_dropped_total
      - CASE WHEN s.agent_instance = EXCLUDED.agent_instance THEN s.agent_dropped_total ELSE 0 END),
    agent_dropped_total = EXCLUDED.agent_dropped_total,
    records_per_second = (
      SELECT w * s.records_per_second + (1 - w) * EXCLUDED.records_accepted / dt
        FROM (SELECT greatest(extract(epoch FROM now() - s.last_batch_at)::double precision, 0.001) AS dt) AS d,
             LATERAL (SELECT exp(-d.dt / ${String(INGESTION_RATE_TIME_CONSTANT_SECONDS)}.0) AS w) AS e)
RETURNING dropped_total`;

/**
 * How the flows of a write reach `flows` (decision 0211): `copy` appends them with COPY, the common
 * case, and fails with FlowAlreadyStored when one of them is already stored; `upsert` merges them
 * into the stored rows (counters added, labels intersected).
 */
type FlowsWrite = 'copy' | 'upsert';

/** COPY found a flow and bucket already stored; the transaction is aborted. */
class FlowAlreadyStored extends Error {
  constructor(cause: unknown) {
    super('a flow and bucket of the write is already stored', { cause });
  }
}

async function copyFlows(client: pg.PoolClient, text: string): Promise<void> {
  try {
    await pipeline(Readable.from([text]), client.query(copyFrom(COPY_FLOWS)));
  } catch (error) {
    if (isUniqueViolation(error)) throw new FlowAlreadyStored(error);
    throw error;
  }
}

/** The parameters $3… of UPSERT_FLOWS, in its column order. */
function flowParameters(f: FlowColumns): unknown[] {
  return [
    f.startTime,
    f.endTime,
    f.flowKey,
    f.sourceType,
    f.sourceNamespace,
    f.sourceName,
    f.sourceLabels,
    f.destType,
    f.destNamespace,
    f.destName,
    f.destLabels,
    f.destPort,
    f.destServiceNamespace,
    f.destServiceName,
    f.destServicePortName,
    f.destServicePort,
    f.proto,
    f.reporter,
    f.action,
    f.policiesEnforced,
    f.policiesPending,
    f.traceHash,
    f.pendingAction,
    f.packetsIn,
    f.packetsOut,
    f.bytesIn,
    f.bytesOut,
    f.numFlows,
    f.numFlowsStarted,
    f.numFlowsCompleted,
  ];
}

export class FlowWriter {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Writes consecutive batches of one tunnel in one transaction; resolves after COMMIT with each
   * batch's outcome (a batch already stored is a duplicate and adds nothing); rejects on any
   * failure, having stored none of them.
   */
  async writeGroup(source: FlowBatchSource, group: FlowWriteGroup): Promise<FlowGroupOutcome> {
    // Two connections of one cluster overlapping during a takeover may touch the same rollup rows.
    const write = (how: FlowsWrite) =>
      retryOnDeadlock(() => inTransaction(this.#db, (client) => this.#write(client, source, group, how)));
    try {
      return await write('copy');
    } catch (error) {
      // A flow and bucket already stored (a record that came after its bucket was sent, or another
      // instance of the agent): the whole write again, merging into the rows stored.
      if (!(error instanceof FlowAlreadyStored)) throw error;
      return write('upsert');
    }
  }

  async #write(
    client: pg.PoolClient,
    { orgId, clusterId, agentInstance }: FlowBatchSource,
    group: FlowWriteGroup,
    how: FlowsWrite,
  ): Promise<FlowGroupOutcome> {
    const rejectedCounts = group.batches.map((b) => [...b.rejected.values()].reduce((a, c) => a + c, 0));
    const claimed = await client.query<{ sequence: string }>(CLAIM_BATCHES, [
      clusterId,
      agentInstance,
      group.batches.map((b) => b.sequence),
      orgId,
      group.batches.map((b, i) => b.received - rejectedCounts[i]!),
      rejectedCounts,
    ]);
    // A sequence given twice in one group (a broken agent) is claimed by its first batch only.
    const fresh = new Set(claimed.rows.map((r) => Number(r.sequence)));
    const stored = group.batches.map((b) => fresh.delete(b.sequence));
    const outcomes: FlowBatchOutcome[] = group.batches.map(() => ({ kind: 'duplicate' }));
    const last = stored.lastIndexOf(true);
    if (last < 0) return { outcomes, rows: flowRows([]) };
    const rows = stored.every(Boolean)
      ? group.rows
      : flowRows(group.batches.filter((_, i) => stored[i]).flatMap((b) => b.accepted));
    if (rows.count > 0) {
      const p = rows.policyMinutes;
      const minutes = [...new Set(rows.bucketStarts.map((s) => s - (s % 60)))];
      await client.query(WRITE_ROLLUPS, [
        orgId,
        clusterId,
        minutes,
        p.minute,
        p.trace,
        p.kind,
        p.tier,
        p.namespace,
        p.name,
        p.ruleIndex,
        p.action,
        p.reporter,
        p.packetsIn,
        p.packetsOut,
        p.bytesIn,
        p.bytesOut,
        p.numFlows,
        p.numFlowsStarted,
        p.numFlowsCompleted,
      ]);
      if (how === 'copy') await copyFlows(client, flowCopyText(orgId, clusterId, rows.flows, rows.count));
      else await client.query(UPSERT_FLOWS, [orgId, clusterId, ...flowParameters(rows.flows)]);
    }
    // The status once for the stored batches: counts summed, the last batch's sequence and
    // droppedTotal (an agent process's droppedTotal only grows, so adding the last one's increase
    // is adding each one's).
    let accepted = 0;
    let rejectedCount = 0;
    const rejected = new Map<string, number>();
    group.batches.forEach((b, i) => {
      if (!stored[i]) return;
      accepted += b.received - rejectedCounts[i]!;
      rejectedCount += rejectedCounts[i]!;
      for (const [reason, n] of b.rejected) rejected.set(reason, (rejected.get(reason) ?? 0) + n);
    });
    const lastBatch = group.batches[last]!;
    // Read (and lock) the previous total in its own statement: a row locked FOR UPDATE in a CTE of
    // the statement that updates it reads as absent, so the increase cannot come from one statement.
    const previous = await client.query<{ dropped_total: string }>(LOCK_STATUS, [clusterId]);
    const status = await client.query<{ dropped_total: string }>(WRITE_STATUS, [
      clusterId,
      orgId,
      agentInstance,
      lastBatch.sequence,
      accepted,
      rejectedCount,
      JSON.stringify(Object.fromEntries(rejected)),
      lastBatch.droppedTotal,
    ]);
    const droppedIncrease =
      Number(status.rows[0]?.dropped_total ?? 0) - Number(previous.rows[0]?.dropped_total ?? 0);
    group.batches.forEach((_, i) => {
      if (stored[i]) outcomes[i] = { kind: 'stored', droppedIncrease: i === last ? droppedIncrease : 0 };
    });
    return { outcomes, rows };
  }
}
