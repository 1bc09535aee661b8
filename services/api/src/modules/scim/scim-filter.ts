// SCIM filters (RFC 7644 §3.4.2.2) to Prisma `where` clauses. SCIMMY parses the expression into its
// disjunctive form (an array of AND-ed attribute comparisons); this maps each comparison on an
// attribute Palisade stores in a column onto that column, so a lookup such as Okta's
// `userName eq "…"` is one indexed query, never a scan of the organisation's users. Anything else
// is refused as 400 invalidFilter naming the attribute or operator, rather than answered wrongly:
// an IdP that gets an empty list for a filter it sent would create a duplicate.
import SCIMMY from 'scimmy';
import type { Prisma } from '../../generated/prisma/client.js';
import { SCIM_LIMITS } from '../../config/limits.js';
import { scimError } from './scim-errors.js';

type Comparison = [string, ...unknown[]];
type Conjunction = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A condition that matches nothing (an id that is not a UUID names no resource). */
const NOTHING = { id: { in: [] as string[] } };

interface Column {
  field: string;
  kind: 'string' | 'uuid' | 'boolean' | 'date';
  /** RFC 7643 caseExact=false attributes compare case-insensitively. */
  caseInsensitive?: boolean;
}

const USER_COLUMNS: Record<string, Column> = {
  id: { field: 'id', kind: 'uuid' },
  username: { field: 'userName', kind: 'string', caseInsensitive: true },
  externalid: { field: 'externalId', kind: 'string' },
  displayname: { field: 'displayName', kind: 'string', caseInsensitive: true },
  active: { field: 'active', kind: 'boolean' },
  'meta.created': { field: 'createdAt', kind: 'date' },
  'meta.lastmodified': { field: 'updatedAt', kind: 'date' },
};

const GROUP_COLUMNS: Record<string, Column> = {
  id: { field: 'id', kind: 'uuid' },
  displayname: { field: 'displayName', kind: 'string', caseInsensitive: true },
  externalid: { field: 'externalId', kind: 'string' },
  'meta.created': { field: 'createdAt', kind: 'date' },
  'meta.lastmodified': { field: 'updatedAt', kind: 'date' },
};

/** Parses `filter` with SCIMMY; refuses what the translation below cannot honour. */
export function parseFilter(expression: string): SCIMMY.Types.Filter {
  if (expression.length > SCIM_LIMITS.maxFilterLength)
    throw scimError(
      400,
      'invalidFilter',
      `the filter is longer than ${SCIM_LIMITS.maxFilterLength} characters`,
    );
  // SCIMMY drops a negated group ("not (…)") from its parsed form: refuse rather than ignore it.
  if (/\bnot\s*\(/i.test(expression))
    throw scimError(400, 'invalidFilter', 'negated groups ("not (…)") are not supported in filters');
  try {
    return new SCIMMY.Types.Filter(expression);
  } catch (err) {
    throw scimError(400, 'invalidFilter', `the filter could not be parsed: ${(err as Error).message}`);
  }
}

function flatten(conj: Conjunction, prefix = ''): [string, Comparison | Comparison[]][] {
  const out: [string, Comparison | Comparison[]][] = [];
  for (const [attr, value] of Object.entries(conj)) {
    const path = `${prefix}${attr}`.toLowerCase();
    if (Array.isArray(value)) out.push([path, value as Comparison | Comparison[]]);
    else if (value && typeof value === 'object') out.push(...flatten(value as Conjunction, `${path}.`));
  }
  return out;
}

function comparisons(c: Comparison | Comparison[]): Comparison[] {
  return c.every((x) => Array.isArray(x)) ? (c as Comparison[]) : [c as Comparison];
}

function columnCondition(attr: string, col: Column, comparison: Comparison): Record<string, unknown> {
  const negate = String(comparison[0]).toLowerCase() === 'not';
  const [op = '', value] = (negate ? comparison.slice(1) : comparison) as [string, unknown];
  const operator = op.toLowerCase();
  const cond = ((): Record<string, unknown> => {
    if (operator === 'pr') return { [col.field]: { not: null } };
    if (operator === 'np') return { [col.field]: null };
    if (value === undefined)
      throw scimError(400, 'invalidFilter', `"${attr} ${op}" needs a value to compare with`);
    const mode = col.caseInsensitive ? { mode: 'insensitive' as const } : {};
    switch (col.kind) {
      case 'boolean': {
        const b = typeof value === 'string' ? value.toLowerCase() : value;
        const v = b === true || b === 'true' ? true : b === false || b === 'false' ? false : null;
        if (v === null) throw scimError(400, 'invalidFilter', `${attr} compares with true or false`);
        if (operator === 'eq') return { [col.field]: v };
        if (operator === 'ne') return { [col.field]: !v };
        break;
      }
      case 'uuid': {
        if (typeof value !== 'string')
          throw scimError(400, 'invalidFilter', `${attr} compares with a string`);
        if (operator === 'eq') return UUID.test(value) ? { [col.field]: value.toLowerCase() } : NOTHING;
        if (operator === 'ne') return UUID.test(value) ? { NOT: { [col.field]: value.toLowerCase() } } : {};
        break;
      }
      case 'date': {
        if (typeof value !== 'string') throw scimError(400, 'invalidFilter', `${attr} compares with a date`);
        const d = new Date(value);
        if (Number.isNaN(d.getTime())) throw scimError(400, 'invalidFilter', `${attr} compares with a date`);
        const key = { gt: 'gt', ge: 'gte', lt: 'lt', le: 'lte' }[operator];
        if (key) return { [col.field]: { [key]: d } };
        if (operator === 'eq') return { [col.field]: d };
        break;
      }
      case 'string': {
        if (typeof value !== 'string')
          throw scimError(400, 'invalidFilter', `${attr} compares with a string`);
        const key = { eq: 'equals', co: 'contains', sw: 'startsWith', ew: 'endsWith' }[operator];
        if (key) return { [col.field]: { [key]: value, ...mode } };
        if (operator === 'ne') return { NOT: { [col.field]: { equals: value, ...mode } } };
        break;
      }
    }
    throw scimError(400, 'invalidFilter', `the operator "${op}" is not supported for ${attr}`);
  })();
  return negate ? { NOT: cond } : cond;
}

function translate(
  filter: SCIMMY.Types.Filter,
  columns: Record<string, Column>,
  special: (attr: string, comparison: Comparison) => Record<string, unknown> | null,
  what: string,
): { OR: { AND: Record<string, unknown>[] }[] } {
  const OR = [...filter].map((conj) => ({
    AND: flatten(conj as Conjunction).flatMap(([attr, c]) =>
      comparisons(c).map((comparison) => {
        const own = special(attr, comparison);
        if (own) return own;
        const col = columns[attr];
        if (!col)
          throw scimError(
            400,
            'invalidFilter',
            `filtering ${what} on "${attr}" is not supported; use ${Object.keys(columns).join(', ')}`,
          );
        return columnCondition(attr, col, comparison);
      }),
    ),
  }));
  return { OR };
}

export function userFilterWhere(filter: SCIMMY.Types.Filter): Prisma.ScimUserWhereInput {
  return translate(filter, USER_COLUMNS, () => null, 'users');
}

/** Groups also filter on membership (`members[value eq "<user id>"]`, as Entra ID asks). */
export function groupFilterWhere(filter: SCIMMY.Types.Filter): Prisma.ScimGroupWhereInput {
  return translate(
    filter,
    GROUP_COLUMNS,
    (attr, comparison) => {
      if (attr !== 'members.value' && attr !== 'members') return null;
      const [op = '', value] = comparison as [string, unknown];
      if (op.toLowerCase() !== 'eq' || typeof value !== 'string')
        throw scimError(400, 'invalidFilter', 'members filters only with eq and a user id');
      return UUID.test(value) ? { members: { some: { scimUserId: value.toLowerCase() } } } : NOTHING;
    },
    'groups',
  );
}
