// GraphQL for members and invitations: Organization.members / .invitations and the mutations.
import { Inject } from '@nestjs/common';
import { Args, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  CurrentPrincipal,
  RequirePermission,
  Scope,
} from '../../platform/access/decorators.js';
import type { OrgScope, Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors/app-error.js';
import { PageArgs, type ConnectionShape } from '../../platform/graphql/connection.js';
import { offsetPage } from '../../platform/graphql/offset-page.js';
import { toRole } from '../../platform/graphql/role.enum.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import { toOrganizationModel } from '../orgs/orgs.resolver.js';
import {
  AcceptInvitationInput,
  InviteMemberInput,
  LeaveOrganizationInput,
  RemoveMemberInput,
  RevokeInvitationInput,
  UpdateMemberRoleInput,
  acceptInvitationSchema,
  inviteMemberSchema,
  removeMemberSchema,
  revokeInvitationSchema,
  updateMemberRoleSchema,
} from './dto/member.input.js';
import {
  InvitationConnection,
  InvitationModel,
  MemberConnection,
  MemberModel,
} from './models/member.model.js';
import { MembersService, type InvitationView, type MemberView } from './members.service.js';

export const toMemberModel = (m: MemberView): MemberModel => m as unknown as MemberModel;
export const toInvitationModel = (i: InvitationView): InvitationModel => i as unknown as InvitationModel;

@Resolver(() => OrganizationModel)
export class MembersResolver {
  constructor(@Inject(MembersService) private readonly members: MembersService) {}

  @ResolveField('members', () => MemberConnection, {
    description: 'Members of the organisation, in the order they joined. Roles: any.',
  })
  @RequirePermission('members:read')
  membersField(@Args() page: PageArgs, @Scope() scope: OrgScope): Promise<ConnectionShape<MemberModel>> {
    return offsetPage(page, (skip, take) => this.members.listMembers(scope, skip, take), toMemberModel);
  }

  @ResolveField('invitations', () => InvitationConnection, {
    description: 'Invitations of every status, newest first. Roles: owner, admin.',
  })
  @RequirePermission('members:invite')
  invitationsField(
    @Args() page: PageArgs,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<InvitationModel>> {
    return offsetPage(
      page,
      (skip, take) => this.members.listInvitations(scope, skip, take),
      toInvitationModel,
    );
  }

  @Mutation(() => InvitationModel, {
    description:
      'Invite someone by email with a role no higher than your own; the invitation expires after 7 days. CONFLICT when they are a member or already invited. Roles: owner, admin.',
  })
  @RequirePermission('members:invite')
  async inviteMember(
    @Args('input', { type: () => InviteMemberInput, description: 'The organisation, an email and a role.' })
    input: InviteMemberInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(inviteMemberSchema, input);
    return toInvitationModel(
      await this.members.invite(scope, { email: v.email, role: toRole(v.role), scope: v.scope }),
    );
  }

  @Mutation(() => InvitationModel, {
    description: 'Withdraw a pending invitation; returns it as REVOKED. Roles: owner, admin.',
  })
  @RequirePermission('members:invite')
  async revokeInvitation(
    @Args('input', { type: () => RevokeInvitationInput, description: 'The organisation and the invitation.' })
    input: RevokeInvitationInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(revokeInvitationSchema, input);
    return toInvitationModel(await this.members.revokeInvitation(scope, v.invitationId));
  }

  @Mutation(() => OrganizationModel, {
    description:
      'Accept an invitation addressed to your email; you join its organisation with its role. Signed-in users only. PRECONDITION_FAILED when it is no longer pending.',
  })
  @Authenticated()
  async acceptInvitation(
    @Args('input', { type: () => AcceptInvitationInput, description: 'The invitation.' })
    input: AcceptInvitationInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OrganizationModel> {
    if (principal.kind !== 'user')
      throw new AppError('FORBIDDEN', 'only a signed-in user can accept an invitation');
    const v = validateInput(acceptInvitationSchema, input);
    const org = await this.members.accept(principal, v.invitationId);
    return toOrganizationModel({ id: org.orgId, ...org });
  }

  @Mutation(() => MemberModel, {
    description:
      "Change a member's role. The last owner cannot be demoted (PRECONDITION_FAILED). Roles: owner, admin.",
  })
  @RequirePermission('members:manage')
  async updateMemberRole(
    @Args('input', {
      type: () => UpdateMemberRoleInput,
      description: 'The organisation, the member and the new role.',
    })
    input: UpdateMemberRoleInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(updateMemberRoleSchema, input);
    return toMemberModel(
      await this.members.updateRole(
        scope,
        v.userId,
        toRole(v.role),
        v.scope === undefined ? undefined : v.scope,
      ),
    );
  }

  @Mutation(() => MemberModel, {
    description:
      'Remove a member; returns the member as they were. The last owner cannot be removed. Roles: owner, admin.',
  })
  @RequirePermission('members:manage')
  async removeMember(
    @Args('input', { type: () => RemoveMemberInput, description: 'The organisation and the member.' })
    input: RemoveMemberInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(removeMemberSchema, input);
    return toMemberModel(await this.members.remove(scope, v.userId));
  }

  @Mutation(() => MemberModel, {
    description:
      'Leave an organisation you belong to, whatever your role; the last owner cannot. Returns your membership as it was. Signed-in users only. Roles: any.',
  })
  @RequirePermission('org:read')
  async leaveOrganization(
    @Args('input', { type: () => LeaveOrganizationInput, description: 'The organisation.' })
    _input: LeaveOrganizationInput,
    @Scope() scope: OrgScope,
  ) {
    if (scope.principal.kind !== 'user')
      throw new AppError('FORBIDDEN', 'an API token is not a member and cannot leave; revoke it instead');
    return toMemberModel(await this.members.remove(scope, scope.principal.userId));
  }
}
