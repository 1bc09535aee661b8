// GraphQL for organisations: translate arguments, call OrgsService, shape results. No rules here.
import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  CurrentPrincipal,
  RequirePermission,
  Scope,
} from '../../platform/access/decorators.js';
import type { OrgScope, Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors/app-error.js';
import { validateInput } from '../../platform/graphql/validate.js';
import {
  ViewerAccessModel,
  heldPermissions,
  toAccessScopeModel,
} from '../../platform/graphql/access-scope.types.js';
import { RoleEnum } from '../../platform/graphql/role.enum.js';
import {
  CreateOrganizationInput,
  UpdateOrganizationInput,
  createOrganizationSchema,
  updateOrganizationSchema,
} from './dto/organization.input.js';
import { OrganizationModel } from './models/organization.model.js';
import { OrgsService, type OrgView } from './orgs.service.js';

export function toOrganizationModel(v: OrgView): OrganizationModel {
  return {
    id: v.id,
    orgId: v.orgId,
    slug: v.slug,
    name: v.name,
    createdAt: v.createdAt,
    viewerRole: v.role as RoleEnum,
  };
}

@Resolver(() => OrganizationModel)
export class OrgsResolver {
  constructor(@Inject(OrgsService) private readonly orgs: OrgsService) {}

  @Query(() => OrganizationModel, {
    name: 'organization',
    description:
      'An organisation the caller belongs to (an API token: its own organisation). NOT_FOUND for any other. Roles: any.',
  })
  @RequirePermission('org:read')
  organization(
    @Args('slug', { type: () => String, description: 'Slug of the organisation.' }) _slug: string,
    @Scope() scope: OrgScope,
  ): OrganizationModel {
    return toOrganizationModel(this.orgs.get(scope));
  }

  @Mutation(() => OrganizationModel, {
    description:
      'Create an organisation; the caller becomes its owner. Signed-in users only: an API token gets FORBIDDEN. CONFLICT when the slug is taken.',
  })
  @Authenticated()
  async createOrganization(
    @Args('input', { type: () => CreateOrganizationInput, description: 'Its slug and name.' })
    input: CreateOrganizationInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OrganizationModel> {
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'API tokens cannot create organisations');
    const valid = validateInput(createOrganizationSchema, input);
    return toOrganizationModel(await this.orgs.create(principal, valid));
  }

  @ResolveField('viewerAccess', () => ViewerAccessModel, {
    description:
      'What your role here is limited to (clusters, tiers) and the permissions it holds, so a client shows only what you may do. Roles: any.',
  })
  @RequirePermission('org:read')
  viewerAccess(@Scope() scope: OrgScope): ViewerAccessModel {
    return {
      scope: toAccessScopeModel(scope.access),
      permissions: heldPermissions(scope.role, scope.access),
    };
  }

  @Mutation(() => OrganizationModel, {
    description: 'Rename an organisation (its slug never changes). Roles: owner, admin.',
  })
  @RequirePermission('org:update')
  async updateOrganization(
    @Args('input', { type: () => UpdateOrganizationInput, description: 'The organisation and its new name.' })
    input: UpdateOrganizationInput,
    @Scope() scope: OrgScope,
  ): Promise<OrganizationModel> {
    const valid = validateInput(updateOrganizationSchema, input);
    return toOrganizationModel(await this.orgs.rename(scope, valid.name));
  }
}
