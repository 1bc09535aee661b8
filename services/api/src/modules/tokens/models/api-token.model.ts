import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';
import { Connection } from '../../../platform/graphql/connection.js';

@ObjectType('ApiToken', {
  description: 'An API token for automation. Its secret is only ever shown once, at creation.',
})
export class ApiTokenModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field(() => String, { description: 'The first characters of the secret, to recognise it.' })
  prefix!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'Email of the member who created it.' }) createdBy!:
    string | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'Last use, to within 30 seconds.' })
  lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType('CreateApiTokenPayload')
export class CreateApiTokenPayload {
  @Field(() => ApiTokenModel) token!: ApiTokenModel;
  @Field(() => String, { description: 'The secret (pal_…). Store it now: it cannot be shown again.' })
  secret!: string;
}

export const ApiTokenConnection = Connection(ApiTokenModel, 'ApiToken');
