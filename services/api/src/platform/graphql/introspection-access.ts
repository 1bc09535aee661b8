// Introspection for anonymous callers can be turned off (GRAPHQL_INTROSPECTION=authenticated, the
// default in production): the schema is public documentation for customers, not for every scanner
// on the internet, and introspection is the largest answer an anonymous request can get.
// Runs before execution with the request's caller; graphql-js's visit() is iterative.
import { BREAK, type DocumentNode, visit } from 'graphql';
import { AppError } from '../errors/app-error.js';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

export function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (!INTROSPECTION_FIELDS.has(node.name.value)) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** Throws UNAUTHENTICATED for an anonymous caller's introspection when the deployment wants so. */
export function checkIntrospectionAccess(
  mode: 'public' | 'authenticated',
  document: DocumentNode,
  authenticated: boolean,
): void {
  if (mode === 'authenticated' && !authenticated && usesIntrospection(document)) {
    throw new AppError('UNAUTHENTICATED', 'introspection requires authentication');
  }
}
