import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';

@ObjectType('Organization', { description: 'A tenant: its members, clusters, policies and audit log.' })
export class OrganizationModel {
  @Field(() => ID) id!: string;
  @Field(() => String) slug!: string;
  @Field(() => String) name!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => RoleEnum, { description: "The caller's role in this organisation." }) viewerRole!: RoleEnum;
  /** Not in the schema: lets AccessGuard scope this object's field resolvers. */
  orgId!: string;
}
