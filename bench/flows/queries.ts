// Flow reads through the real API (issue 13 item 7, read side): the `flows` query with selective
// filters over `flows` stored flows spread over the last 24 h of a 2,000-pod cluster (200
// workloads of 10 pods in 20 namespaces), and the service graph and policy statistics over those
// 24 h. Rows are generated in SQL straight into the tables the gateway writes (flows, the policy
// rollup summed from the flows exactly as the writer sums them, the pending minutes), the edge
// rollups are built by the worker's own function (decision 0207), then ANALYZEd. Each
// query is warmed up, then run sequentially; the figures are per request, end to end over HTTP
// (Fastify, Nest, Mercurius, the pipelined read path, Postgres).
// Also, in SQL as the API's role under RLS: the policy filter as migration 0006 wrote it (inline
// jsonb @>, which RLS keeps off the GIN index) against decision 0085's form (keys through
// flows_policy_matches, migrations 0016 and 0039, up to 10,000 matches; inline beyond). The API now
// decides between the two in a first statement (decision 0209): its figures are the `flows` lines.
// Goals (issue 13): flows p99 < 200 ms; service graph < 1 s.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { AdminService } from '../../services/api/src/admin/admin-service.js';
import {
  EDGE_ROLLUP_MAX_MINUTES,
  EDGE_ROLLUP_SETTLE,
} from '../../services/api/src/modules/flows/jobs/flow-edge-rollup.processor.js';
import { loadEnv } from '../../services/api/src/config/env.js';
import { Database } from '../../services/api/src/platform/db/database.js';
import { createLogger } from '../../services/api/src/platform/http/logger.js';
import { createApiServer } from '../../services/api/src/server.js';

const CHUNK = 500_000;
const BUCKETS_PER_DAY = 5_760;

// Flow i: bucket i % 5760 of the 24 h before $5 ($3..$4 the range of i, $1 the org, $2 the
// cluster; also used by bench/web for the flow explorer); source and destination workloads from
// i, so that every pair recurs; one flow in ten denied; a tenth of the allowed ones with a staged
// pending deny. $5 is one instant for all the chunks of a data set: with now(), a chunk written in
// the next minute shifted its buckets by a minute, and the rollups of the same 1 M flows came out
// at 979,628 edge-minute rows instead of 499,909 (and the service graph read twice as many).
export const GENERATE = `
INSERT INTO flows (org_id, cluster_id, start_time, end_time, flow_key, source_type, source_namespace,
  source_name, source_labels, dest_type, dest_namespace, dest_name, dest_labels, dest_port,
  dest_service_namespace, dest_service_name, dest_service_port_name, dest_service_port, proto, reporter,
  action, policies_enforced, policies_pending, trace_hash, pending_action, packets_in, packets_out,
  bytes_in, bytes_out, num_flows, num_flows_started, num_flows_completed)
SELECT $1, $2, t, t + interval '15 seconds', decode(md5(i::text), 'hex'),
  'wep', 'ns-' || (s % 20), 'app-' || s || '-5f6d7c8b9-*', jsonb_build_array('app=app-' || s),
  CASE WHEN i % 97 = 0 THEN 'net' ELSE 'wep' END,
  CASE WHEN i % 97 = 0 THEN '-' ELSE 'ns-' || (d % 20) END,
  CASE WHEN i % 97 = 0 THEN 'pub' ELSE 'app-' || d || '-5f6d7c8b9-*' END,
  CASE WHEN i % 97 = 0 THEN '[]'::jsonb ELSE jsonb_build_array('app=app-' || d) END,
  8000 + (i % 17), '-', '-', '-', 0, 'tcp', CASE WHEN i % 2 = 0 THEN 'src' ELSE 'dst' END,
  CASE WHEN i % 10 = 0 THEN 'deny' ELSE 'allow' END,
  CASE WHEN i % 10 = 0
    THEN jsonb_build_array(jsonb_build_object('policy_index', 0, 'tier', 'default', 'kind', 'np',
      'namespace', 'ns-' || (d % 20), 'name', 'deny-' || (d % 50), 'action', 'deny', 'rule_index', 0, 'trigger', null))
    ELSE jsonb_build_array(jsonb_build_object('policy_index', 0, 'tier', 'default', 'kind', 'np',
      'namespace', 'ns-' || (d % 20), 'name', 'allow-' || (d % 50), 'action', 'allow', 'rule_index', i % 3, 'trigger', null)) END,
  CASE WHEN i % 10 = 5
    THEN jsonb_build_array(jsonb_build_object('policy_index', 0, 'tier', 'security', 'kind', 'sgnp',
      'namespace', '', 'name', 'quarantine', 'action', 'deny', 'rule_index', 0, 'trigger', null))
    ELSE '[]'::jsonb END,
  md5(i::text), CASE WHEN i % 10 = 5 THEN 'deny' END,
  10 + i % 50, 12 + i % 40, 1000 + i % 5000, 9000 + i % 7000, 2, 1, 1
FROM (SELECT i, (i * 7919) % 200 AS s, (i * 104729) % 200 AS d,
             date_trunc('minute', $5::timestamptz) - interval '15 seconds' * (1 + i % ${BUCKETS_PER_DAY}) AS t
        FROM generate_series($3::bigint, $4::bigint) AS i) AS g`;

// The minutes written, marked pending as the gateway marks them (decision 0207); the worker's job
// then builds the edge and hourly rollups from them (flows_roll_up_edges, migration 0036).
const PENDING = `
INSERT INTO flow_edge_pending_minutes (org_id, cluster_id, minute)
SELECT DISTINCT org_id, cluster_id, date_trunc('minute', start_time) FROM flows
ON CONFLICT (cluster_id, minute) DO NOTHING`;

const HITS = `
INSERT INTO flow_policy_minutes (org_id, cluster_id, minute, hit_key, trace, policy_kind, policy_tier,
  policy_namespace, policy_name, rule_index, policy_action, reporter, packets_in, packets_out, bytes_in,
  bytes_out, num_flows, num_flows_started, num_flows_completed)
SELECT org_id, cluster_id, minute,
  md5(concat_ws(chr(31), trace, kind, tier, namespace, name, rule_index, action, reporter))::uuid,
  trace, kind, tier, namespace, name, rule_index, action, reporter,
  sum(packets_in), sum(packets_out), sum(bytes_in), sum(bytes_out), sum(num_flows), sum(num_flows_started),
  sum(num_flows_completed)
FROM (SELECT f.org_id, f.cluster_id, date_trunc('minute', f.start_time) AS minute, t.trace,
             h->>'kind' AS kind, h->>'tier' AS tier, h->>'namespace' AS namespace, h->>'name' AS name,
             (h->>'rule_index')::int AS rule_index, h->>'action' AS action, f.reporter, f.packets_in,
             f.packets_out, f.bytes_in, f.bytes_out, f.num_flows, f.num_flows_started, f.num_flows_completed
        FROM flows f
        CROSS JOIN LATERAL (VALUES ('enforced', f.policies_enforced), ('pending', f.policies_pending)) AS t(trace, hits)
        CROSS JOIN LATERAL jsonb_array_elements(t.hits) AS h) AS x
GROUP BY org_id, cluster_id, minute, trace, kind, tier, namespace, name, rule_index, action, reporter`;

const FLOWS_QUERY = `query($s: String!, $f: FlowFilter) { organization(slug: $s) { flows(filter: $f, first: 50) {
  totalCount edges { cursor node { id startTime sourceName destName action pendingAction enforcedTrace
  enforcedPolicies { kind namespace name action ruleIndex } cluster { name } } } } } }`;
const HINTS_QUERY = `query($s: String!, $t: FlowFilterHintType!) { organization(slug: $s) {
  flowFilterHints(type: $t, first: 50) { totalCount edges { node { value } } } } }`;
const GRAPH_QUERY = `query($s: String!, $r: TimeRange) { organization(slug: $s) { serviceGraph(timeRange: $r) {
  truncated nodes { id type name } edges { sourceId destId allowed { bytesIn } deniedAtSource { bytesIn } deniedAtDest { bytesIn } } } } }`;
const STATS_QUERY = `query($s: String!, $r: TimeRange) { organization(slug: $s) { policyStatistics(timeRange: $r, first: 100) {
  totalCount edges { node { name allowed { packetsIn } denied { packetsIn } } } } } }`;

// A page of 50 and its count up to 10,001 under a policy filter, as FlowsRepository.list reads
// them: inline (migration 0006's form), or keys through the definer function up to 10,000 with the
// inline form beyond (migration 0016, decision 0085). $1 the org, $2 the pattern.
const SCOPE = `f.org_id = $1 AND f.start_time >= now() - interval '30 days'
  AND f.cluster_id IN (SELECT c.id FROM clusters c WHERE c.org_id = $1)`;
const INLINE = '(f.policies_enforced || f.policies_pending) @> $2::jsonb';
const ORDER = 'ORDER BY f.start_time DESC, f.cluster_id DESC, f.flow_key DESC';
const KEYS = `WITH pm AS MATERIALIZED (SELECT m.cluster_id, m.start_time, m.flow_key
    FROM flows_policy_matches(ARRAY[$2::jsonb], ARRAY(SELECT c.id FROM clusters c WHERE c.org_id = $1),
      now() - interval '30 days', NULL, 10001) m),
  broad AS MATERIALIZED (SELECT count(*) > 10000 AS b FROM pm)`;
const KEY_MATCH = '(f.cluster_id, f.start_time, f.flow_key) IN (SELECT * FROM pm)';
const POLICY_FORMS: Record<string, { page: string; count: string }> = {
  'inline (0006)': {
    page: `SELECT f.start_time, f.flow_key FROM flows f WHERE ${SCOPE} AND ${INLINE} ${ORDER} LIMIT 50`,
    count: `SELECT count(*)::int AS n FROM (SELECT 1 FROM flows f WHERE ${SCOPE} AND ${INLINE} LIMIT 10001) c`,
  },
  'keys up to 10,000, else inline (0016)': {
    page: `SELECT f.start_time, f.flow_key FROM (${KEYS}
      (SELECT f.* FROM flows f WHERE ${SCOPE} AND ${INLINE} AND (SELECT b FROM broad) ${ORDER} LIMIT 50)
      UNION ALL
      (SELECT f.* FROM flows f WHERE ${SCOPE} AND ${KEY_MATCH} AND NOT (SELECT b FROM broad) ${ORDER} LIMIT 50)
    ) f ${ORDER} LIMIT 50`,
    count: `SELECT count(*)::int AS n FROM (${KEYS}
      (SELECT 1 FROM flows f WHERE ${SCOPE} AND ${INLINE} AND (SELECT b FROM broad))
      UNION ALL
      (SELECT 1 FROM flows f WHERE ${SCOPE} AND ${KEY_MATCH} AND NOT (SELECT b FROM broad))
      LIMIT 10001) c`,
  },
};

/** Both forms of the policy filter, as the API's role with the tenant set, on the same rows. */
async function comparePolicyFilter(appUrl: string, orgId: string, runs: number): Promise<void> {
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  try {
    const cases: [string, unknown[]][] = [
      ['selective: one deny policy (2 % of flows)', [{ name: 'deny-10' }]],
      ['broad: a staged policy in the pending trace (10 %)', [{ name: 'quarantine' }]],
      ['broadest: every hit of tier default (100 %)', [{ tier: 'default' }]],
    ];
    for (const [name, pattern] of cases) {
      const line: string[] = [];
      let answers: string | null = null;
      for (const [form, statements] of Object.entries(POLICY_FORMS)) {
        const times: number[] = [];
        for (let i = 0; i < runs + 2; i++) {
          await app.query('BEGIN READ ONLY');
          await app.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
          const t = performance.now();
          const page = await app.query<{ start_time: Date }>(statements.page, [
            orgId,
            JSON.stringify(pattern),
          ]);
          const count = await app.query<{ n: number }>(statements.count, [orgId, JSON.stringify(pattern)]);
          if (i >= 2) times.push(performance.now() - t);
          await app.query('COMMIT');
          const answer = `${String(count.rows[0]?.n)}:${String(page.rows[0]?.start_time.getTime())}`;
          if (answers !== null && answers !== answer) throw new Error(`the two forms disagree on ${name}`);
          answers = answer;
        }
        times.sort((a, b) => a - b);
        line.push(`${form} p50 ${percentile(times, 50).toFixed(1)} ms`);
      }
      console.log(`policy filter, page + count, ${name}: ${line.join(' | ')} (${String(runs)} runs)`);
    }
  } finally {
    await app.end();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function benchQueries(opts: { flows: number; runs: number }): Promise<void> {
  const { flows: FLOWS, runs: RUNS } = opts;
  const db = await createMigratedDatabase('palisade_bench_flows_query');
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  const adminDb = new Database(db.adminUrl, 2);
  try {
    const ops = new AdminService(adminDb);
    const { orgId } = await ops.createOrg('bench', 'Bench Org', 'owner@bench.example');
    const token = await ops.createToken('bench', 'viewer', 'bench', 3_600_000);
    const cluster = await admin.query<{ id: string }>(
      `INSERT INTO clusters (org_id, name, enrollment_token_hash, enrollment_expires_at)
       VALUES ($1, 'big', '\\x00', now()) RETURNING id`,
      [orgId],
    );
    const clusterId = cluster.rows[0]!.id;
    await admin.query("SELECT flows_ensure_partitions((now() AT TIME ZONE 'UTC')::date - 1)");

    let t0 = performance.now();
    // flows' secondary indexes (the migrations' own definitions, read back) are dropped for the
    // load and built again after it: at 1 M flows 24 s of INSERT + 22 s of CREATE INDEX against
    // 61 s of INSERT into the indexed table, and the gap grows with the size (decision 0207).
    const { rows: indexes } = await admin.query<{ indexname: string; indexdef: string }>(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = 'flows'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    for (const i of indexes) await admin.query(`DROP INDEX ${i.indexname}`);
    const generatedAt = new Date();
    for (let from = 1; from <= FLOWS; from += CHUNK)
      await admin.query(GENERATE, [orgId, clusterId, from, Math.min(FLOWS, from + CHUNK - 1), generatedAt]);
    // On the partitioned parent: `ON ONLY` would make an invalid index that skips the partitions.
    for (const i of indexes) await admin.query(i.indexdef.replace(' ON ONLY ', ' ON '));
    const generated = performance.now() - t0;
    await admin.query(HITS);
    await admin.query(PENDING);
    // The worker's job, as it runs in production (its settle and its limit per run, runs repeated
    // until nothing is left): the minutes not settled yet stay pending and are read from flows.
    const t1 = performance.now();
    let rolled = { minutes: 0, hours: 0 };
    for (;;) {
      const { rows } = await admin.query<{ minutes: number; hours: number }>(
        'SELECT minutes, hours FROM flows_roll_up_edges($1::interval, $2::integer)',
        [EDGE_ROLLUP_SETTLE, EDGE_ROLLUP_MAX_MINUTES],
      );
      const run = rows[0]!;
      rolled = { minutes: rolled.minutes + run.minutes, hours: rolled.hours + run.hours };
      if (run.minutes === 0 && run.hours === 0) break;
    }
    const rollupMs = performance.now() - t1;
    await admin.query('ANALYZE flows, flow_edge_minutes, flow_policy_minutes, flow_pair_hours');
    // The service graph reads the whole hours from flow_pair_hours, the partial ones from
    // flow_edge_minutes and the pending minutes from flows: its time follows these counts.
    const rollups = await admin.query<{ edges: string; hits: string; pairs: string; pending: string }>(
      `SELECT (SELECT count(*) FROM flow_edge_minutes) AS edges, (SELECT count(*) FROM flow_policy_minutes) AS hits,
              (SELECT count(*) FROM flow_pair_hours) AS pairs, (SELECT count(*) FROM flow_edge_pending_minutes) AS pending`,
    );
    const r = rollups.rows[0]!;
    console.log(
      `stored ${FLOWS.toLocaleString('en')} flows (and their indexes) in ${(generated / 1000).toFixed(0)} s, the edge rollups by the ` +
        `worker's function in ${(rollupMs / 1000).toFixed(0)} s (${rolled.minutes.toLocaleString('en')} minutes, ` +
        `${rolled.hours.toLocaleString('en')} hours): ${Number(r.edges).toLocaleString('en')} edge-minute rows, ` +
        `${Number(r.pairs).toLocaleString('en')} pair-hour rows, ${Number(r.pending).toLocaleString('en')} minutes ` +
        `pending; ${Number(r.hits).toLocaleString('en')} policy-minute rows`,
    );

    // Fewer runs: at 10 M flows the inline form takes seconds per statement.
    await comparePolicyFilter(db.urlAs('palisade_app'), orgId, Math.max(3, Math.round(RUNS / 10)));

    const env = loadEnv({
      NODE_ENV: 'production',
      // Required in production; the bench signs no evidence, so any key of the right size.
      EVIDENCE_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATABASE_URL: db.urlAs('palisade_app'),
      DATABASE_ADMIN_URL: db.adminUrl,
      DATABASE_POOL_SIZE: '4',
      REDIS_PREFIX: `bench-${db.name}`,
      LOG_LEVEL: 'silent',
      PORT: '0',
    });
    const api = await createApiServer(env, createLogger('silent', 'bench'));
    await api.listen({ port: 0, host: '127.0.0.1' });
    const url = `${await api.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
    const post = async (query: string, variables: Record<string, unknown>): Promise<number> => {
      const start = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: { s: 'bench', ...variables } }),
      });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return performance.now() - start;
    };
    const day = { from: new Date(Date.now() - 86_400_000).toISOString() };
    const few = Math.max(5, Math.round(RUNS / 5));
    // [name, query, variables, runs, goal on p99 in ms (issue 13) or null]. The cases without a
    // goal that read far (seconds each at 10 M flows) and the rollup reads run `few` times.
    const cases: [string, string, Record<string, unknown>, number, number | null][] = [
      // The generator sends every denied flow to namespaces ns-0 and ns-10 (d ≡ 0 mod 10): ns-0 and
      // denied is 5 % of the flows; ns-3 and denied matches none, which the denied-flow indexes
      // (migration 0040, decision 0212) answer without reading an ns-3 flow.
      [
        'flows, selective (dest namespace + denied, 5 %), first 50 with totalCount',
        FLOWS_QUERY,
        { f: { destNamespaces: [{ value: 'ns-0' }], actions: ['DENY'] } },
        RUNS,
        200,
      ],
      [
        'flows, no match (dest namespace + denied, 0 %), first 50 with totalCount',
        FLOWS_QUERY,
        { f: { destNamespaces: [{ value: 'ns-3' }], actions: ['DENY'] } },
        few,
        null,
      ],
      [
        'flows, policy match (2 %), first 50',
        FLOWS_QUERY,
        { f: { policies: [{ name: 'deny-10' }] } },
        few,
        null,
      ],
      [
        'flows, policy match (10 %), first 50',
        FLOWS_QUERY,
        { f: { policies: [{ name: 'quarantine' }] } },
        few,
        null,
      ],
      [
        'flows, policy match (100 %), first 50',
        FLOWS_QUERY,
        { f: { policies: [{ tier: 'default' }] } },
        few,
        null,
      ],
      ['flows, newest first, no filter', FLOWS_QUERY, {}, RUNS, null],
      ['filter hints, destination names, unfiltered', HINTS_QUERY, { t: 'DEST_NAME' }, few, null],
      ['filter hints, policy names, unfiltered', HINTS_QUERY, { t: 'POLICY_NAME' }, few, null],
      ['service graph, 24 h', GRAPH_QUERY, { r: day }, few, 1_000],
      ['policy statistics, 24 h', STATS_QUERY, { r: day }, few, null],
    ];
    const goals: string[] = [];
    for (const [name, query, variables, runs, goalMs] of cases) {
      for (let i = 0; i < 3; i++) await post(query, variables);
      const times: number[] = [];
      t0 = performance.now();
      for (let i = 0; i < runs; i++) times.push(await post(query, variables));
      times.sort((a, b) => a - b);
      console.log(
        `${name}: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${percentile(times, 100).toFixed(1)} ms (${String(runs)} runs)`,
      );
      if (goalMs !== null) {
        const p99 = percentile(times, 99);
        goals.push(
          `goal: ${name} p99 < ${goalMs.toLocaleString('en')} ms on ${FLOWS.toLocaleString('en')} flows: ` +
            `${p99.toFixed(1)} ms, ${p99 < goalMs ? 'met' : 'NOT met'}`,
        );
      }
    }
    for (const line of goals) console.log(line);
    await api.close();
  } finally {
    await adminDb.close();
    await admin.end();
    await db.drop();
  }
}
