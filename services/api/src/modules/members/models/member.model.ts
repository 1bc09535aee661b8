import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';
import { Connection } from '../../../platform/graphql/connection.js';

@ObjectType('User')
export class UserModel {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) name!: string;
}

@ObjectType('Member')
export class MemberModel {
  @Field(() => UserModel) user!: UserModel;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field(() => Date) joinedAt!: Date;
}

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType('InvitationOrganization', {
  description: 'What an invited user may see of the inviting organisation.',
})
export class InvitationOrganizationModel {
  @Field(() => String) slug!: string;
  @Field(() => String) name!: string;
}

@ObjectType('Invitation')
export class InvitationModel {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field(() => InvitationStatus) status!: InvitationStatus;
  @Field(() => InvitationOrganizationModel) organization!: InvitationOrganizationModel;
  @Field(() => String, { nullable: true, description: 'Email of the member who invited.' }) invitedBy!:
    string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) expiresAt!: Date;
}

export const MemberConnection = Connection(MemberModel, 'Member');
export const InvitationConnection = Connection(InvitationModel, 'Invitation');
