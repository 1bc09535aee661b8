// One migrated template database per test run; each test file clones it (CREATE DATABASE …
// TEMPLATE), which takes milliseconds instead of re-running the migrations.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '@palisade/migrations';

export const ADMIN_BASE = process.env['PALISADE_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432';

declare module 'vitest' {
  export interface ProvidedContext {
    gatewayTemplateDb: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `palisade_gwtpl_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${ADMIN_BASE}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await migrate(`${ADMIN_BASE}/${name}`);
  await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
  project.provide('gatewayTemplateDb', name);
  return async () => {
    await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
