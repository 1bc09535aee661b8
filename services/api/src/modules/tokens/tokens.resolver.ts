// GraphQL for API tokens: Organization.apiTokens, createApiToken, revokeApiToken.
import { Inject } from '@nestjs/common';
import { Args, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { PageArgs, type ConnectionShape } from '../../platform/graphql/connection.js';
import { offsetPage } from '../../platform/graphql/offset-page.js';
import { toRole } from '../../platform/graphql/role.enum.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import {
  CreateApiTokenInput,
  RevokeApiTokenInput,
  createApiTokenSchema,
  revokeApiTokenSchema,
} from './dto/api-token.input.js';
import { ApiTokenConnection, ApiTokenModel, CreateApiTokenPayload } from './models/api-token.model.js';
import { TokensService, type TokenView } from './tokens.service.js';

const toModel = (t: TokenView): ApiTokenModel => t as unknown as ApiTokenModel;

@Resolver(() => OrganizationModel)
export class TokensResolver {
  constructor(@Inject(TokensService) private readonly tokens: TokensService) {}

  @ResolveField('apiTokens', () => ApiTokenConnection, {
    description:
      'API tokens of the organisation, revoked and expired ones included, newest first. Roles: owner, admin.',
  })
  @RequirePermission('tokens:read')
  apiTokens(@Args() page: PageArgs, @Scope() scope: OrgScope): Promise<ConnectionShape<ApiTokenModel>> {
    return offsetPage(page, (skip, take) => this.tokens.list(scope, skip, take), toModel);
  }

  @Mutation(() => CreateApiTokenPayload, {
    description: 'Create an API token; the secret is returned only here. Roles: owner, admin.',
  })
  @RequirePermission('tokens:manage')
  async createApiToken(
    @Args('input', {
      type: () => CreateApiTokenInput,
      description: 'The organisation, a name, a role and an expiry.',
    })
    input: CreateApiTokenInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(createApiTokenSchema, input);
    const { token, secret } = await this.tokens.create(scope, {
      name: v.name,
      role: toRole(v.role),
      expiresInDays: v.expiresInDays,
      scope: v.scope,
    });
    return { token: toModel(token), secret };
  }

  @Mutation(() => ApiTokenModel, {
    description:
      'Revoke an API token; it stops working immediately. Revoking a revoked token returns it unchanged. Roles: owner, admin.',
  })
  @RequirePermission('tokens:manage')
  async revokeApiToken(
    @Args('input', { type: () => RevokeApiTokenInput, description: 'The organisation and the token.' })
    input: RevokeApiTokenInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(revokeApiTokenSchema, input);
    return toModel(await this.tokens.revoke(scope, v.tokenId));
  }
}
