import { describe, expect, it } from 'vitest';
import { sql } from './sql.js';

describe('sql', () => {
  it('numbers the placeholders in order and keeps the values apart from the text', () => {
    const q = sql`SELECT * FROM t WHERE a = ${'x'} AND b = ${2} OR c = ${"'; DROP TABLE t; --"}`;
    expect(q.text).toBe('SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $3');
    expect(q.values).toEqual(['x', 2, "'; DROP TABLE t; --"]);
  });

  it('leaves a statement without values as it is', () => {
    expect(sql`SELECT 1`).toEqual({ text: 'SELECT 1', values: [] });
  });
});
