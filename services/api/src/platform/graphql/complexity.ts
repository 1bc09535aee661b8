// Depth, complexity and alias limits, as GraphQL validation rules, so an expensive query is refused
// before any resolver runs. Cost model: every field costs 1; a field taking `first: n` multiplies
// the cost of its selection by n. A connection's page is charged once: on the field that takes
// `first`, or (when `first` is absent) on its `edges`, at the default page size.
// Introspection is charged too (issue 20: 2,000 aliases of `__schema` made a 73 MB answer): a
// `__schema` or `__type` selection costs a fixed amount for the dump it produces, plus its fields;
// only its depth is exempt, since the standard introspection query nests `ofType` past any useful
// depth limit and the meta-schema bounds what it can reach. `__typename` alone is free (a constant).
// Aliases are counted per use, through fragments: they are what lets one small request ask for the
// same expensive field many times.
import {
  type DocumentNode,
  GraphQLError,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  Kind,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, GRAPHQL_LIMITS, MAX_PAGE_SIZE } from '../../config/limits.js';

export interface GraphQLLimits {
  maxDepth: number;
  maxComplexity: number;
  maxAliases: number;
}

interface Measure {
  cost: number;
  depth: number;
  aliases: number;
}

const INTROSPECTION_ROOT_COST = new Map<string, number>([
  ['__schema', GRAPHQL_LIMITS.introspectionSchemaCost],
  ['__type', GRAPHQL_LIMITS.introspectionTypeCost],
]);

/** Thrown when the walk itself has visited more fields than any acceptable operation holds: fragments
 *  spread twice at each of n levels expand to 2ⁿ fields, and the walk must not be the cost. */
class WalkBudgetExceeded extends Error {}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  seen: Set<string>;
  visitsLeft: number;
}

// A page size given through a variable is costed at the maximum page size: the rule runs once per
// distinct query text (Mercurius caches validated documents), before variables are known.
function firstArg(field: FieldNode): number | null {
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  if (!arg) return null;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  return MAX_PAGE_SIZE;
}

// Recursion here is bounded: the pre-parse guard (text-guard.ts) caps the nesting of the text,
// `seen` stops fragment cycles and `visitsLeft` stops fragment fan-out.
function measure(
  set: SelectionSetNode,
  walk: Walk,
  depth: number,
  paged: boolean,
  introspection: boolean,
): Measure {
  let cost = 0;
  let maxDepth = depth;
  let aliases = 0;
  const add = (inner: Measure) => {
    cost += inner.cost;
    aliases += inner.aliases;
    maxDepth = Math.max(maxDepth, inner.depth);
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (--walk.visitsLeft < 0) throw new WalkBudgetExceeded();
      const name = sel.name.value;
      if (sel.alias && sel.alias.value !== name) aliases += 1;
      if (name === '__typename') continue;
      const rootCost = INTROSPECTION_ROOT_COST.get(name);
      const inIntrospection = introspection || rootCost !== undefined;
      let fieldCost = rootCost ?? 1;
      if (sel.selectionSet) {
        const hasFirst = sel.arguments?.some((a) => a.name.value === 'first') ?? false;
        const innerDepth = inIntrospection ? depth : depth + 1;
        const inner = measure(sel.selectionSet, walk, innerDepth, hasFirst, inIntrospection);
        const unpagedEdges = name === 'edges' && !paged;
        const mult = hasFirst ? (firstArg(sel) ?? DEFAULT_PAGE_SIZE) : unpagedEdges ? DEFAULT_PAGE_SIZE : 1;
        fieldCost += inner.cost * Math.max(1, mult);
        aliases += inner.aliases;
        maxDepth = Math.max(maxDepth, inner.depth);
      }
      cost += fieldCost;
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      add(measure(sel.selectionSet, walk, depth, paged, introspection));
    } else {
      const frag = walk.fragments.get(sel.name.value);
      if (!frag || walk.seen.has(frag.name.value)) continue;
      walk.seen.add(frag.name.value);
      add(measure(frag.selectionSet, walk, depth, paged, introspection));
      walk.seen.delete(frag.name.value);
    }
  }
  return { cost, depth: maxDepth, aliases };
}

const refusal = (message: string, node: OperationDefinitionNode) =>
  new GraphQLError(message, { nodes: [node], extensions: { code: 'BAD_REQUEST' } });

/** Costs of validated documents, for the per-minute cost budgets (Mercurius caches the document
 *  object with its validation, so a cached query is costed once). */
const costs = new WeakMap<DocumentNode, number>();

/** The cost of every operation of `document` (as validated; computed now if it never was). */
export function documentCost(document: DocumentNode): number {
  const known = costs.get(document);
  if (known !== undefined) return known;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let total = 0;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    try {
      const walk: Walk = { fragments, seen: new Set(), visitsLeft: 1_000_000 };
      total += measure(def.selectionSet, walk, 1, false, false).cost;
    } catch (err) {
      if (!(err instanceof WalkBudgetExceeded)) throw err;
      total += 1_000_000;
    }
  }
  costs.set(document, total);
  return total;
}

export function limitsRule({ maxDepth, maxComplexity, maxAliases }: GraphQLLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    return {
      OperationDefinition(node) {
        let result: Measure;
        try {
          const walk: Walk = { fragments, seen: new Set(), visitsLeft: 10 * maxComplexity };
          result = measure(node.selectionSet, walk, 1, false, false);
        } catch (err) {
          if (!(err instanceof WalkBudgetExceeded)) throw err;
          context.reportError(refusal(`query complexity exceeds the limit of ${maxComplexity}`, node));
          return;
        }
        const { cost, depth, aliases } = result;
        const document = context.getDocument();
        costs.set(document, (costs.get(document) ?? 0) + cost);
        // One error an operation, whatever the size of the attack: the refusal stays small.
        if (aliases > maxAliases) {
          context.reportError(
            refusal(`query uses ${aliases} aliases, over the limit of ${maxAliases}`, node),
          );
        } else if (depth > maxDepth) {
          context.reportError(refusal(`query depth ${depth} exceeds the limit of ${maxDepth}`, node));
        } else if (cost > maxComplexity) {
          context.reportError(
            refusal(`query complexity ${cost} exceeds the limit of ${maxComplexity}`, node),
          );
        }
      },
    };
  };
}
