// The per-request GraphQL context: the authenticated caller (or the reason authentication failed)
// and the organisation scopes resolved for individual fields by AccessGuard.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLResolveInfo } from 'graphql';
import type { OrgScope, Principal } from '../access/principal.js';
import type { AppError } from '../errors/app-error.js';

export interface GqlContext {
  req: FastifyRequest;
  reply: FastifyReply;
  principal: Principal | null;
  authError: AppError | null;
  /** Scopes by org id or slug, shared by every field of the request. */
  orgScopes: Map<string, Promise<OrgScope>>;
  /** The scope resolved for one field resolution (keyed by its GraphQLResolveInfo). */
  fieldScopes: WeakMap<GraphQLResolveInfo, OrgScope>;
}
