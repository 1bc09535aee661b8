// `viewer`: who is calling, their organisations and their pending invitations.
import { Inject } from '@nestjs/common';
import { Args, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentPrincipal } from '../../platform/access/decorators.js';
import type { Principal } from '../../platform/access/principal.js';
import { PageArgs, type ConnectionShape } from '../../platform/graphql/connection.js';
import { offsetPage } from '../../platform/graphql/offset-page.js';
import type { RoleEnum } from '../../platform/graphql/role.enum.js';
import { toAccessScopeModel } from '../../platform/graphql/access-scope.types.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import { OrgsService, type OrgView } from '../orgs/orgs.service.js';
import { toOrganizationModel } from '../orgs/orgs.resolver.js';
import { InvitationModel } from '../members/models/member.model.js';
import { MembersService } from '../members/members.service.js';
import { toInvitationModel } from '../members/members.resolver.js';
import { OrganizationConnection, ViewerKind, ViewerModel } from './models/viewer.model.js';

@Resolver(() => ViewerModel)
export class ViewerResolver {
  constructor(
    @Inject(OrgsService) private readonly orgs: OrgsService,
    @Inject(MembersService) private readonly members: MembersService,
  ) {}

  @Query(() => ViewerModel, {
    description: 'Who is calling. Any signed-in user or API token; UNAUTHENTICATED without credentials.',
  })
  @Authenticated()
  viewer(@CurrentPrincipal() p: Principal): ViewerModel {
    return p.kind === 'user'
      ? { kind: ViewerKind.USER, user: { id: p.userId, email: p.email, name: p.name }, token: null }
      : {
          kind: ViewerKind.TOKEN,
          user: null,
          token: {
            id: p.tokenId,
            name: p.tokenName,
            role: p.role as RoleEnum,
            scope: toAccessScopeModel(p.scope),
          },
        };
  }

  @ResolveField('organizations', () => OrganizationConnection, {
    description:
      'Organisations the caller belongs to, in the order joined; for an API token, only its own organisation.',
  })
  @Authenticated()
  async organizations(
    @Args() page: PageArgs,
    @CurrentPrincipal() p: Principal,
  ): Promise<ConnectionShape<OrganizationModel>> {
    if (p.kind === 'user')
      return offsetPage(page, (skip, take) => this.orgs.listForUser(p, skip, take), toOrganizationModel);
    return offsetPage(
      page,
      (skip) => {
        const org = this.orgs.get({
          orgId: p.org.id,
          slug: p.org.slug,
          org: p.org,
          role: p.role,
          access: p.scope,
          principal: p,
        });
        return Promise.resolve({ rows: skip === 0 ? [org] : ([] as OrgView[]), total: 1 });
      },
      toOrganizationModel,
    );
  }

  @ResolveField('invitations', () => [InvitationModel], {
    description:
      'Pending invitations addressed to your email, newest first (at most 100); always empty for an API token.',
  })
  @Authenticated()
  async invitations(@CurrentPrincipal() p: Principal): Promise<InvitationModel[]> {
    if (p.kind !== 'user') return [];
    return (await this.members.pendingForUser(p)).map(toInvitationModel);
  }
}
