import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';
import { Connection } from '../../../platform/graphql/connection.js';
import { OrganizationModel } from '../../orgs/models/organization.model.js';
import { UserModel } from '../../members/models/member.model.js';
import { AccessScopeModel } from '../../../platform/graphql/access-scope.types.js';

export enum ViewerKind {
  USER = 'USER',
  TOKEN = 'TOKEN',
}
registerEnumType(ViewerKind, {
  name: 'ViewerKind',
  description: 'How the caller authenticated.',
  valuesMap: {
    USER: { description: 'A signed-in user (console session cookie).' },
    TOKEN: { description: 'An API token (Authorization: Bearer pal_…).' },
  },
});

@ObjectType('ViewerToken', { description: 'The API token making the call.' })
export class ViewerTokenModel {
  @Field(() => ID, { description: 'ApiToken.id of the token.' }) id!: string;
  @Field(() => String, { description: 'Its name.' }) name!: string;
  @Field(() => RoleEnum, { description: 'Its role in its organisation.' }) role!: RoleEnum;
  @Field(() => AccessScopeModel, { description: 'The clusters and tiers that role is limited to.' })
  scope!: AccessScopeModel;
}

@ObjectType('Viewer', { description: 'The caller: a signed-in user or an API token.' })
export class ViewerModel {
  @Field(() => ViewerKind, { description: 'USER or TOKEN: which of user and token is set.' })
  kind!: ViewerKind;
  @Field(() => UserModel, { nullable: true, description: 'The signed-in user; null for an API token.' })
  user!: UserModel | null;
  @Field(() => ViewerTokenModel, { nullable: true, description: 'The API token; null for a signed-in user.' })
  token!: ViewerTokenModel | null;
}

export const OrganizationConnection = Connection(OrganizationModel, 'Organization');
