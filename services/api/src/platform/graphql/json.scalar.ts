// `JSON` scalar for policy documents and audit before/after snapshots: any JSON value, passed
// through unchanged, nested at most GRAPHQL_LIMITS.maxJsonDepth deep. The depth is checked
// iteratively before anything recursive (zod, the policy validator, the NUL scan) sees the value:
// a 5,000-level value used to overflow the stack and answer INTERNAL (issue 20).
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GRAPHQL_LIMITS } from '../../config/limits.js';
import { InvalidScalarValueError } from './invalid-scalar.js';

/** Nesting depth of a JSON value (a scalar is 0), or Infinity once it passes `limit`. */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return Infinity;
    max = Math.max(max, depth + 1);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

function checked<T>(value: T): T {
  if (jsonDepth(value, GRAPHQL_LIMITS.maxJsonDepth) > GRAPHQL_LIMITS.maxJsonDepth) {
    throw new InvalidScalarValueError(
      `a JSON value may nest at most ${GRAPHQL_LIMITS.maxJsonDepth} levels deep`,
    );
  }
  return value;
}

// Recursion is bounded by the pre-parse guard on the query text (text-guard.ts).
function literal(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return ast.values.map(literal);
    default:
      return null;
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (v) => v,
  parseValue: (v) => checked(v),
  parseLiteral: (ast) => checked(literal(ast)),
});
