// Fails on a GraphQL resolver method (@Query, @Mutation, @Subscription, @ResolveField) that has
// neither @Public() nor @RequirePermission(...) on itself or on its @Resolver class.
// The global guard denies such resolvers at run time too; this rule catches them at build time.
const RESOLVER_DECORATORS = new Set(['Query', 'Mutation', 'Subscription', 'ResolveField']);
const ACCESS_DECORATORS = new Set(['Public', 'RequirePermission', 'Authenticated']);

function decoratorName(d) {
  const e = d.expression;
  if (e.type === 'CallExpression' && e.callee.type === 'Identifier') return e.callee.name;
  if (e.type === 'Identifier') return e.name;
  return undefined;
}

export default {
  meta: {
    type: 'problem',
    docs: {
      description:
        'every GraphQL resolver method declares @Public(), @Authenticated() or @RequirePermission()',
    },
    messages: {
      unguarded:
        'Resolver method "{{name}}" has no access decorator: add @RequirePermission(...), @Authenticated() or @Public().',
    },
    schema: [],
  },
  create(context) {
    return {
      MethodDefinition(node) {
        const decorators = node.decorators ?? [];
        const names = decorators.map(decoratorName);
        if (!names.some((n) => n && RESOLVER_DECORATORS.has(n))) return;
        if (names.some((n) => n && ACCESS_DECORATORS.has(n))) return;
        const cls = node.parent?.parent;
        const classNames = (cls?.decorators ?? []).map(decoratorName);
        if (classNames.some((n) => n && ACCESS_DECORATORS.has(n))) return;
        context.report({ node: node.key, messageId: 'unguarded', data: { name: node.key.name ?? '?' } });
      },
    };
  },
};
