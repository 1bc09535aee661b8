// The migration runner against real PostgreSQL: applies in order and records checksums, is a
// no-op the second time, refuses an edited applied file, rolls back a failing file whole, and
// serialises concurrent runners with its advisory lock.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, MigrationError, loadMigrations, migrate } from '../src/runner.js';

const BASE = process.env['PALISADE_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432';
const created: string[] = [];

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: `${BASE}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function freshDb(): Promise<string> {
  const name = `palisade_mig_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  created.push(name);
  return `${BASE}/${name}`;
}

async function query<R extends Record<string, unknown>>(url: string, sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

function scratchDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-mig-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

afterEach(async () => {
  for (const name of created.splice(0))
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

describe('migration runner', () => {
  it('applies every migration once and records version and checksum', async () => {
    const url = await freshDb();
    const first = await migrate(url);
    const files = await loadMigrations();
    expect(first.applied).toEqual(files.map((f) => f.name));
    const rows = await query<{ version: number; checksum: string }>(
      url,
      'SELECT version, checksum FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(files.map((f) => ({ version: f.version, checksum: f.checksum })));
    const second = await migrate(url);
    expect(second).toEqual({ applied: [], alreadyApplied: files.length });
  });

  it('refuses to run when an applied migration was edited', async () => {
    const url = await freshDb();
    const dir = scratchDir({ '0001_a.sql': 'CREATE TABLE a (id int);' });
    await migrate(url, { dir });
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (id bigint);');
    await expect(migrate(url, { dir })).rejects.toThrow(/0001_a\.sql was changed after it was applied/);
  });

  it('rolls back a failing migration entirely and records nothing for it', async () => {
    const url = await freshDb();
    const dir = scratchDir({
      '0001_ok.sql': 'CREATE TABLE ok (id int);',
      '0002_bad.sql': 'CREATE TABLE half (id int); SELECT no_such_function();',
    });
    await expect(migrate(url, { dir })).rejects.toThrow(MigrationError);
    const tables = await query<{ tablename: string }>(
      url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    expect(tables.map((t) => t.tablename)).toEqual(['ok', 'schema_migrations']);
    const versions = await query<{ version: number }>(url, 'SELECT version FROM schema_migrations');
    expect(versions).toEqual([{ version: 1 }]);
  });

  it('rejects badly named files and duplicate versions', async () => {
    await expect(loadMigrations(scratchDir({ 'add-users.sql': '' }))).rejects.toThrow(/NNNN_snake_name\.sql/);
    await expect(loadMigrations(scratchDir({ '0001_a.sql': '', '0001_b.sql': '' }))).rejects.toThrow(
      /share version 0001/,
    );
  });

  it('serialises concurrent runners: each migration is applied exactly once', async () => {
    const url = await freshDb();
    const dir = mkdtempSync(join(tmpdir(), 'palisade-mig-'));
    cpSync(MIGRATIONS_DIR, dir, {
      recursive: true,
      filter: (src) => !src.includes('node_modules') && !src.endsWith('.ts'),
    });
    const results = await Promise.all([migrate(url, { dir }), migrate(url, { dir }), migrate(url, { dir })]);
    const appliedCounts = results.map((r) => r.applied.length).sort();
    const total = (await loadMigrations(dir)).length;
    expect(appliedCounts).toEqual([0, 0, total]);
  });

  it('leaves tables owned by the system role, not by the API role', async () => {
    const url = await freshDb();
    await migrate(url);
    const owners = await query<{ tableowner: string }>(
      url,
      "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
    );
    expect(owners).toEqual([{ tableowner: 'palisade_system' }]);
  });
});
