import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';
import { AccessScopeModel } from '../../../platform/graphql/access-scope.types.js';
import { Connection } from '../../../platform/graphql/connection.js';

@ObjectType('ApiToken', {
  description: 'An API token for automation. Its secret is only ever shown once, at creation.',
})
export class ApiTokenModel {
  @Field(() => ID, { description: 'Stable id of the token (not its secret).' }) id!: string;
  @Field(() => String, { description: 'Name given at creation, 1 to 100 characters.' }) name!: string;
  @Field(() => RoleEnum, { description: 'What the token may do, as for a member with this role.' })
  role!: RoleEnum;
  @Field(() => AccessScopeModel, { description: 'The clusters and tiers its role is limited to.' })
  scope!: AccessScopeModel;
  @Field(() => String, {
    description: 'The first 10 characters of the secret (pal_ and 6 more), to recognise it.',
  })
  prefix!: string;
  @Field(() => Date, { description: 'When it was created.' }) createdAt!: Date;
  @Field(() => String, {
    nullable: true,
    description: 'Email of the member who created it; null when an API token or the admin command did.',
  })
  createdBy!: string | null;
  @Field(() => Date, {
    nullable: true,
    description: 'When it stops working. Every token made through the API or the admin command has one.',
  })
  expiresAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'Last use, to within 30 seconds.' })
  lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while not revoked.' })
  revokedAt!: Date | null;
}

@ObjectType('CreateApiTokenPayload', { description: 'The new token and, this once, its secret.' })
export class CreateApiTokenPayload {
  @Field(() => ApiTokenModel, { description: 'The token as listed in Organization.apiTokens.' })
  token!: ApiTokenModel;
  @Field(() => String, {
    description:
      'The secret (pal_ and 43 characters), sent as Authorization: Bearer <secret>. Store it now: it is stored only hashed and cannot be shown again.',
  })
  secret!: string;
}

export const ApiTokenConnection = Connection(ApiTokenModel, 'ApiToken');
