// The Prisma schema mirrors the SQL migrations for the typed client; this fails when they drift:
// every table, column, type, nullability and unique/primary key of the migrated database must
// match services/api/prisma/schema.prisma, and the other way round.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from './context.js';

interface Column {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

const PRISMA_TO_PG: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp with time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
  Float: 'double precision',
};
const NATIVE: Record<string, string> = {
  Uuid: 'uuid',
  Timestamptz: 'timestamp with time zone',
  Text: 'text',
};

export function prismaColumns(source: string): Column[] {
  const models = [...source.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const modelNames = new Set(models.map((m) => m[1]));
  const out: Column[] = [];
  for (const [, , body = ''] of models) {
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1];
    if (!table) throw new Error('every model must @@map to its table');
    for (const line of body.split('\n')) {
      const m = /^\s+(\w+)\s+(\w+)(\??)(\[\])?\s*(.*)$/.exec(line);
      if (!m || line.trim().startsWith('@@') || line.trim().startsWith('//')) continue;
      const [, field = '', type = '', optional, list, attrs = ''] = m;
      if (modelNames.has(type) || list) continue; // relation fields have no column
      const native = /@db\.(\w+)/.exec(attrs)?.[1];
      out.push({
        table,
        column: /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? field,
        type: (native && NATIVE[native]) ?? PRISMA_TO_PG[type] ?? `?${type}`,
        nullable: optional === '?',
      });
    }
  }
  return out.sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;
beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.adminUrl });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await db.drop();
});

describe('Prisma schema mirrors the migrations', () => {
  const schema = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');

  it('has the same tables, columns, types and nullability', async () => {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`,
    );
    const actual = rows
      .map((r) => ({
        table: r.table_name,
        column: r.column_name,
        type: r.data_type,
        nullable: r.is_nullable === 'YES',
      }))
      .sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
    expect(prismaColumns(schema)).toEqual(actual);
  });

  it('declares every unique constraint and primary key of the database', async () => {
    const { rows } = await client.query<{ table: string; cols: string[]; kind: string }>(
      `SELECT c.relname AS table, array_agg(a.attname ORDER BY k.ord)::text[] AS cols,
              CASE WHEN i.indisprimary THEN 'id' ELSE 'unique' END AS kind
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE (i.indisunique) AND i.indpred IS NULL AND c.relname <> 'schema_migrations'
        GROUP BY c.relname, i.indexrelid, i.indisprimary`,
    );
    const colMap = new Map(prismaColumns(schema).map((c) => [`${c.table}.${c.column}`, c]));
    for (const r of rows) {
      for (const col of r.cols) expect(colMap.has(`${r.table}.${col}`), `${r.table}.${col}`).toBe(true);
    }
    // Single-column uniques must be @unique/@id in Prisma; composite ones @@unique/@@id.
    const singles = rows.filter((r) => r.cols.length === 1);
    for (const r of singles) {
      const model =
        [...schema.matchAll(/^model\s+\w+\s*\{([\s\S]*?)^\}/gm)].find((m) =>
          m[1]?.includes(`@@map("${r.table}")`),
        )?.[1] ?? '';
      const line =
        model
          .split('\n')
          .find((l) => l.includes(`@map("${r.cols[0]}")`) || new RegExp(`^\\s+${r.cols[0]}\\s`).test(l)) ??
        '';
      expect(line, `${r.table}.${r.cols[0]} should be @${r.kind === 'id' ? 'id' : 'unique'}`).toMatch(
        r.kind === 'id' ? /@id\b/ : /@unique\b|@id\b/,
      );
    }
  });
});
