import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, TOKEN_NAME_MAX_LENGTH } from '@palisade/access';
import { z } from 'zod';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';

@InputType()
export class CreateApiTokenInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String) name!: string;
  @Field(() => RoleEnum, { description: 'No higher than your own role.' }) role!: RoleEnum;
  @Field(() => Int, {
    nullable: true,
    description: `Days until it expires, 1 to ${MAX_TOKEN_DAYS} (default ${DEFAULT_TOKEN_DAYS}).`,
  })
  expiresInDays?: number | null;
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
});

@InputType()
export class RevokeApiTokenInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => ID) tokenId!: string;
}

export const revokeApiTokenSchema = z.object({ orgSlug: z.string(), tokenId: z.uuid('is not a token id') });
