// bench/api: GraphQL read throughput and latency for `organization(slug) { members }` against a
// hand-written Fastify route that serves the same JSON from the same database with the same SQL:
// the token function, then one pipelined read-only transaction that sets the tenant context and
// reads the members and their count — exactly the statements the API sends. So the ratio is the
// cost of Fastify-in-Nest + Mercurius + the API's own code, not of Postgres.
// Each target is warmed up first (JIT, pools), then measured twice from a second process:
// saturation with autocannon (32 connections, max req/s, p50/p99), and a fixed 300 req/s with an
// open-loop paced generator (bench/lib/paced-load.ts; latency from each request's scheduled time).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import Fastify from 'fastify';
import pg from 'pg';
import { createMigratedDatabase } from '@palisade/migrations/test-databases';
import { loadEnv } from '../../services/api/src/config/env.js';
import { createLogger } from '../../services/api/src/platform/http/logger.js';
import { createApiServer } from '../../services/api/src/server.js';
import { Database } from '../../services/api/src/platform/db/database.js';
import { AdminService } from '../../services/api/src/admin/admin-service.js';
import { machineLine } from '../lib/machine.js';
import { pacedLoad } from '../lib/paced-load.js';

const DURATION = Number(process.env['BENCH_SECONDS'] ?? 10);
const WARMUP = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const RATE = 300;
const MEMBERS = 20;
const QUERY = `query Org($slug: String!) { organization(slug: $slug) { name members(first: ${MEMBERS}) { totalCount edges { node { user { email name } role } } } } }`;

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

// The servers under test live in this process, so the load generator must run asynchronously.
async function saturate(url: string, body: string, token: string, seconds = DURATION): Promise<Result> {
  const require = createRequire(import.meta.url);
  const bin = require.resolve('autocannon/autocannon.js');
  const args = [
    bin,
    '--json',
    '-d',
    String(seconds),
    '-c',
    String(CONNECTIONS),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-H',
    `authorization=Bearer ${token}`,
    '-b',
    body,
  ];
  const child = spawn(process.execPath, [...args, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`autocannon failed: ${stderr}`);
  const j = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
  return {
    rps: j.requests.average,
    p50: j.latency.p50,
    p99: j.latency.p99,
    errors: j.errors,
    non2xx: j.non2xx,
  };
}

async function atRate(url: string, body: string, token: string): Promise<Result> {
  const r = await pacedLoad({
    url,
    body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    rate: RATE,
    seconds: DURATION,
    connections: CONNECTIONS,
  });
  return { rps: r.completed / DURATION, p50: r.p50, p99: r.p99, errors: r.errors, non2xx: r.non2xx };
}

interface TokenRow {
  org_id: string;
  org_name: string;
  revoked_at: Date | null;
  expires_at: Date | null;
}

/** The plain route: the API's statements for this query, with nothing in between. */
function plainServer(appUrl: string) {
  const pool = new pg.Pool({ connectionString: appUrl, max: 16, pipeline: true });
  const app = Fastify();
  app.post('/org', async (req, reply) => {
    const auth = req.headers.authorization?.slice('Bearer '.length) ?? '';
    const hash = createHash('sha256').update(auth).digest();
    const t = await pool.query<TokenRow>('SELECT * FROM authenticate_api_token($1)', [hash]);
    const tok = t.rows[0];
    if (!tok || tok.revoked_at || (tok.expires_at && tok.expires_at < new Date()))
      return reply.code(401).send({ error: 'unauthenticated' });
    const client = await pool.connect();
    try {
      const [, , members, count] = await Promise.all([
        client.query('BEGIN READ ONLY'),
        client.query("SELECT set_config('app.org_id', $1, true)", [tok.org_id]),
        client.query<{ email: string; name: string; role: string }>(
          'SELECT u.email, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY m.created_at, m.user_id OFFSET 0 LIMIT $2',
          [tok.org_id, MEMBERS + 1],
        ),
        client.query<{ n: number }>('SELECT count(*)::int AS n FROM memberships WHERE org_id = $1', [
          tok.org_id,
        ]),
        client.query('COMMIT'),
      ]);
      return {
        data: {
          organization: {
            name: tok.org_name,
            members: {
              totalCount: count.rows[0]?.n,
              edges: members.rows.slice(0, MEMBERS).map((m) => ({
                node: { user: { email: m.email, name: m.name }, role: m.role.toUpperCase() },
              })),
            },
          },
        },
      };
    } finally {
      client.release();
    }
  });
  return { app, pool };
}

async function main(): Promise<void> {
  console.log(machineLine());
  const db = await createMigratedDatabase('palisade_bench_api');
  const appUrl = db.urlAs('palisade_app');
  const adminDb = new Database(db.adminUrl, 2);
  const ops = new AdminService(adminDb);
  await ops.createOrg('bench', 'Bench Org', 'owner@bench.example');
  for (let i = 1; i < MEMBERS; i++)
    await ops.addMember('bench', `member${i}@bench.example`, i % 2 ? 'editor' : 'viewer');
  const token = await ops.createToken('bench', 'viewer', 'bench', 3_600_000);

  const env = loadEnv({
    NODE_ENV: 'production',
    DATABASE_URL: appUrl,
    DATABASE_ADMIN_URL: db.adminUrl,
    DATABASE_POOL_SIZE: '16',
    REDIS_PREFIX: `bench-${db.name}`,
    LOG_LEVEL: 'silent',
    PORT: '0',
    // One token drives the whole load: the per-caller cost budget (decision 0058) would cap it.
    RATE_LIMIT_GRAPHQL_COST: '1000000000000',
    RATE_LIMIT_ORG_GRAPHQL_COST: '1000000000000',
  });
  const api = await createApiServer(env, createLogger('silent', 'bench'));
  await api.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `${await api.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
  const body = JSON.stringify({ query: QUERY, variables: { slug: 'bench' } });

  const plain = plainServer(appUrl);
  const plainUrl = `${await plain.app.listen({ port: 0, host: '127.0.0.1' })}/org`;

  const post = async (url: string) =>
    (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      })
    ).json();
  const a = await post(apiUrl);
  const b = await post(plainUrl);
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(`responses differ:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);

  console.log(
    `workload: organization(slug) with ${MEMBERS} members; ${WARMUP}s warm-up, then ${DURATION}s at saturation (autocannon, ${CONNECTIONS} connections) and ${DURATION}s at ${RATE} req/s (paced, open loop), each from a second process`,
  );
  await saturate(apiUrl, body, token, WARMUP);
  const gMax = await saturate(apiUrl, body, token);
  const gRate = await atRate(apiUrl, body, token);
  await saturate(plainUrl, body, token, WARMUP);
  const pMax = await saturate(plainUrl, body, token);
  const pRate = await atRate(plainUrl, body, token);
  const row = (name: string, r: Result) =>
    `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(5)} ms   p99 ${String(r.p99).padStart(5)} ms   errors ${r.errors + r.non2xx}`;
  console.log(row('GraphQL (Nest+Mercurius+API code)', gMax));
  console.log(row('plain Fastify + pg, same SQL', pMax));
  console.log(row(`GraphQL at ${RATE} req/s`, gRate));
  console.log(row(`plain at ${RATE} req/s`, pRate));
  console.log(
    `ratio: GraphQL throughput = ${((gMax.rps / pMax.rps) * 100).toFixed(1)}% of the plain route (goal ≥ 40%); p99 at ${RATE} req/s = ${gRate.p99} ms (goal < 25 ms)`,
  );

  await api.close();
  await plain.app.close();
  await plain.pool.end();
  await adminDb.close();
  await db.drop();
}

await main();
