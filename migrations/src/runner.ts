// The migration runner: applies the forward-only SQL files of this folder (NNNN_snake_name.sql) in
// order. Invariants it enforces:
//  - one runner at a time per database (a session advisory lock),
//  - each file runs in its own transaction and is recorded (version, name, SHA-256) in the same one,
//  - an applied file whose content changed is refused: migrations are never edited once landed.
// It is the only owner of DDL; it connects with an administrative URL (the system role or a
// superuser), never as the API's role.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const LOCK_KEY = 7_215_330_001; // arbitrary constant: "palisade migrations"
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

// The SQL files sit in the package folder, one level above this file in src/ and in dist/ alike.
export const MIGRATIONS_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const out: MigrationFile[] = [];
  for (const file of files) {
    const m = FILE_PATTERN.exec(file);
    if (!m) throw new MigrationError(`migration file name "${file}" must look like NNNN_snake_name.sql`);
    const sql = await readFile(`${dir}/${file}`, 'utf8');
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) {
      throw new MigrationError(`two migration files share version ${m[1]}`);
    }
    out.push({ version, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return out;
}

export async function migrate(
  databaseUrl: string,
  opts: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrationResult> {
  const log = opts.log ?? (() => undefined);
  const files = await loadMigrations(opts.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const applied = new Map(rows.map((r) => [r.version, r]));
    for (const [version, row] of applied) {
      const file = files.find((f) => f.version === version);
      if (!file)
        throw new MigrationError(
          `applied migration ${row.name} is missing from ${opts.dir ?? MIGRATIONS_DIR}`,
        );
      if (file.checksum !== row.checksum) {
        throw new MigrationError(
          `migration ${file.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… ` +
            `is now ${file.checksum.slice(0, 12)}…); add a new migration instead`,
        );
      }
    }
    const result: MigrationResult = { applied: [], alreadyApplied: applied.size };
    const pending = files.filter((f) => !applied.has(f.version));
    for (const [i, file] of pending.entries()) {
      log(`applying ${file.name} (${i + 1}/${pending.length})`);
      await client.query('BEGIN');
      try {
        await client.query(file.sql);
        await client.query('RESET ROLE');
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          file.version,
          file.name,
          file.checksum,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${file.name} failed: ${(err as Error).message}`);
      }
      result.applied.push(file.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
