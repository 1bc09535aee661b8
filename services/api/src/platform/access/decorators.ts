// Access decorators. Every GraphQL resolver method carries exactly one of them (enforced by the
// global AccessGuard at run time and by the `palisade/guarded-resolvers` lint rule at build time):
//   @Public()               anyone, signed in or not
//   @Authenticated()        any signed-in user or token, no organisation involved
//   @RequirePermission(p)   the caller's role in the organisation named by the arguments
//                           (orgSlug / slug / input.orgSlug) or by the parent object holds p
import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Permission } from './roles.js';
import type { GqlContext } from '../graphql/context.js';
import type { OrgScope } from './principal.js';
import { AppError } from '../errors/app-error.js';

export const ACCESS_KEY = 'palisade:access';

export type AccessRule =
  { kind: 'public' } | { kind: 'authenticated' } | { kind: 'permission'; permission: Permission };

export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'authenticated' } satisfies AccessRule);
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'permission', permission } satisfies AccessRule);

/** The OrgScope that AccessGuard resolved for this field. */
export const Scope = createParamDecorator((_data: unknown, ctx: ExecutionContext): OrgScope => {
  const gql = GqlExecutionContext.create(ctx);
  const scope = gql.getContext<GqlContext>().fieldScopes.get(gql.getInfo());
  if (!scope) throw new AppError('INTERNAL', 'no organisation scope resolved for this field');
  return scope;
});

/** The caller, for @Authenticated fields. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  return GqlExecutionContext.create(ctx).getContext<GqlContext>().principal;
});
