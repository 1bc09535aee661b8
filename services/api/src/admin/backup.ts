// `npm run admin -- backup --out FILE` and `restore --from FILE --database NAME` (decision 0081):
// the whole database (audit chain, cluster credentials' hashes, flows, everything) through
// pg_dump/pg_restore in their custom format. A backup is written beside its target and renamed
// into place only once pg_dump succeeded, so a failed or interrupted run never leaves a file that
// looks like a backup. A restore always creates a new database on the server of
// DATABASE_ADMIN_URL and never overwrites one; if it fails, the half-restored database is dropped.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { AdminUsageError } from './admin-service.js';

/** Roles the dump grants to (created by migration 0001 on the server, not by a dump). */
const APP_ROLES = ['palisade_app', 'palisade_gateway'];
/** A database name as `restore --database` accepts it (no quoting needed anywhere). */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

type Out = (line: string) => void;

/** pg_dump or pg_restore: from PATH, else the newest of /usr/lib/postgresql/<version>/bin. */
export function pgTool(tool: 'pg_dump' | 'pg_restore'): string {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined) return tool;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', tool))) return join(root, v, 'bin', tool);
  throw new BackupError(`${tool} was not found on PATH: install the PostgreSQL client tools (15 or newer)`);
}

/** Runs a pg tool, turning its `--verbose` lines into progress and keeping the errors. */
function runTool(file: string, args: string[], out: Out, progress: (line: string) => string | null) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const errors: string[] = [];
    let buffer = '';
    child.stderr.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (/error|fatal|could not/i.test(line)) errors.push(line);
        const shown = progress(line);
        if (shown !== null) out(shown);
      }
    });
    child.once('error', (error) => reject(new BackupError(`${file}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const why = errors.slice(0, 5).join('\n  ') || buffer.trim() || `exit ${String(code ?? signal)}`;
      reject(new BackupError(`${file.split('/').pop() ?? file} failed:\n  ${why}`));
    });
  });
}

function dataLine(prefix: string) {
  return (line: string): string | null => {
    const m =
      /(?:dumping contents of table|processing data for table) "?([^"\s]+)"?(?:\."?([^"\s]+)"?)?/.exec(line);
    if (m === null) return null;
    return `${prefix} ${m[2] === undefined ? (m[1] ?? '') : `${m[1] ?? ''}.${m[2]}`}`;
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

export async function backupDatabase(adminUrl: string, outFile: string, out: Out): Promise<void> {
  if (existsSync(outFile))
    throw new AdminUsageError(`--out ${outFile} already exists; a backup never overwrites`);
  if (!existsSync(dirname(outFile)))
    throw new AdminUsageError(`--out: the folder ${dirname(outFile)} does not exist`);
  const database = new URL(adminUrl).pathname.slice(1);
  const partial = `${outFile}.partial`;
  out(`backing up database ${database} to ${outFile} (pg_dump, custom format)`);
  try {
    await runTool(
      pgTool('pg_dump'),
      ['--format=custom', '--verbose', '--no-password', `--file=${partial}`, `--dbname=${adminUrl}`],
      out,
      dataLine('  dumped'),
    );
    await rename(partial, outFile);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const { size } = await stat(outFile);
  out(
    `backup complete: ${outFile} (${mib(size)}); restore it with: npm run admin -- restore --from ${outFile} --database <new name>`,
  );
}

export async function restoreDatabase(
  adminUrl: string,
  fromFile: string,
  database: string,
  out: Out,
): Promise<void> {
  if (!existsSync(fromFile)) throw new AdminUsageError(`--from ${fromFile} does not exist`);
  if (!DATABASE_NAME.test(database))
    throw new AdminUsageError(
      `--database "${database}" must be lower-case letters, digits and underscores, starting with a letter or _`,
    );
  const server = new URL(adminUrl);
  server.pathname = '/postgres';
  const target = new URL(adminUrl);
  target.pathname = `/${database}`;

  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount !== 0)
      throw new AdminUsageError(`database ${database} already exists; restore only creates a new one`);
    const roles = await admin.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE rolname = ANY($1)',
      [APP_ROLES],
    );
    const missing = APP_ROLES.filter((r) => !roles.rows.some((row) => row.rolname === r));
    if (missing.length > 0)
      throw new BackupError(
        `the roles ${missing.join(', ')} do not exist on this server: run "npm run admin -- migrate" against any database of it first`,
      );
    out(`creating database ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }

  out(`restoring ${fromFile} into ${database} (pg_restore)`);
  try {
    await runTool(
      pgTool('pg_restore'),
      ['--verbose', '--exit-on-error', '--no-password', `--dbname=${target.toString()}`, fromFile],
      out,
      dataLine('  restored'),
    );
  } catch (error) {
    out(`restore failed; dropping the incomplete database ${database}`);
    const cleanup = new pg.Client({ connectionString: server.toString() });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => cleanup.end());
    throw error;
  }

  const check = new pg.Client({ connectionString: target.toString() });
  await check.connect();
  try {
    const { rows } = await check.query<{ orgs: number; clusters: number; events: number }>(
      `SELECT (SELECT count(*) FROM organizations)::int AS orgs, (SELECT count(*) FROM clusters)::int AS clusters,
              (SELECT count(*) FROM audit_events)::int AS events`,
    );
    const r = rows[0];
    out(
      `restore complete: ${database} holds ${String(r?.orgs)} organisation(s), ${String(r?.clusters)} cluster(s), ${String(r?.events)} audit event(s)`,
    );
  } finally {
    await check.end();
  }
}
