// `DateTime`: an ISO 8601 date-time with a time zone (RFC 3339), in and out. Replaces Nest's
// default, whose `new Date(value)` let "yesterday" through as an Invalid Date that reached Prisma and
// answered INTERNAL (issue 20); here such a value is VALIDATION_FAILED naming the argument.
import { GraphQLScalarType, Kind } from 'graphql';
import { InvalidScalarValueError } from './invalid-scalar.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const EXPECTED = 'must be an ISO 8601 date-time with a time zone, such as 2026-01-31T09:00:00Z';

export function parseDateTime(value: unknown): Date {
  const m = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!m) throw new InvalidScalarValueError(`DateTime ${EXPECTED}`);
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = m.slice(1, 7).map(Number);
  const date = new Date(m[0]);
  // Date.parse rolls 2026-02-30 over into March; a calendar check refuses it instead.
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const valid = mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59 && s <= 59;
  if (!valid || Number.isNaN(date.getTime())) throw new InvalidScalarValueError(`DateTime ${EXPECTED}`);
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.',
  serialize: (v) => (v instanceof Date ? v.toISOString() : String(v)),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
