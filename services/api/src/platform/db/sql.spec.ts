import { describe, expect, it } from 'vitest';
import { ident, join, sql } from './sql.js';

describe('sql', () => {
  it('numbers the placeholders in order and keeps the values apart from the text', () => {
    const q = sql`SELECT * FROM t WHERE a = ${'x'} AND b = ${2} OR c = ${"'; DROP TABLE t; --"}`;
    expect(q.text).toBe('SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $3');
    expect(q.values).toEqual(['x', 2, "'; DROP TABLE t; --"]);
  });

  it('leaves a statement without values as it is', () => {
    const q = sql`SELECT 1`;
    expect({ text: q.text, values: q.values }).toEqual({ text: 'SELECT 1', values: [] });
  });

  it('inlines a fragment and renumbers its placeholders after the values before it', () => {
    const where = join([sql`a = ${'x'}`, sql`b IN (${1}, ${2})`], ' AND ');
    const q = sql`SELECT * FROM t WHERE c = ${true} AND ${where} LIMIT ${10}`;
    expect(q.text).toBe('SELECT * FROM t WHERE c = $1 AND a = $2 AND b IN ($3, $4) LIMIT $5');
    expect(q.values).toEqual([true, 'x', 1, 2, 10]);
  });

  it('renumbers two-digit placeholders of nested fragments', () => {
    const many = join(
      Array.from({ length: 11 }, (_, i) => sql`v = ${i}`),
      ' OR ',
    );
    const q = sql`SELECT ${'first'}, ${many}`;
    expect(q.text.endsWith('v = $12')).toBe(true);
    expect(q.values).toHaveLength(12);
  });

  it('joins nothing into an empty fragment', () => {
    expect(join([], ' AND ').text).toBe('');
  });

  it('admits identifiers only from the given list', () => {
    expect(sql`ORDER BY ${ident('start_time', ['start_time', 'id'])}`.text).toBe('ORDER BY start_time');
    expect(() => ident('1; DROP TABLE t', ['start_time'])).toThrow(/not an allowed/);
  });
});
