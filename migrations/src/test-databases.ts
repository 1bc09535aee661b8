// TEST TOOLING — never used by a deployable. Disposable PostgreSQL databases built from these
// migrations, for the test suites of every workspace: a migrated template once per test run, then
// a clone per test file (CREATE DATABASE … TEMPLATE takes milliseconds; migrating takes seconds).
// The server is PALISADE_TEST_PG (default: the local superuser over loopback).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from './runner.js';

export const TEST_PG = process.env['PALISADE_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  readonly name: string;
  /** The superuser's URL: for migrations and for assertions about what is really stored. */
  readonly adminUrl: string;
  /** The URL as one of Palisade's roles (palisade_app, palisade_gateway), as its service connects. */
  urlAs(role: string): string;
  drop(): Promise<void>;
}

async function onServer(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${TEST_PG}/postgres` });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

function testDatabase(name: string, beforeDrop = ''): TestDatabase {
  return {
    name,
    adminUrl: `${TEST_PG}/${name}`,
    urlAs(role) {
      const url = new URL(`${TEST_PG}/${name}`);
      url.username = role;
      url.password = '';
      return url.toString();
    },
    async drop() {
      if (beforeDrop) await onServer(beforeDrop);
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A new database without any migration: for running a migrator, such as a built admin command. */
export async function createEmptyDatabase(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await onServer(`CREATE DATABASE ${name}`);
  return testDatabase(name);
}

/** A new database with every migration applied. */
export async function createMigratedDatabase(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await onServer(`CREATE DATABASE ${name}`);
  await migrate(`${TEST_PG}/${name}`);
  return testDatabase(name);
}

/** A migrated database to clone from; it accepts no connections, as a template must. */
export async function createTemplateDatabase(prefix: string): Promise<TestDatabase> {
  const db = await createMigratedDatabase(prefix);
  await onServer(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
  return testDatabase(db.name, `ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`);
}

/** A fresh copy of a template made by createTemplateDatabase. */
export async function cloneDatabase(template: string, prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await onServer(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return testDatabase(name);
}
