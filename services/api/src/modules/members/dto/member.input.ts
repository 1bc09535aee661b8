import { Field, ID, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';

@InputType()
export class InviteMemberInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String) email!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
}

export const inviteMemberSchema = z.object({
  orgSlug: z.string(),
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
  role: z.enum(RoleEnum),
});

@InputType()
export class AcceptInvitationInput {
  @Field(() => ID) invitationId!: string;
}

export const acceptInvitationSchema = z.object({ invitationId: z.uuid('is not an invitation id') });

@InputType()
export class RevokeInvitationInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => ID) invitationId!: string;
}

export const revokeInvitationSchema = z.object({
  orgSlug: z.string(),
  invitationId: z.uuid('is not an invitation id'),
});

@InputType()
export class UpdateMemberRoleInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => ID) userId!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
}

export const updateMemberRoleSchema = z.object({
  orgSlug: z.string(),
  userId: z.uuid('is not a user id'),
  role: z.enum(RoleEnum),
});

@InputType()
export class RemoveMemberInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => ID) userId!: string;
}

export const removeMemberSchema = z.object({ orgSlug: z.string(), userId: z.uuid('is not a user id') });

@InputType()
export class LeaveOrganizationInput {
  @Field(() => String) orgSlug!: string;
}
