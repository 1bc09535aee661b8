// Global guard for GraphQL fields: deny by default. A field without an access decorator is refused
// (and fails lint). For @RequirePermission the organisation comes from the arguments (orgSlug,
// slug or input.orgSlug) or from the parent object's orgId; the resolved scope is handed to the
// resolver through the @Scope() parameter decorator.
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AppError } from '../errors/app-error.js';
import type { GqlContext } from '../graphql/context.js';
import { ACCESS_KEY, type AccessRule } from './decorators.js';
import { OrgAccessService, type OrgRef } from './org-access.service.js';

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(OrgAccessService) private readonly access: OrgAccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new AppError('FORBIDDEN', 'this field is not accessible');
    const gql = GqlExecutionContext.create(context);
    const ctx = gql.getContext<GqlContext>();
    if (ctx.authError) throw ctx.authError;
    if (rule.kind === 'public') return true;
    const principal = ctx.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'sign in or send an API token');
    if (rule.kind === 'authenticated') return true;

    const ref = orgRefFrom(gql.getArgs<Record<string, unknown>>(), gql.getRoot<unknown>());
    if (!ref) throw new AppError('INTERNAL', 'no organisation reference for a permission-guarded field');
    const key = 'slug' in ref ? `s:${ref.slug}` : `i:${ref.orgId}`;
    let pending = ctx.orgScopes.get(key);
    if (!pending) {
      pending = this.access.resolve(principal, ref);
      ctx.orgScopes.set(key, pending);
    }
    const resolved = await pending;
    // The same organisation is often reached by slug (root field) and by id (its fields): share.
    ctx.orgScopes.set(`s:${resolved.slug}`, pending);
    ctx.orgScopes.set(`i:${resolved.orgId}`, pending);
    ctx.fieldScopes.set(gql.getInfo(), this.access.authorize(resolved, rule.permission));
    return true;
  }
}

function orgRefFrom(args: Record<string, unknown>, root: unknown): OrgRef | null {
  const input = args['input'];
  const fromInput =
    input && typeof input === 'object' ? (input as Record<string, unknown>)['orgSlug'] : undefined;
  for (const v of [args['orgSlug'], args['slug'], fromInput]) if (typeof v === 'string') return { slug: v };
  if (root && typeof root === 'object') {
    const orgId = (root as Record<string, unknown>)['orgId'];
    if (typeof orgId === 'string') return { orgId };
  }
  return null;
}
