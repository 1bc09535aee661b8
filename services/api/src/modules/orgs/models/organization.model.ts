import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';

@ObjectType('Organization', {
  description:
    'A tenant: its members, clusters, policies and audit log. Every role of the organisation may read it; fields that need more say so.',
})
export class OrganizationModel {
  @Field(() => ID, { description: 'Stable id of the organisation.' }) id!: string;
  @Field(() => String, {
    description: 'Its unique short name, as in URLs and every orgSlug argument; never changes.',
  })
  slug!: string;
  @Field(() => String, { description: 'Display name, 1 to 100 characters.' }) name!: string;
  @Field(() => Date, { description: 'When it was created.' }) createdAt!: Date;
  @Field(() => RoleEnum, {
    description: "The caller's role in this organisation (for an API token: the token's role).",
  })
  viewerRole!: RoleEnum;
  /** Not in the schema: lets AccessGuard scope this object's field resolvers. */
  orgId!: string;
}
