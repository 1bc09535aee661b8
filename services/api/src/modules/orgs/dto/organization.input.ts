import { Field, InputType } from '@nestjs/graphql';
import { ORG_NAME_MAX_LENGTH, ORG_SLUG_PATTERN } from '@palisade/access';
import { z } from 'zod';

export const slugSchema = z
  .string()
  .regex(
    ORG_SLUG_PATTERN,
    'must be 1 to 40 lower-case letters, digits or hyphens, not starting or ending with a hyphen',
  );

@InputType({ description: 'A new organisation.' })
export class CreateOrganizationInput {
  @Field(() => String, { description: 'Display name, 1 to 100 characters (trimmed).' }) name!: string;
  @Field(() => String, {
    description:
      'Unique short name used in URLs and as orgSlug: 1 to 40 lower-case letters, digits or hyphens, not starting or ending with a hyphen. Cannot be changed later.',
  })
  slug!: string;
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

@InputType({ description: 'A new display name for an organisation.' })
export class UpdateOrganizationInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'The new display name, 1 to 100 characters (trimmed).' }) name!: string;
}

export const updateOrganizationSchema = z.object({
  orgSlug: z.string(),
  name: orgName,
});
