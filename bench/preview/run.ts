// The impact preview over 1 M stored flows (issue 14: goal < 5 s): one NetworkPolicy edit, a day
// of flows of one cluster shaped like the 2 000-pod demo (200 workloads × 10 replicas in 20
// namespaces, 20 000 flow keys, 50 buckets each), through the API's PolicyPreviewService on a
// fresh database: the store's grouping of the window into flow keys, then the engine's replay of
// every key twice. Prints both parts and the machine.
// Usage: node --import ./scripts/register.mjs bench/preview/run.ts [rows]
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { Database } from '../../services/api/src/platform/db/database.js';
import { FlowsRepository } from '../../services/api/src/modules/flows/flows.repository.js';
import { PolicyPreviewRepository } from '../../services/api/src/modules/policy-preview/policy-preview.repository.js';
import {
  PolicyPreviewService,
  flowInput,
} from '../../services/api/src/modules/policy-preview/policy-preview.service.js';
import { machineLine } from '../lib/machine.js';
import { mergeFlowInputs, parseResourcesYaml, previewFlows } from '@palisade/policy';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const KEYS = 20_000;
const CHUNK = 100_000;

const EDIT = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: app-3-ingress, namespace: ns-3 }
spec:
  selector: app == 'app-3'
  types: [Ingress]
  ingress:
    - { action: Allow, protocol: TCP, source: { namespaceSelector: all(), selector: tier == 'web' }, destination: { ports: [8000] } }
`;

async function main(): Promise<void> {
  console.log(machineLine());
  const db = await createMigratedDatabase('palisade_bench_pv');
  const admin = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
  const app = new Database(db.urlAs('palisade_app'), 4);
  try {
    const { rows: orgs } = await admin.query<{ id: string }>(
      "INSERT INTO organizations (slug, name) VALUES ('bench', 'Bench') RETURNING id",
    );
    const orgId = orgs[0]!.id;
    const { rows: clusters } = await admin.query<{ id: string }>(
      `INSERT INTO clusters (org_id, name, labels) VALUES ($1, 'demo', '{"env":"prod"}') RETURNING id`,
      [orgId],
    );
    const clusterId = clusters[0]!.id;
    const now = Math.floor(Date.now() / 1000);
    const start = now - (now % 15) - 23 * 3600;
    for (const day of new Set([start, now].map((t) => new Date(t * 1000).toISOString().slice(0, 10)))) {
      await admin.query('SELECT flows_ensure_partitions($1::date)', [day]);
    }
    const buckets = Math.ceil(ROWS / KEYS);
    const spacing = Math.max(15, Math.floor((23 * 3600) / buckets / 15) * 15);
    const t0 = performance.now();
    for (let from = 0; from < ROWS; from += CHUNK) {
      const to = Math.min(ROWS, from + CHUNK) - 1;
      // Row i: key k = i % KEYS, bucket i / KEYS. Workload w in namespace w % 20, 10% denied.
      await admin.query(
        `INSERT INTO flows (org_id, cluster_id, start_time, end_time, flow_key, source_type, source_namespace,
           source_name, source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port,
           dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, proto, reporter,
           action, policies_enforced, policies_pending, trace_hash, pending_action, packets_in, packets_out,
           bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
         SELECT $1::uuid, $2::uuid, to_timestamp($3 + (i / ${KEYS}) * $4), to_timestamp($3 + (i / ${KEYS}) * $4 + 15),
           decode(md5(k::text), 'hex'), 'wep', 'ns-' || (s % 20), 'app-' || s || '-5f6d7c8b9-*',
           jsonb_build_array('app=app-' || s, 'tier=web'), 'wep', 'ns-' || (d % 20), 'app-' || d || '-7d9c8b6f5-*',
           jsonb_build_array('app=app-' || d), 8000 + (k / 8000), '-', '-', '-', 0, 'tcp',
           CASE WHEN k % 2 = 0 THEN 'src' ELSE 'dst' END,
           CASE WHEN k % 10 = 0 THEN 'deny' ELSE 'allow' END,
           CASE WHEN k % 10 = 0
             THEN jsonb_build_array(jsonb_build_object('policy_index', 0, 'tier', 'default', 'kind', 'eot',
               'namespace', '', 'name', '', 'action', 'deny', 'rule_index', -1,
               'trigger', jsonb_build_object('kind', 'np', 'namespace', 'ns-' || (d % 20), 'name', 'deny-all')))
             ELSE jsonb_build_array(jsonb_build_object('policy_index', 0, 'tier', '__PROFILE__', 'kind', 'pro',
               'namespace', '', 'name', 'kns.ns-' || (d % 20), 'action', 'allow', 'rule_index', 0, 'trigger', null))
           END,
           '[]'::jsonb, 'bench', NULL, 10, 10, 1000, 1000, 1, 1, 1
         FROM (SELECT i, i % ${KEYS} AS k, (i % ${KEYS}) % 200 AS s, ((i % ${KEYS}) / 200 * 7 + (i % ${KEYS})) % 200 AS d
               FROM generate_series($5::int, $6::int) AS i) g`,
        [orgId, clusterId, start, spacing, from, to],
      );
      process.stdout.write(`\r  stored ${String(to + 1)} / ${String(ROWS)} rows`);
    }
    await admin.query('ANALYZE flows');
    console.log(`\n  stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const repo = new PolicyPreviewRepository(app);
    const store = new FlowsRepository(app);
    const service = new PolicyPreviewService(repo, store);
    const scope = { orgId } as Parameters<PolicyPreviewService['preview']>[0];
    const query = {
      clusters: [],
      from: new Date((now - 24 * 3600) * 1000),
      to: null,
      sourceNames: [],
      sourceNamespaces: [],
      destNames: [],
      destNamespaces: [],
      protocols: [],
      destPorts: [],
      actions: [],
      pendingActions: [],
      policies: [],
      reporter: null,
    };
    // Three rounds: the first reads a cold table, the others what a repeated preview costs.
    const rounds: { keysMs: number; engineMs: number; totalMs: number }[] = [];
    let result: Awaited<ReturnType<PolicyPreviewService['preview']>> | undefined;
    let keyCount = 0;
    for (let round = 0; round < 3; round++) {
      const t1 = performance.now();
      const keys = await store.flowKeys({ orgId }, { ...query, clusterIds: [clusterId] });
      const keysMs = performance.now() - t1;
      keyCount = keys.length;
      const t2 = performance.now();
      previewFlows({
        before: [],
        after: parseResourcesYaml(EDIT).documents.map((d) => d.resource!),
        flows: mergeFlowInputs(keys.map(flowInput)),
      });
      const engineMs = performance.now() - t2;
      const t3 = performance.now();
      result = await service.preview(scope, {
        changes: [{ op: 'apply', yaml: EDIT, path: ['input', 'yaml'] }],
        promote: null,
        query,
      });
      rounds.push({ keysMs, engineMs, totalMs: performance.now() - t3 });
    }
    const t = result!.totals;
    console.log(
      `one NetworkPolicy edit over ${ROWS.toLocaleString('en')} stored flows (${keyCount.toLocaleString('en')} flow keys):`,
    );
    rounds.forEach((r, i) =>
      console.log(
        `  round ${String(i + 1)}: store groups the window ${r.keysMs.toFixed(0)} ms, engine replays the keys ${r.engineMs.toFixed(0)} ms; previewPolicyChanges end to end ${r.totalMs.toFixed(0)} ms`,
      ),
    );
    console.log(
      `  classes: ${String(t.NEWLY_DENIED)} newly denied, ${String(t.NEWLY_ALLOWED)} newly allowed, ${String(t.UNCERTAIN)} uncertain, ${String(t.UNCHANGED)} unchanged`,
    );
    const best = Math.min(...rounds.map((r) => r.totalMs));
    console.log(
      `  goal < 5 s end to end: ${best < 5000 ? 'met' : 'NOT met'} (best round ${best.toFixed(0)} ms)`,
    );
  } finally {
    await app.close();
    await admin.end();
    await db.drop();
  }
}

await main();
