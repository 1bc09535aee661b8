// bench/api: GraphQL read throughput and latency for `organization(slug) { members }` against a
// hand-written Fastify route that serves the same JSON from the same database with the same token
// check (so the ratio is the cost of Nest + GraphQL + Prisma + RLS scoping, not of Postgres).
// Load comes from autocannon in a second process. Two phases per target: saturation (max req/s,
// p50/p99) and a fixed 300 req/s (p50/p99).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import Fastify from 'fastify';
import pg from 'pg';
import { migrate } from '@palisade/migrations';
import { loadEnv } from '../../services/api/src/config/env.js';
import { createLogger } from '../../services/api/src/platform/http/logger.js';
import { createApiServer } from '../../services/api/src/server.js';
import { Database } from '../../services/api/src/platform/db/database.js';
import { AdminService } from '../../services/api/src/admin/admin-service.js';
import { machineLine } from '../lib/machine.js';

const PG = process.env['PALISADE_PG'] ?? 'postgres://postgres@127.0.0.1:5432';
const DURATION = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
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
async function load(url: string, body: string, token: string, rate?: number): Promise<Result> {
  const require = createRequire(import.meta.url);
  const bin = require.resolve('autocannon/autocannon.js');
  const args = [
    bin,
    '--json',
    '-d',
    String(DURATION),
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
  if (rate) args.push('--overallRate', String(rate));
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

async function main(): Promise<void> {
  console.log(machineLine());
  const dbName = `palisade_bench_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const adminUrl = `${PG}/${dbName}`;
  const appUrl = `postgres://palisade_app@127.0.0.1:5432/${dbName}`;
  await migrate(adminUrl);
  const adminDb = new Database(adminUrl, 2);
  const ops = new AdminService(adminDb);
  await ops.createOrg('bench', 'Bench Org', 'owner@bench.example');
  for (let i = 1; i < MEMBERS; i++)
    await ops.addMember('bench', `member${i}@bench.example`, i % 2 ? 'editor' : 'viewer');
  const token = await ops.createToken('bench', 'viewer', 'bench', 3_600_000);

  const env = loadEnv({
    NODE_ENV: 'production',
    DATABASE_URL: appUrl,
    DATABASE_ADMIN_URL: adminUrl,
    DATABASE_POOL_SIZE: '16',
    REDIS_PREFIX: `bench-${dbName}`,
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const api = await createApiServer(env, createLogger('silent', 'bench'));
  await api.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `${await api.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
  const body = JSON.stringify({ query: QUERY, variables: { slug: 'bench' } });

  // The plain route: same token check (the same SQL function), same org scoping, one query.
  const pool = new pg.Pool({ connectionString: appUrl, max: 16 });
  const plain = Fastify();
  plain.post('/org', async (req, reply) => {
    const auth = req.headers.authorization?.slice('Bearer '.length) ?? '';
    const hash = createHash('sha256').update(auth).digest();
    const client = await pool.connect();
    try {
      const t = await client.query<{ org_id: string; revoked_at: Date | null; expires_at: Date | null }>(
        'SELECT * FROM authenticate_api_token($1)',
        [hash],
      );
      const tok = t.rows[0];
      if (!tok || tok.revoked_at || (tok.expires_at && tok.expires_at < new Date()))
        return reply.code(401).send({ error: 'unauthenticated' });
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.org_id', $1, true)", [tok.org_id]);
      const org = await client.query<{ name: string }>(
        'SELECT name FROM organizations WHERE slug = $1 AND id = $2',
        ['bench', tok.org_id],
      );
      const members = await client.query<{ email: string; name: string; role: string }>(
        'SELECT u.email, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY m.created_at, m.user_id LIMIT $2',
        [tok.org_id, MEMBERS],
      );
      const count = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM memberships WHERE org_id = $1',
        [tok.org_id],
      );
      await client.query('COMMIT');
      return {
        data: {
          organization: {
            name: org.rows[0]?.name,
            members: {
              totalCount: Number(count.rows[0]?.n),
              edges: members.rows.map((m) => ({
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
  const plainUrl = `${await plain.listen({ port: 0, host: '127.0.0.1' })}/org`;

  const a = await (
    await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    })
  ).json();
  const b = await (
    await fetch(plainUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    })
  ).json();
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(`responses differ:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);

  console.log(
    `workload: organization(slug) with ${MEMBERS} members, ${CONNECTIONS} connections, ${DURATION}s per phase, autocannon in a second process`,
  );
  const gMax = await load(apiUrl, body, token);
  const pMax = await load(plainUrl, body, token);
  const g300 = await load(apiUrl, body, token, 300);
  const p300 = await load(plainUrl, body, token, 300);
  const row = (name: string, r: Result) =>
    `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
  console.log(row('GraphQL (Nest+Mercurius+Prisma)', gMax));
  console.log(row('plain Fastify + pg', pMax));
  console.log(row('GraphQL at 300 req/s', g300));
  console.log(row('plain at 300 req/s', p300));
  console.log(
    `ratio: GraphQL throughput = ${((gMax.rps / pMax.rps) * 100).toFixed(1)}% of the plain route (goal ≥ 40%); p99 at 300 req/s = ${g300.p99} ms (goal < 25 ms)`,
  );

  await api.close();
  await plain.close();
  await pool.end();
  await adminDb.close();
  await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await admin.end();
}

await main();
