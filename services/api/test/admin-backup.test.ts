// The backup and restore drill (decision 0081), run as an operator runs it: `npm run admin --
// backup` of a database with an organisation, its audit chain and an enrolled cluster, `restore`
// into a new database, then an API on the restored database verifies the chain and a gateway on it
// accepts the cluster's stored credential. Also the refusals: never overwrite a file or a database,
// and a damaged backup leaves no half-restored database behind.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '@palisade/cluster-gateway';
import { TEST_PG } from '@palisade/migrations/test-databases';
import { TestContext } from './context.js';
import { expectData } from './factories/members.js';
import { eventually, startTestAgent, startTestGateway } from './support/fleet.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_TIMEOUT_MS = 120_000;
const CHAIN = 'query($s: String!) { organization(slug: $s) { auditChain { valid checkedEvents } } }';

let ctx: TestContext;
let dir: string;
const restored = `palisade_restored_${randomBytes(4).toString('hex')}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function admin(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/register.mjs', 'services/api/src/admin/admin.ts', ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATABASE_URL: ctx.env.DATABASE_URL,
          DATABASE_ADMIN_URL: ctx.env.DATABASE_ADMIN_URL,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function databaseExists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: `${TEST_PG}/postgres` });
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

function urlOf(database: string, role = 'postgres'): string {
  const u = new URL(`${TEST_PG}/${database}`);
  u.username = role;
  return u.toString();
}

beforeAll(async () => {
  ctx = await TestContext.start();
  dir = mkdtempSync(join(tmpdir(), 'palisade-backup-'));
});

afterAll(async () => {
  const c = new pg.Client({ connectionString: `${TEST_PG}/postgres` });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${restored} WITH (FORCE)`);
  await c.end();
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run admin -- backup / restore', { timeout: 4 * CLI_TIMEOUT_MS }, () => {
  it('restores the audit chain and the clusters’ credentials into a new database', async () => {
    const { slug } = await ctx.newOrg();
    const owner = await ctx.tokenCaller(slug, 'owner');
    const reg = expectData(
      await ctx.gql<{ registerCluster: { enrollmentToken: string; cluster: { id: string } } }>(
        owner,
        'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken cluster { id } } }',
        { i: { orgSlug: slug, name: 'backed-up', labels: [{ key: 'env', value: 'prod' }] } },
      ),
    );
    const gateway = await startTestGateway(ctx);
    const stateDir = join(dir, 'agent');
    const agent = await startTestAgent({
      port: gateway.port,
      token: reg.registerCluster.enrollmentToken,
      stateDir,
    });
    await eventually('the agent enrolled', () => agent.status() === 'connected' || undefined, 30_000);
    await agent.close();
    await gateway.close();
    const chainBefore = expectData(
      await ctx.gql<{ organization: { auditChain: unknown } }>(owner, CHAIN, { s: slug }),
    );

    const file = join(dir, 'palisade.dump');
    const backup = await admin('backup', '--out', file);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('  dumped public.audit_events');
    expect(backup.stdout).toMatch(/backup complete: .*palisade\.dump \(\d+\.\d MiB\)/);
    expect(existsSync(`${file}.partial`)).toBe(false);

    const restore = await admin('restore', '--from', file, '--database', restored);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain('  restored public.clusters');
    expect(restore.stdout).toMatch(
      /restore complete: \S+ holds \d+ organisation\(s\), 1 cluster\(s\), \d+ audit event\(s\)/,
    );

    // An API on the restored database: the same token, the same chain, verified from the first event.
    const onRestored = await TestContext.start({
      DATABASE_URL: urlOf(restored, 'palisade_app'),
      DATABASE_ADMIN_URL: urlOf(restored),
    });
    try {
      const chainAfter = expectData(
        await onRestored.gql<{ organization: { auditChain: { valid: boolean; checkedEvents: number } } }>(
          owner,
          CHAIN,
          { s: slug },
        ),
      );
      expect(chainAfter).toEqual(chainBefore);
      expect(chainAfter.organization.auditChain.valid).toBe(true);
      expect(chainAfter.organization.auditChain.checkedEvents).toBeGreaterThan(1);
    } finally {
      await onRestored.close();
    }

    // A gateway on the restored database accepts the credential the agent stored before the backup.
    const restoredGateway = await startGateway({
      databaseUrl: urlOf(restored, 'palisade_gateway'),
      redisUrl: ctx.env.REDIS_URL,
      redisPrefix: `${ctx.env.REDIS_PREFIX}-restored`,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
    });
    const again = await startTestAgent({ port: restoredGateway.port, token: null, stateDir });
    try {
      await eventually(
        'the stored credential accepted',
        () => again.status() === 'connected' || undefined,
        30_000,
      );
      expect(again.clusterId()).toBe(reg.registerCluster.cluster.id);
    } finally {
      await again.close();
      await restoredGateway.close();
    }
  });

  it('never overwrites, and drops what a damaged backup half restored', async () => {
    const existing = join(dir, 'exists.dump');
    writeFileSync(existing, 'not empty');
    const overwrite = await admin('backup', '--out', existing);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain(`--out ${existing} already exists; a backup never overwrites`);

    const intoExisting = await admin('restore', '--from', join(dir, 'palisade.dump'), '--database', restored);
    expect(intoExisting.code).toBe(2);
    expect(intoExisting.stderr).toContain(
      `database ${restored} already exists; restore only creates a new one`,
    );

    const missing = await admin('restore', '--from', join(dir, 'nope.dump'), '--database', 'palisade_nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');

    const damaged = `palisade_damaged_${randomBytes(4).toString('hex')}`;
    const broken = await admin('restore', '--from', existing, '--database', damaged);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/error: pg_restore failed:/);
    expect(broken.stdout).toContain(`restore failed; dropping the incomplete database ${damaged}`);
    expect(await databaseExists(damaged)).toBe(false);
  });
});
