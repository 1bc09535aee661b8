// Writes flow batches in one transaction (decision 0040): the batches' idempotency rows first (a
// resend of the same cluster, agent instance and sequence finds its row, and changes nothing), then
// the flows of the batches claimed with their per-policy minute rollup and the pending marks of
// their minutes in one statement over unnest arrays, then the cluster's ingestion status. The edge
// rollup is built by the worker from the stored flows of the minutes marked pending (decision
// 0207); the mark is an upsert that locks its row until COMMIT, which is what lets the worker's
// claim of a minute wait for a write still in flight. The caller acknowledges only after this resolves,
// that is after COMMIT. org and cluster ids come from the authenticated tunnel, never from the
// batch. Several batches of one tunnel that queued up while the previous write ran are written
// together (decision 0160): the transaction's fixed cost (six round trips and a WAL flush) is then
// paid once for all of them, which is what a backlog after an outage needs.
import { INGESTION_RATE_TIME_CONSTANT_SECONDS } from '@palisade/flows';
import type pg from 'pg';
import { inTransaction, retryOnDeadlock, type Database } from '../store/database.js';
import { flowRows, type FlowRows } from './flow-rows.js';
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
  [
    'packets_in',
    'packets_out',
    'bytes_in',
    'bytes_out',
    'num_flows',
    'num_flows_started',
    'num_flows_completed',
  ]
    .map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`)
    .join(', ');

/** Labels present in both lists, sorted (Goldmane intersects labels when flows merge). */
const INTERSECT = (column: string): string =>
  `(SELECT coalesce(jsonb_agg(l ORDER BY l), '[]'::jsonb) FROM jsonb_array_elements_text(flows.${column}) AS l
     WHERE EXCLUDED.${column} ? l)`;

const WRITE_FLOWS = `
WITH input AS (
  SELECT * FROM unnest(
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
),
written AS (
  INSERT INTO flows (org_id, cluster_id, start_time, end_time, flow_key, source_type, source_namespace,
    source_name, source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port,
    dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, proto, reporter,
    action, policies_enforced, policies_pending, trace_hash, pending_action, packets_in, packets_out,
    bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
  SELECT $1, $2, to_timestamp(start_s), to_timestamp(end_s), flow_key, source_type, source_namespace,
    source_name, source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port,
    dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, proto, reporter,
    action, policies_enforced, policies_pending, trace_hash, pending_action, packets_in, packets_out,
    bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed
    FROM input
  ON CONFLICT (cluster_id, start_time, flow_key) DO UPDATE SET
    source_labels = ${INTERSECT('source_labels')},
    dest_labels = ${INTERSECT('dest_labels')},
    ${ADD_COUNTERS('flows')}
  RETURNING 1
),
pending AS (
  INSERT INTO flow_edge_pending_minutes AS p (org_id, cluster_id, minute)
  SELECT $1, $2, to_timestamp(m.minute_s)
    FROM (SELECT DISTINCT start_s - start_s % 60 AS minute_s FROM input) AS m
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
    FROM unnest($33::bigint[], $34::text[], $35::text[], $36::text[], $37::text[], $38::text[],
                $39::integer[], $40::text[], $41::text[], $42::bigint[], $43::bigint[], $44::bigint[],
                $45::bigint[], $46::bigint[], $47::bigint[], $48::bigint[])
         AS h(minute_s, trace, kind, tier, namespace, name, rule_index, action, reporter, packets_in,
              packets_out, bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
  ON CONFLICT (cluster_id, minute, hit_key) DO UPDATE SET ${ADD_COUNTERS('flow_policy_minutes')}
  RETURNING 1
)
SELECT (SELECT count(*) FROM written) AS flows, (SELECT count(*) FROM pending) AS pending,
       (SELECT count(*) FROM hits) AS hits`;

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
  writeGroup(source: FlowBatchSource, group: FlowWriteGroup): Promise<FlowGroupOutcome> {
    // Two connections of one cluster overlapping during a takeover may touch the same rollup rows.
    return retryOnDeadlock(() => inTransaction(this.#db, (client) => this.#write(client, source, group)));
  }

  async #write(
    client: pg.PoolClient,
    { orgId, clusterId, agentInstance }: FlowBatchSource,
    group: FlowWriteGroup,
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
      const f = rows.flows;
      const p = rows.policyMinutes;
      await client.query(WRITE_FLOWS, [
        orgId,
        clusterId,
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
