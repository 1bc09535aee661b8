import { Field, ID, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';
import { AccessScopeInput, accessScopeSchema } from '../../../platform/graphql/access-scope.types.js';

@InputType({ description: 'Whom to invite, with which role.' })
export class InviteMemberInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Email address of the invitee (trimmed, lower-cased).' })
  email!: string;
  @Field(() => RoleEnum, {
    description:
      'Role on joining: no higher than your own (FORBIDDEN otherwise); only an owner invites an OWNER.',
  })
  role!: RoleEnum;
  @Field(() => AccessScopeInput, {
    nullable: true,
    description: 'Limit the role to clusters and tiers on joining; left out: the whole organisation.',
  })
  scope?: AccessScopeInput | null;
}

export const inviteMemberSchema = z.object({
  orgSlug: z.string(),
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
  role: z.enum(RoleEnum),
  scope: accessScopeSchema,
});

@InputType({ description: 'The invitation to accept.' })
export class AcceptInvitationInput {
  @Field(() => ID, { description: 'Invitation.id, from Viewer.invitations.' }) invitationId!: string;
}

export const acceptInvitationSchema = z.object({ invitationId: z.uuid('is not an invitation id') });

@InputType({ description: 'The invitation to revoke.' })
export class RevokeInvitationInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'Invitation.id of a pending invitation.' }) invitationId!: string;
}

export const revokeInvitationSchema = z.object({
  orgSlug: z.string(),
  invitationId: z.uuid('is not an invitation id'),
});

@InputType({ description: "A member's new role." })
export class UpdateMemberRoleInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'User.id of the member.' }) userId!: string;
  @Field(() => RoleEnum, {
    description: 'The new role. Both the old and the new role must be no higher than your own.',
  })
  role!: RoleEnum;
  @Field(() => AccessScopeInput, {
    nullable: true,
    description:
      'The clusters and tiers the role is limited to; left out: unchanged; given with both fields empty: the whole organisation.',
  })
  scope?: AccessScopeInput | null;
}

export const updateMemberRoleSchema = z.object({
  orgSlug: z.string(),
  userId: z.uuid('is not a user id'),
  role: z.enum(RoleEnum),
  scope: accessScopeSchema,
});

@InputType({ description: 'The member to remove.' })
export class RemoveMemberInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'User.id of the member.' }) userId!: string;
}

export const removeMemberSchema = z.object({ orgSlug: z.string(), userId: z.uuid('is not a user id') });

@InputType({ description: 'The organisation to leave.' })
export class LeaveOrganizationInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
}
