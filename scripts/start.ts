// `npm start`: the whole stack on this machine with a demo organisation.
//   1. creates the `palisade` database if needed, applies migrations, seeds the demo when empty;
//   2. builds the web console when web/dist is missing or stale (the API serves it at /);
//   3. starts the dev OIDC provider, the API and the job worker as child processes;
//   4. waits until each answers, then prints where everything is and how to sign in.
// Ctrl-C stops everything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import pg from 'pg';
import { migrate } from '@palisade/migrations';
import { generatePrismaClient } from './prisma-generate.js';

const PG = process.env['PALISADE_PG'] ?? 'postgres://postgres@127.0.0.1:5432';
const DB = process.env['PALISADE_DB'] ?? 'palisade';
const API_PORT = 3000;
const GATEWAY_PORT = 3001;
const WORKER_PORT = 3002;
const OIDC_PORT = 3100;
const ORIGIN = `http://localhost:${API_PORT}`;
const ISSUER = `http://localhost:${OIDC_PORT}`;

const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  NODE_ENV: 'development',
  PORT: String(API_PORT),
  WORKER_PORT: String(WORKER_PORT),
  PUBLIC_ORIGIN: ORIGIN,
  DATABASE_URL: `postgres://palisade_app@127.0.0.1:5432/${DB}`,
  DATABASE_ADMIN_URL: `${PG}/${DB}`,
  REDIS_PREFIX: 'palisade-dev',
  OIDC_ISSUER: ISSUER,
  OIDC_CLIENT_ID: 'palisade-console',
  OIDC_CLIENT_SECRET: 'dev-secret',
  OIDC_ALLOW_INSECURE_HTTP: 'true',
  GATEWAY_PUBLIC_URL: `ws://localhost:${GATEWAY_PORT}/v1/tunnel`,
  DEV_OIDC_PORT: String(OIDC_PORT),
  DEV_OIDC_ISSUER: ISSUER,
  DEV_OIDC_CLIENT_ID: 'palisade-console',
  DEV_OIDC_CLIENT_SECRET: 'dev-secret',
  DEV_OIDC_REDIRECT_URI: `${ORIGIN}/auth/callback`,
  DEV_OIDC_POST_LOGOUT_REDIRECT_URI: `${ORIGIN}/`,
};

const children: ChildProcess[] = [];

function step(msg: string): void {
  process.stdout.write(`» ${msg}\n`);
}

function run(
  name: string,
  entry: string,
  args: string[] = [],
  extraEnv: Record<string, string> = {},
): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--import', './scripts/register.mjs', entry, ...args],
    {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream?.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) process.stdout.write(prefix + l + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stdout.write(`${prefix}exited (${signal ?? code}); stopping the stack\n`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not become ready at ${url} within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function main(): Promise<void> {
  step('generating the Prisma client');
  generatePrismaClient();
  step(`preparing database ${DB}`);
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const m = await migrate(env['DATABASE_ADMIN_URL'] ?? '', { log: (l) => step(l) });
  step(m.applied.length ? `applied ${m.applied.length} migration(s)` : 'database schema is up to date');

  const { runAdmin } = await import('../services/api/src/admin/admin.js');
  Object.assign(process.env, env);
  await runAdmin(['seed-demo'], step);

  const build = spawnSync(
    process.execPath,
    ['--import', './scripts/register.mjs', 'web/scripts/build-console.ts'],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error('the web console did not build');

  step('starting the dev OIDC provider, the API and the worker');
  run('oidc', 'services/dev-oidc/src/main.ts');
  await waitFor(`${ISSUER}/.well-known/openid-configuration`, 'the OIDC provider');
  run('api', 'services/api/src/main.ts');
  run('worker', 'services/api/src/worker.ts');
  await waitFor(`${ORIGIN}/readyz`, 'the API');
  await waitFor(`http://127.0.0.1:${WORKER_PORT}/readyz`, 'the worker');

  step('starting the cluster gateway and the demo clusters');
  run('gateway', 'services/cluster-gateway/src/main.ts', [], {
    PORT: String(GATEWAY_PORT),
    DATABASE_URL: `postgres://palisade_gateway@127.0.0.1:5432/${DB}`,
  });
  await waitFor(`http://127.0.0.1:${GATEWAY_PORT}/readyz`, 'the cluster gateway');
  await startDemoClusters(runAdmin);

  process.stdout.write(`
Palisade is running.
  Console             ${ORIGIN}/
  API and GraphQL     ${ORIGIN}/graphql   (GraphiQL at ${ORIGIN}/graphiql)
  Sign in             ${ORIGIN}/auth/login   as alice@example.com, password "palisade"
                      (also bob, carol, dave, erin, mallory @example.com; same password)
  Demo organisation   acme (alice owner, bob admin, carol editor, dave viewer, erin auditor)
  Demo clusters       ${DEMO_CLUSTERS.map((c) => c.name).join(', ')} (simulated; state in .palisade/agents/)
  Cluster gateway     ws://localhost:${GATEWAY_PORT}/v1/tunnel
  Connect one more    register it in the console (or registerCluster), then
                      npm run agent -- --simulate agent/examples/shop.yaml --token <enrollment token>
  OIDC provider       ${ISSUER}
  Health              ${ORIGIN}/healthz  ${ORIGIN}/readyz  ${ORIGIN}/metrics
  API token           npm run admin -- create-token --org acme --role viewer
                      then: curl -H "Authorization: Bearer <token>" -H content-type:application/json \\
                            -d '{"query":"{ organization(slug: \\"acme\\") { name members { totalCount } } }"}' ${ORIGIN}/graphql
Press Ctrl-C to stop.
`);
}

// The demo fleet: simulated clusters enrolled into acme through the API (registerCluster), each
// agent keeping its credential under .palisade/agents/<name> so a restart reuses it.
const DEMO_CLUSTERS = [
  { name: 'prod-eu', file: 'agent/examples/shop.yaml', labels: { env: 'prod', region: 'eu' } },
  { name: 'prod-us', file: 'agent/examples/shop.yaml', labels: { env: 'prod', region: 'us' } },
  { name: 'staging', file: 'agent/examples/large.yaml', labels: { env: 'staging', region: 'eu' } },
];

async function graphql<T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await fetch(`${ORIGIN}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await r.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data)
    throw new Error(body.errors?.map((e) => e.message).join('; ') ?? 'no data');
  return body.data;
}

async function startDemoClusters(
  runAdmin: (argv: string[], out: (l: string) => void) => Promise<void>,
): Promise<void> {
  const lines: string[] = [];
  await runAdmin(
    ['create-token', '--org', 'acme', '--role', 'admin', '--name', 'npm-start', '--expires-in', '1h'],
    (l) => lines.push(l),
  );
  const token = lines[lines.length - 1] ?? '';
  for (const c of DEMO_CLUSTERS) {
    const stateDir = `.palisade/agents/${c.name}`;
    const existing = await graphql<{ organization: { clusters: { edges: { node: { name: string } }[] } } }>(
      token,
      'query { organization(slug: "acme") { clusters(first: 100) { edges { node { name } } } } }',
      {},
    );
    const known = existing.organization.clusters.edges.some((e) => e.node.name === c.name);
    const args = [
      '--simulate',
      c.file,
      '--gateway',
      `ws://localhost:${GATEWAY_PORT}/v1/tunnel`,
      '--state-dir',
      stateDir,
    ];
    if (!known || !existsSync(`${stateDir}/credential.json`)) {
      rmSync(stateDir, { recursive: true, force: true });
      const r = await graphql<{ registerCluster: { enrollmentToken: string } }>(
        token,
        'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }',
        {
          i: {
            orgSlug: 'acme',
            name: c.name,
            labels: Object.entries(c.labels).map(([key, value]) => ({ key, value })),
          },
        },
      );
      args.push('--token', r.registerCluster.enrollmentToken);
    }
    run(`agent:${c.name}`, 'agent/src/main.ts', args);
  }
  // The bootstrap token has done its job; revoke it rather than leave it to expire.
  const me = await graphql<{ viewer: { token: { id: string } } }>(
    token,
    'query { viewer { token { id } } }',
    {},
  );
  await graphql(token, 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id } }', {
    i: { orgSlug: 'acme', tokenId: me.viewer.token.id },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  void stop(1);
});
