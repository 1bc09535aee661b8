import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';
import { Connection } from '../../../platform/graphql/connection.js';
import { OrganizationModel } from '../../orgs/models/organization.model.js';
import { UserModel } from '../../members/models/member.model.js';

export enum ViewerKind {
  USER = 'USER',
  TOKEN = 'TOKEN',
}
registerEnumType(ViewerKind, { name: 'ViewerKind' });

@ObjectType('ViewerToken')
export class ViewerTokenModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
}

@ObjectType('Viewer', { description: 'The caller: a signed-in user or an API token.' })
export class ViewerModel {
  @Field(() => ViewerKind) kind!: ViewerKind;
  @Field(() => UserModel, { nullable: true }) user!: UserModel | null;
  @Field(() => ViewerTokenModel, { nullable: true }) token!: ViewerTokenModel | null;
}

export const OrganizationConnection = Connection(OrganizationModel, 'Organization');
