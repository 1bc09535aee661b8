// The GraphQL face of a role binding's scope (issue 17 item 3): the input members and tokens are
// given one with, the object every binding shows, and the check of a requested scope (selector
// syntax, tiers that exist, roles that may be limited, no wider than the granter's own). The rules
// are @palisade/access's and @palisade/policy/managed's; this only reads and reports them.
import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { SelectorSyntaxError } from '@palisade/policy';
import { clusterSelectorWithin, normaliseClusterSelector } from '@palisade/policy/managed';
import { z } from 'zod';
import {
  MAX_SCOPE_TIERS,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  UNSCOPED,
  isScoped,
  scopeAllows,
  scopeProblem,
  tiersWithin,
  type AccessScope,
  type Permission,
  type Role,
} from '../access/roles.js';
import type { Tx } from '../db/database.js';
import { AppError } from '../errors/app-error.js';

@InputType({
  description:
    'Limits a role to some clusters and policy tiers (leave both out for the whole organisation). Only EDITOR, VIEWER and AUDITOR can be limited.',
})
export class AccessScopeInput {
  @Field(() => String, {
    nullable: true,
    description:
      'A selector over cluster labels, e.g. `env == "staging"`; empty or left out: every cluster. Policies and reports this role writes must keep it in their own cluster selector.',
  })
  clusterSelector?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: `Names of existing tiers, at most ${MAX_SCOPE_TIERS}; left out: every tier. A tier-limited role reads no flows or reports.`,
  })
  tiers?: string[] | null;
}

export const accessScopeSchema = z
  .object({
    clusterSelector: z.string().max(1024).nullish(),
    tiers: z.array(z.string().min(1).max(253)).nullish(),
  })
  .nullish();

/** A requested scope after the schema: null/undefined when none was given. */
export type AccessScopeRequest = z.infer<typeof accessScopeSchema>;

@ObjectType('AccessScope', {
  description: 'What a role binding is limited to; both empty: the whole organisation.',
})
export class AccessScopeModel {
  @Field(() => String, { description: 'Cluster selector over cluster labels; empty: every cluster.' })
  clusterSelector!: string;

  @Field(() => [String], { nullable: true, description: 'The tiers; null: every tier.' })
  tiers!: string[] | null;

  @Field(() => Boolean, { description: 'True when the binding is not limited at all.' })
  organizationWide!: boolean;
}

@ObjectType('ViewerAccess', {
  description: "The caller's own binding in an organisation, for gating a user interface.",
})
export class ViewerAccessModel {
  @Field(() => AccessScopeModel, { description: 'What the binding is limited to.' })
  scope!: AccessScopeModel;

  @Field(() => [String], {
    description:
      'The permissions the binding holds (the role’s, less what a limited binding never holds), as @palisade/access names them.',
  })
  permissions!: string[];
}

export function toAccessScopeModel(scope: AccessScope): AccessScopeModel {
  return {
    clusterSelector: scope.clusterSelector,
    tiers: scope.tiers ? [...scope.tiers] : null,
    organizationWide: !isScoped(scope),
  };
}

export function heldPermissions(role: Role, scope: AccessScope): Permission[] {
  return PERMISSIONS.filter((p) => ROLE_PERMISSIONS[role].has(p) && scopeAllows(scope, p));
}

/**
 * A requested scope, checked and in stored form: the selector parses (VALIDATION_FAILED naming
 * input.scope.clusterSelector), every tier exists (…scope.tiers), the role may be limited
 * (…role), and it is no wider than the granter's own (FORBIDDEN). Runs inside the granter's
 * transaction (tiers are read there).
 */
export async function checkRequestedScope(
  tx: Tx,
  orgId: string,
  role: Role,
  input: AccessScopeRequest,
  granter: AccessScope,
): Promise<AccessScope> {
  let clusterSelector: string;
  try {
    clusterSelector = normaliseClusterSelector(input?.clusterSelector ?? '');
  } catch (err) {
    if (!(err instanceof SelectorSyntaxError)) throw err;
    throw AppError.validation([
      { path: ['input', 'scope', 'clusterSelector'], message: `is not a valid selector: ${err.message}` },
    ]);
  }
  const tiers = input?.tiers?.length ? [...input.tiers] : null;
  const scope: AccessScope = tiers === null && clusterSelector === '' ? UNSCOPED : { clusterSelector, tiers };
  const problem = scopeProblem(role, scope);
  if (problem)
    throw AppError.validation([
      {
        path: problem.field === 'role' ? ['input', 'role'] : ['input', 'scope', 'tiers'],
        message: problem.message,
      },
    ]);
  if (tiers) {
    const known = new Set(
      (
        await tx.policyResource.findMany({
          where: { orgId, kind: 'Tier', name: { in: tiers } },
          select: { name: true },
        })
      ).map((t) => t.name),
    );
    const unknown = tiers.filter((t) => !known.has(t));
    if (unknown.length > 0)
      throw AppError.validation([
        {
          path: ['input', 'scope', 'tiers'],
          message: `no tier named ${unknown.join(', ')} in this organisation`,
        },
      ]);
  }
  if (!clusterSelectorWithin(scope.clusterSelector, granter.clusterSelector) || !tiersWithin(scope, granter))
    throw new AppError('FORBIDDEN', 'the scope is wider than your own', [
      { path: ['input', 'scope'], message: 'is wider than your own scope' },
    ]);
  return scope;
}
