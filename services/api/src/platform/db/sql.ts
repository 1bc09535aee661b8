// Parameterised SQL for the read path (Database.query / queryGlobal). `sql` turns a template into
// text with $1…$n placeholders and a value list, so an interpolated value can never become SQL;
// the row type is declared by the caller (the repository that owns the statement), as Prisma's
// $queryRaw does. Nothing else in the API builds SQL strings.

declare const rowType: unique symbol;

export interface SqlQuery<Row> {
  readonly text: string;
  readonly values: readonly unknown[];
  /** Type-level only: the shape of one result row. */
  readonly [rowType]?: Row;
}

export type RowOf<Q> = Q extends SqlQuery<infer R> ? R : never;

export function sql<Row>(strings: TemplateStringsArray, ...values: unknown[]): SqlQuery<Row> {
  let text = strings[0] ?? '';
  for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i] ?? ''}`;
  return { text, values };
}
