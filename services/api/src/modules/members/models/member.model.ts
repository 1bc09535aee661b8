import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';
import { Connection } from '../../../platform/graphql/connection.js';
import { AccessScopeModel } from '../../../platform/graphql/access-scope.types.js';

@ObjectType('User', { description: 'A person who signs in through the identity provider.' })
export class UserModel {
  @Field(() => ID, { description: 'Stable id of the user, as in userId arguments.' }) id!: string;
  @Field(() => String, { description: 'Email address, lower-case, from the identity provider.' })
  email!: string;
  @Field(() => String, { description: 'Display name from the identity provider.' }) name!: string;
}

@ObjectType('Member', { description: "A user's membership of an organisation." })
export class MemberModel {
  @Field(() => UserModel, { description: 'The member.' }) user!: UserModel;
  @Field(() => RoleEnum, { description: 'Their role in the organisation.' }) role!: RoleEnum;
  @Field(() => AccessScopeModel, { description: 'The clusters and tiers their role is limited to.' })
  scope!: AccessScopeModel;
  @Field(() => Date, { description: 'When they joined.' }) joinedAt!: Date;
}

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(InvitationStatus, {
  name: 'InvitationStatus',
  description: 'Where an invitation stands.',
  valuesMap: {
    PENDING: { description: 'Can be accepted until expiresAt.' },
    ACCEPTED: { description: 'The invitee joined.' },
    REVOKED: { description: 'Withdrawn by the organisation; can no longer be accepted.' },
    EXPIRED: { description: 'Not accepted within 7 days; can no longer be accepted.' },
  },
});

@ObjectType('InvitationOrganization', {
  description: 'What an invited user may see of the inviting organisation.',
})
export class InvitationOrganizationModel {
  @Field(() => String, { description: 'Its slug.' }) slug!: string;
  @Field(() => String, { description: 'Its display name.' }) name!: string;
}

@ObjectType('Invitation', { description: 'An invitation to join an organisation with a role.' })
export class InvitationModel {
  @Field(() => ID, { description: 'Stable id of the invitation, as in invitationId arguments.' }) id!: string;
  @Field(() => String, {
    description: 'Email it is addressed to (lower-case); only that user can accept it.',
  })
  email!: string;
  @Field(() => RoleEnum, { description: 'Role the invitee gets on accepting.' }) role!: RoleEnum;
  @Field(() => AccessScopeModel, { description: 'The clusters and tiers that role will be limited to.' })
  scope!: AccessScopeModel;
  @Field(() => InvitationStatus, { description: 'Where it stands.' }) status!: InvitationStatus;
  @Field(() => InvitationOrganizationModel, { description: 'The inviting organisation.' })
  organization!: InvitationOrganizationModel;
  @Field(() => String, { nullable: true, description: 'Email of the member who invited.' }) invitedBy!:
    string | null;
  @Field(() => Date, { description: 'When it was sent.' }) createdAt!: Date;
  @Field(() => Date, { description: 'When it expires: 7 days after it was sent.' }) expiresAt!: Date;
}

export const MemberConnection = Connection(MemberModel, 'Member');
export const InvitationConnection = Connection(InvitationModel, 'Invitation');
