import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, TOKEN_NAME_MAX_LENGTH } from '@palisade/access';
import { z } from 'zod';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';
import { AccessScopeInput, accessScopeSchema } from '../../../platform/graphql/access-scope.types.js';

@InputType({ description: 'A new API token.' })
export class CreateApiTokenInput {
  @Field(() => String, { description: 'Slug of the organisation the token acts in (its only one).' })
  orgSlug!: string;
  @Field(() => String, { description: 'A name to recognise it by, 1 to 100 characters (trimmed).' })
  name!: string;
  @Field(() => RoleEnum, {
    description: 'Its role: no higher than your own (FORBIDDEN otherwise); only an owner grants OWNER.',
  })
  role!: RoleEnum;
  @Field(() => Int, {
    nullable: true,
    description: `Days until it expires, 1 to ${MAX_TOKEN_DAYS} (default ${DEFAULT_TOKEN_DAYS}).`,
  })
  expiresInDays?: number | null;
  @Field(() => AccessScopeInput, {
    nullable: true,
    description:
      'Limit the token to clusters and tiers, no wider than your own scope; left out: the whole organisation.',
  })
  scope?: AccessScopeInput | null;
}

export const createApiTokenSchema = z.object({
  orgSlug: z.string(),
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(TOKEN_NAME_MAX_LENGTH, `must be at most ${String(TOKEN_NAME_MAX_LENGTH)} characters`),
  role: z.enum(RoleEnum),
  expiresInDays: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(MAX_TOKEN_DAYS, `must be at most ${MAX_TOKEN_DAYS}`)
    .nullish()
    .transform((v) => v ?? DEFAULT_TOKEN_DAYS),
  scope: accessScopeSchema,
});

@InputType({ description: 'The API token to revoke.' })
export class RevokeApiTokenInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'ApiToken.id of the token.' }) tokenId!: string;
}

export const revokeApiTokenSchema = z.object({ orgSlug: z.string(), tokenId: z.uuid('is not a token id') });
