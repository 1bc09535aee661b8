// Depth and complexity limits, as GraphQL validation rules, so an expensive query is refused
// before any resolver runs. Cost model: every field costs 1; a field taking `first: n` multiplies
// the cost of its selection by n. A connection's page is charged once: on the field that takes
// `first`, or (when `first` is absent) on its `edges`, at the default page size.
import {
  GraphQLError,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  Kind,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../config/limits.js';

// A page size given through a variable is costed at the maximum page size: the rule runs once per
// distinct query text (Mercurius caches validated documents), before variables are known.
function firstArg(field: FieldNode): number | null {
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  if (!arg) return null;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  return MAX_PAGE_SIZE;
}

function measure(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  depth: number,
  seen: Set<string>,
  paged = false,
): { cost: number; depth: number } {
  let cost = 0;
  let maxDepth = depth;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      let fieldCost = 1;
      if (sel.selectionSet) {
        const hasFirst = sel.arguments?.some((a) => a.name.value === 'first') ?? false;
        const inner = measure(sel.selectionSet, fragments, depth + 1, seen, hasFirst);
        const unpagedEdges = sel.name.value === 'edges' && !paged;
        const mult = hasFirst ? (firstArg(sel) ?? DEFAULT_PAGE_SIZE) : unpagedEdges ? DEFAULT_PAGE_SIZE : 1;
        fieldCost += inner.cost * Math.max(1, mult);
        maxDepth = Math.max(maxDepth, inner.depth);
      }
      cost += fieldCost;
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const inner = measure(sel.selectionSet, fragments, depth, seen, paged);
      cost += inner.cost;
      maxDepth = Math.max(maxDepth, inner.depth);
    } else {
      const frag = fragments.get(sel.name.value);
      if (!frag || seen.has(frag.name.value)) continue;
      seen.add(frag.name.value);
      const inner = measure(frag.selectionSet, fragments, depth, seen, paged);
      seen.delete(frag.name.value);
      cost += inner.cost;
      maxDepth = Math.max(maxDepth, inner.depth);
    }
  }
  return { cost, depth: maxDepth };
}

export function limitsRule(maxDepth: number, maxComplexity: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    return {
      OperationDefinition(node) {
        const { cost, depth } = measure(node.selectionSet, fragments, 1, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`query depth ${depth} exceeds the limit of ${maxDepth}`, {
              nodes: [node],
              extensions: { code: 'BAD_REQUEST' },
            }),
          );
        } else if (cost > maxComplexity) {
          context.reportError(
            new GraphQLError(`query complexity ${cost} exceeds the limit of ${maxComplexity}`, {
              nodes: [node],
              extensions: { code: 'BAD_REQUEST' },
            }),
          );
        }
      },
    };
  };
}
