import { Field, ID, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';

@InputType({ description: 'The organisation whose SCIM token to issue or revoke.' })
export class ScimTokenInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
}

export const scimTokenSchema = z.object({ orgSlug: z.string() });

@InputType({ description: 'A SCIM group and the role its members get.' })
export class SetScimGroupRoleInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'ScimGroup.id.' }) groupId!: string;
  @Field(() => RoleEnum, { nullable: true, description: 'The role; null removes the mapping.' })
  role?: RoleEnum | null;
}

export const setScimGroupRoleSchema = z.object({
  orgSlug: z.string(),
  groupId: z.uuid('is not a SCIM group id'),
  role: z
    .enum(RoleEnum)
    .nullish()
    .transform((v) => v ?? null),
});
