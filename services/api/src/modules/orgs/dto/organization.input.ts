import { Field, InputType } from '@nestjs/graphql';
import { ORG_NAME_MAX_LENGTH, ORG_SLUG_PATTERN } from '@palisade/access';
import { z } from 'zod';

export const slugSchema = z
  .string()
  .regex(
    ORG_SLUG_PATTERN,
    'must be 1 to 40 lower-case letters, digits or hyphens, not starting or ending with a hyphen',
  );

@InputType()
export class CreateOrganizationInput {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'Unique, lower-case, used in URLs.' }) slug!: string;
}

const orgName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(ORG_NAME_MAX_LENGTH, `must be at most ${String(ORG_NAME_MAX_LENGTH)} characters`);

export const createOrganizationSchema = z.object({
  name: orgName,
  slug: slugSchema,
});

@InputType()
export class UpdateOrganizationInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String) name!: string;
}

export const updateOrganizationSchema = z.object({
  orgSlug: z.string(),
  name: orgName,
});
