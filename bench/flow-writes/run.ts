// The gateway's flow batch write (decision 0040: idempotency row, flows upsert and both per-minute
// rollups from unnest arrays, status, one transaction per batch) against a raw COPY of the same
// flow rows into the same partitioned table, in the same run, on a fresh database. COPY is what the
// write would cost with no merge, no rollups and no idempotency; the ratio is what those cost.
// Usage: node --import ./scripts/register.mjs bench/flow-writes/run.ts [batches]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FlowRecord } from '@palisade/flows';
import pg from 'pg';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { FlowPartitions } from '../../services/cluster-gateway/src/flows/flow-partitions.js';
import { flowRows, type FlowRows } from '../../services/cluster-gateway/src/flows/flow-rows.js';
import { FlowWriter } from '../../services/cluster-gateway/src/flows/flow-writer.js';
import { machineLine } from '../lib/machine.js';

const BATCHES = Number(process.argv[2] ?? 40);
const RECORDS_PER_BATCH = 1_000;

function batchRecords(batch: number, bucket: number): FlowRecord[] {
  return Array.from({ length: RECORDS_PER_BATCH }, (_, i) => {
    const src = (batch * RECORDS_PER_BATCH + i) % 400;
    const dst = (i * 7) % 300;
    const denied = i % 10 === 0;
    return {
      start_time: bucket,
      end_time: bucket + 15,
      source_type: 'wep',
      source_namespace: `ns-${String(src % 20)}`,
      source_name: `app-${String(src)}-5f6d7c8b9-*`,
      source_labels: [`app=app-${String(src)}`, 'tier=web'],
      dest_type: i % 50 === 0 ? 'net' : 'wep',
      dest_namespace: i % 50 === 0 ? '-' : `ns-${String(dst % 20)}`,
      dest_name: i % 50 === 0 ? 'pub' : `svc-${String(dst)}-7d9c8b6f5-*`,
      dest_labels: i % 50 === 0 ? [] : [`app=svc-${String(dst)}`],
      dest_port: 8000 + (i % 17),
      dest_service_namespace: '-',
      dest_service_name: '-',
      dest_service_port_name: '-',
      dest_service_port: 0,
      proto: 'tcp',
      reporter: i % 2 === 0 ? 'src' : 'dst',
      action: denied ? 'deny' : 'allow',
      policies: {
        enforced: [
          '0|kube-admin|gnp:baseline|pass|1',
          denied
            ? `1|default|np:ns-${String(dst % 20)}/deny-all|deny|-1`
            : `1|default|np:ns-1/allow-web|allow|0`,
        ],
        pending: i % 3 === 0 ? ['0|security|sgnp:quarantine|deny|0'] : [],
      },
      packets_in: 10 + i,
      packets_out: 12 + i,
      bytes_in: 1_000 + i,
      bytes_out: 9_000 + i,
      num_flows: 2,
      num_flows_started: 1,
      num_flows_completed: 1,
    };
  });
}

function csvField(value: string | number | Buffer | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

function csvRows(rows: FlowRows, orgId: string, clusterId: string): string {
  const f = rows.flows;
  const lines: string[] = [];
  for (let i = 0; i < rows.count; i++) {
    const at = (s: number): string => new Date(s * 1000).toISOString();
    lines.push(
      [
        orgId,
        clusterId,
        at(f.startTime[i]!),
        at(f.endTime[i]!),
        f.flowKey[i],
        f.sourceType[i],
        f.sourceNamespace[i],
        f.sourceName[i],
        f.sourceLabels[i],
        f.destType[i],
        f.destNamespace[i],
        f.destName[i],
        f.destLabels[i],
        f.destPort[i],
        f.destServiceNamespace[i],
        f.destServiceName[i],
        f.destServicePortName[i],
        f.destServicePort[i],
        f.proto[i],
        f.reporter[i],
        f.action[i],
        f.policiesEnforced[i],
        f.policiesPending[i],
        f.traceHash[i],
        f.pendingAction[i] ?? null,
        f.packetsIn[i],
        f.packetsOut[i],
        f.bytesIn[i],
        f.bytesOut[i],
        f.numFlows[i],
        f.numFlowsStarted[i],
        f.numFlowsCompleted[i],
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const COLUMNS =
  `org_id, cluster_id, start_time, end_time, flow_key, source_type, source_namespace, source_name,
  source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port, dest_service_namespace,
  dest_service_name, dest_service_port_name, dest_service_port, proto, reporter, action, policies_enforced,
  policies_pending, trace_hash, pending_action, packets_in, packets_out, bytes_in, bytes_out, num_flows,
  num_flows_started, num_flows_completed`.replace(/\s+/g, ' ');

async function main(): Promise<void> {
  console.log(machineLine());
  const db = await createMigratedDatabase('palisade_bench_fw');
  const admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
  const gateway = new pg.Pool({ connectionString: db.urlAs('palisade_gateway'), max: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'flow-writes-'));
  try {
    const { rows: orgs } = await admin.query<{ id: string }>(
      "INSERT INTO organizations (slug, name) VALUES ('bench', 'Bench') RETURNING id",
    );
    const orgId = orgs[0]!.id;
    const { rows: clusters } = await admin.query<{ id: string }>(
      "INSERT INTO clusters (org_id, name) VALUES ($1, 'written'), ($1, 'copied') RETURNING id",
      [orgId],
    );
    const [written, copied] = [clusters[0]!.id, clusters[1]!.id];
    const now = Math.floor(Date.now() / 1000);
    const first = now - (now % 15) - BATCHES * 15;
    const batches = Array.from({ length: BATCHES }, (_, b) => flowRows(batchRecords(b, first + b * 15)));
    await new FlowPartitions(gateway).ensure([...new Set(batches.flatMap((b) => b.days))]);
    const rowsTotal = batches.reduce((n, b) => n + b.count, 0);

    const writer = new FlowWriter(gateway);
    const t0 = performance.now();
    for (const [sequence, rows] of batches.entries()) {
      await writer.write(
        { orgId, clusterId: written, agentInstance: 'bench' },
        { sequence, droppedTotal: 0, rows, received: rows.count, rejected: new Map() },
      );
    }
    const writeMs = performance.now() - t0;

    const files = batches.map((rows, b) => {
      const file = join(dir, `batch-${String(b)}.csv`);
      writeFileSync(file, csvRows(rows, orgId, copied));
      return file;
    });
    const script = files
      .map((file) => `\\copy flows (${COLUMNS}) FROM '${file}' WITH (FORMAT csv)`)
      .join('\n');
    const t1 = performance.now();
    const copy = spawnSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', db.adminUrl], {
      input: script,
      encoding: 'utf8',
    });
    const copyMs = performance.now() - t1;
    if (copy.status !== 0) throw new Error(`COPY failed: ${copy.stderr}`);

    const { rows: counts } = await admin.query<{ cluster_id: string; n: string }>(
      'SELECT cluster_id, count(*) AS n FROM flows GROUP BY cluster_id',
    );
    const stored = new Map(counts.map((c) => [c.cluster_id, Number(c.n)]));
    if (stored.get(written) !== rowsTotal || stored.get(copied) !== rowsTotal) {
      throw new Error(
        `stored ${JSON.stringify(Object.fromEntries(stored))}, expected ${String(rowsTotal)} each`,
      );
    }
    const perSecond = (ms: number): string => Math.round((rowsTotal / ms) * 1000).toLocaleString('en');
    console.log(
      `${String(BATCHES)} batches of ${String(RECORDS_PER_BATCH)} records (${String(rowsTotal)} rows):`,
    );
    console.log(
      `  gateway write (upsert + rollups + idempotency + status, 1 tx/batch): ${perSecond(writeMs)} rows/s`,
    );
    console.log(
      `  raw COPY of the same rows (psql \\copy, one session):               ${perSecond(copyMs)} rows/s`,
    );
    console.log(`  ratio: ${((copyMs / writeMs) * 100).toFixed(0)} % of COPY`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await gateway.end();
    await admin.end();
    await db.drop();
  }
}

await main();
