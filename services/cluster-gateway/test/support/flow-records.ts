// Flow records for the gateway's flow tests, as an agent would send them (spec §6.7), and reads of
// what the gateway stored, as the superuser sees it (no RLS in the way of assertions).
import type { FlowRecord } from '@palisade/flows';
import type { JsonObject } from '@palisade/protocol';
import type pg from 'pg';

/** The start of the 15 s bucket `agoSeconds` before now. */
export function bucketStart(agoSeconds = 30): number {
  const now = Math.floor(Date.now() / 1000) - agoSeconds;
  return now - (now % 15);
}

export function flowRecord(overrides: Partial<FlowRecord> = {}): FlowRecord {
  const start = overrides.start_time ?? bucketStart();
  return {
    start_time: start,
    end_time: start + 15,
    source_type: 'wep',
    source_namespace: 'shop',
    source_name: 'frontend-7d9c8b6f5-*',
    source_labels: ['app=frontend', 'tier=web'],
    dest_type: 'wep',
    dest_namespace: 'shop',
    dest_name: 'cart-5f6d7c8b9-*',
    dest_labels: ['app=cart'],
    dest_port: 8080,
    dest_service_namespace: 'shop',
    dest_service_name: 'cart',
    dest_service_port_name: 'http',
    dest_service_port: 80,
    proto: 'tcp',
    reporter: 'dst',
    action: 'allow',
    policies: {
      enforced: ['0|default|np:shop/allow-frontend|allow|0'],
      pending: ['0|security|sgnp:quarantine-shop|deny|0'],
    },
    packets_in: 42,
    packets_out: 40,
    bytes_in: 5120,
    bytes_out: 88310,
    num_flows: 3,
    num_flows_started: 2,
    num_flows_completed: 1,
    ...overrides,
  };
}

/** A record as the tunnel carries it (the protocol sees records as JSON objects). */
export function wire(record: FlowRecord | Record<string, unknown>): JsonObject {
  return JSON.parse(JSON.stringify(record)) as JsonObject;
}

export interface StoredFlow {
  org_id: string;
  cluster_id: string;
  start_time: Date;
  source_name: string;
  dest_name: string;
  source_labels: string[];
  policies_enforced: { kind: string; name: string; rule_index: number }[];
  policies_pending: { kind: string; name: string; action: string }[];
  pending_action: string | null;
  packets_in: string;
  bytes_out: string;
  num_flows: string;
}

export async function storedFlows(sql: pg.Pool, clusterId: string): Promise<StoredFlow[]> {
  const { rows } = await sql.query<StoredFlow>(
    'SELECT * FROM flows WHERE cluster_id = $1 ORDER BY start_time, source_name, dest_name',
    [clusterId],
  );
  return rows;
}

export interface FlowStatus {
  org_id: string;
  agent_instance: string;
  last_sequence: string;
  records_accepted: string;
  records_rejected: string;
  rejected_by_reason: Record<string, number>;
  agent_dropped_total: string;
  dropped_total: string;
  records_per_second: number;
  last_batch_at: Date;
}

export async function flowStatus(sql: pg.Pool, clusterId: string): Promise<FlowStatus | undefined> {
  const { rows } = await sql.query<FlowStatus>('SELECT * FROM cluster_flow_status WHERE cluster_id = $1', [
    clusterId,
  ]);
  return rows[0];
}
