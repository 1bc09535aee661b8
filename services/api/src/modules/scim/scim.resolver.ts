// GraphQL for SCIM provisioning, for owners: Organization.scim, issueScimToken (also rotation),
// revokeScimToken, setScimGroupRole. The provisioning itself is the REST endpoint (scim.controller).
import { Inject } from '@nestjs/common';
import { Args, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { toRole, type RoleEnum } from '../../platform/graphql/role.enum.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import {
  ScimTokenInput,
  SetScimGroupRoleInput,
  scimTokenSchema,
  setScimGroupRoleSchema,
} from './dto/scim.input.js';
import { IssueScimTokenPayload, ScimGroupModel, ScimSettingsModel } from './models/scim.model.js';
import { ScimSettingsService, type ScimGroupView } from './scim-settings.service.js';

const toGroupModel = (g: ScimGroupView): ScimGroupModel => ({ ...g, role: g.role as RoleEnum | null });

@Resolver(() => OrganizationModel)
export class ScimResolver {
  constructor(
    @Inject(ScimSettingsService) private readonly settings: ScimSettingsService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  private endpoint(scope: OrgScope): string {
    return `${new URL(this.env.PUBLIC_ORIGIN).origin}/scim/v2/orgs/${scope.slug}`;
  }

  private async view(scope: OrgScope): Promise<ScimSettingsModel> {
    const { token, groups } = await this.settings.read(scope);
    return { endpoint: this.endpoint(scope), token, groups: groups.map(toGroupModel) };
  }

  @ResolveField('scim', () => ScimSettingsModel, {
    description: 'SCIM provisioning: the endpoint, its live token and the provisioned groups. Roles: owner.',
  })
  @RequirePermission('scim:manage')
  scim(@Scope() scope: OrgScope): Promise<ScimSettingsModel> {
    return this.view(scope);
  }

  @Mutation(() => IssueScimTokenPayload, {
    description:
      'Issue a SCIM token for the IdP; the secret is returned only here. A live token is revoked in the same step (rotation): give the IdP the new one. Roles: owner.',
  })
  @RequirePermission('scim:manage')
  issueScimToken(
    @Args('input', { type: () => ScimTokenInput, description: 'The organisation.' }) input: ScimTokenInput,
    @Scope() scope: OrgScope,
  ): Promise<IssueScimTokenPayload> {
    validateInput(scimTokenSchema, input);
    return this.settings.issueToken(scope);
  }

  @Mutation(() => ScimSettingsModel, {
    description:
      'Revoke the live SCIM token: the IdP is refused from its next request (provisioning off). PRECONDITION_FAILED when there is none. Roles: owner.',
  })
  @RequirePermission('scim:manage')
  async revokeScimToken(
    @Args('input', { type: () => ScimTokenInput, description: 'The organisation.' }) input: ScimTokenInput,
    @Scope() scope: OrgScope,
  ): Promise<ScimSettingsModel> {
    validateInput(scimTokenSchema, input);
    await this.settings.revokeToken(scope);
    return this.view(scope);
  }

  @Mutation(() => ScimGroupModel, {
    description:
      'Map a SCIM group to a role (or null to unmap); the roles of provisioned members follow their mapped groups at once. Roles: owner.',
  })
  @RequirePermission('scim:manage')
  async setScimGroupRole(
    @Args('input', {
      type: () => SetScimGroupRoleInput,
      description: 'The organisation, the group and the role.',
    })
    input: SetScimGroupRoleInput,
    @Scope() scope: OrgScope,
  ): Promise<ScimGroupModel> {
    const v = validateInput(setScimGroupRoleSchema, input);
    return toGroupModel(
      await this.settings.setGroupRole(scope, v.groupId, v.role === null ? null : toRole(v.role)),
    );
  }
}
