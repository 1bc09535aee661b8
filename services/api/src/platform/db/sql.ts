// Parameterised SQL for the read path (Database.query / queryGlobal). `sql` turns a template into
// text with $1…$n placeholders and a value list, so an interpolated value can never become SQL;
// the row type is declared by the caller (the repository that owns the statement), as Prisma's
// $queryRaw does. Nothing else in the API builds SQL strings.
//
// Statements with optional parts (a filter of many independent fields) compose fragments: a
// `sql` fragment interpolated into another is inlined and its placeholders renumbered, so values
// still never become SQL text. `join` glues fragments, `ident` admits an identifier only from a
// list the caller fixes in code.

declare const rowType: unique symbol;
const fragmentBrand: unique symbol = Symbol('sql fragment');

export interface SqlQuery<Row> {
  readonly text: string;
  readonly values: readonly unknown[];
  /** Type-level only: the shape of one result row. */
  readonly [rowType]?: Row;
  /** Marks a value as SQL to inline rather than a parameter. */
  readonly [fragmentBrand]: true;
}

export type RowOf<Q> = Q extends SqlQuery<infer R> ? R : never;

/** A piece of SQL with its own values, to be interpolated into a statement. */
export type SqlFragment = SqlQuery<unknown>;

function isFragment(v: unknown): v is SqlQuery<unknown> {
  return typeof v === 'object' && v !== null && fragmentBrand in v;
}

function make<Row>(text: string, values: readonly unknown[]): SqlQuery<Row> {
  return { text, values, [fragmentBrand]: true };
}

/** Renumbers `$n` placeholders of a fragment's text by `offset`. */
function shift(text: string, offset: number): string {
  return offset === 0 ? text : text.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`);
}

export function sql<Row>(strings: TemplateStringsArray, ...values: unknown[]): SqlQuery<Row> {
  let text = strings[0] ?? '';
  const out: unknown[] = [];
  for (let i = 1; i < strings.length; i++) {
    const v = values[i - 1];
    if (isFragment(v)) {
      text += shift(v.text, out.length);
      out.push(...v.values);
    } else {
      out.push(v);
      text += `$${out.length}`;
    }
    text += strings[i] ?? '';
  }
  return make(text, out);
}

/** Fragments joined by `separator` (SQL text written in code, e.g. ' AND '); empty list → ''. */
export function join(fragments: readonly SqlQuery<unknown>[], separator: string): SqlFragment {
  let text = '';
  const values: unknown[] = [];
  fragments.forEach((f, i) => {
    if (i > 0) text += separator;
    text += shift(f.text, values.length);
    values.push(...f.values);
  });
  return make(text, values);
}

/** An identifier or keyword chosen in code from `allowed` (e.g. a sort column); throws otherwise. */
export function ident(name: string, allowed: readonly string[]): SqlFragment {
  if (!allowed.includes(name)) throw new Error(`not an allowed SQL identifier: ${name}`);
  return make(name, []);
}
