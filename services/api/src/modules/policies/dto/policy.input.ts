import { Field, InputType, Int } from '@nestjs/graphql';
import { z } from 'zod';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';
import { MAX_DOCUMENT_BYTES, MAX_REORDER_POLICIES } from '../../../config/limits.js';
import { DriftModeEnum, PolicyResourceKind } from '../models/policy.model.js';

const MAX_DOCUMENT = `${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`;

const kind = z.enum(PolicyResourceKind);
const namespace = z
  .string()
  .max(63, 'must be at most 63 characters')
  .nullish()
  .transform((v) => v ?? '');
const name = z.string().min(1, 'must not be empty').max(253, 'must be at most 253 characters');
const yamlText = z.string().max(MAX_DOCUMENT_BYTES, `must be at most ${MAX_DOCUMENT_BYTES} bytes`);
const selector = z
  .string()
  .max(4096, 'must be at most 4096 characters')
  .nullish()
  .transform((v) => v ?? null);

export const refSchema = z.object({ kind, namespace, name });

@InputType('PolicyResourceRefInput', { description: 'Names one resource: kind, namespace and name.' })
export class PolicyResourceRefInput {
  @Field(() => PolicyResourceKind, { description: 'Its kind.' }) kind!: PolicyResourceKind;
  @Field(() => String, {
    nullable: true,
    description: 'Its namespace, up to 63 characters; omit (or null) for cluster-scoped kinds.',
  })
  namespace?: string | null;
  @Field(() => String, { description: 'Its metadata.name, 1 to 253 characters.' }) name!: string;
}

@InputType('PolicyResourceFilter', { description: 'Narrows a list or export; every given field must match.' })
export class PolicyResourceFilter {
  @Field(() => PolicyResourceKind, { nullable: true, description: 'Only this kind.' })
  kind?: PolicyResourceKind | null;
  @Field(() => String, { nullable: true, description: 'Only policies of this tier (exact name).' })
  tier?: string | null;
  @Field(() => String, {
    nullable: true,
    description: "Only this namespace (exact, up to 63 characters); '' selects cluster-scoped resources.",
  })
  namespace?: string | null;
  @Field(() => String, { nullable: true, description: 'Exact name, up to 253 characters.' }) name?:
    string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Name of a cluster: only resources whose cluster selector targets it.',
  })
  cluster?: string | null;
}

export const filterSchema = z
  .object({
    kind: kind.nullish(),
    tier: z.string().max(63).nullish(),
    namespace: z.string().max(63).nullish(),
    name: z.string().max(253).nullish(),
    cluster: z.string().max(63).nullish(),
  })
  .nullish()
  .transform((v) => v ?? {});

@InputType({ description: 'One resource, as YAML or as a JSON object.' })
export class CreatePolicyResourceInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, {
    nullable: true,
    description: `One YAML document, at most ${MAX_DOCUMENT}. Give this or object.`,
  })
  yaml?: string | null;
  @Field(() => JSONScalar, {
    nullable: true,
    description: `The resource as a JSON object, at most ${MAX_DOCUMENT} serialised. Give this or yaml.`,
  })
  object?: unknown;
  @Field(() => String, {
    nullable: true,
    description:
      "Selector over cluster labels, up to 4096 characters; overrides the palisade.io/cluster-selector annotation. '' = every cluster.",
  })
  clusterSelector?: string | null;
}

@InputType({ description: 'The new content of an existing resource, as YAML or as a JSON object.' })
export class UpdatePolicyResourceInput extends CreatePolicyResourceInput {}

const documentSchema = z
  .object({
    orgSlug: z.string(),
    yaml: yamlText.nullish(),
    object: z.unknown().optional(),
    clusterSelector: selector,
  })
  .superRefine((v, ctx) => {
    const hasYaml = typeof v.yaml === 'string';
    const hasObject = v.object !== undefined && v.object !== null;
    if (hasYaml === hasObject)
      ctx.addIssue({ code: 'custom', path: ['yaml'], message: 'give exactly one of yaml and object' });
    if (hasObject && JSON.stringify(v.object).length > MAX_DOCUMENT_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: ['object'],
        message: `must be at most ${MAX_DOCUMENT_BYTES} bytes`,
      });
  });
export const createSchema = documentSchema;
export const updateSchema = documentSchema;

@InputType({ description: 'The resource to delete.' })
export class DeletePolicyResourceInput extends PolicyResourceRefInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
}
export const deleteSchema = refSchema.extend({ orgSlug: z.string() });

@InputType({ description: 'Resources to create or update, as kubectl apply -f takes them.' })
export class ApplyResourcesInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, {
    description: `Multi-document YAML (--- separated; kind: List items count one each), at most ${MAX_DOCUMENT}.`,
  })
  yaml!: string;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Validate and plan only; store nothing (default false).',
  })
  dryRun?: boolean | null;
}
export const applySchema = z.object({
  orgSlug: z.string(),
  yaml: yamlText,
  dryRun: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});

@InputType({ description: "A tier's policies in their new evaluation order." })
export class ReorderTierPoliciesInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Name of the tier, 1 to 63 characters.' }) tier!: string;
  @Field(() => [PolicyResourceRefInput], {
    description:
      'Every policy of the tier (each once, at most 5000), first-evaluated first; spec.order becomes 100, 200, …',
  })
  order!: PolicyResourceRefInput[];
}
export const reorderSchema = z.object({
  orgSlug: z.string(),
  tier: z.string().min(1).max(63),
  order: z.array(refSchema).max(MAX_REORDER_POLICIES, `at most ${MAX_REORDER_POLICIES} policies`),
});

@InputType({ description: 'The staged policy to enforce.' })
export class PromoteStagedPolicyInput extends PolicyResourceRefInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
}
export const promoteSchema = deleteSchema;

@InputType({ description: 'The resource and the revision to roll back to.' })
export class RollbackPolicyResourceInput extends PolicyResourceRefInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => Int, { description: 'The revision (1 or more) whose object becomes current again.' })
  revision!: number;
}
export const rollbackSchema = refSchema.extend({
  orgSlug: z.string(),
  revision: z.number().int().min(1, 'must be at least 1'),
});

@InputType({ description: "A resource's drift mode, or the organisation's default." })
export class SetDriftModeInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => PolicyResourceRefInput, {
    nullable: true,
    description: "A resource; omit to set the organisation's default.",
  })
  resource?: PolicyResourceRefInput | null;
  @Field(() => DriftModeEnum, {
    nullable: true,
    description:
      "The mode. For a resource, null makes it follow the organisation's default; the default itself needs a mode.",
  })
  mode?: DriftModeEnum | null;
}
export const driftModeSchema = z.object({
  orgSlug: z.string(),
  resource: refSchema.nullish().transform((v) => v ?? null),
  mode: z
    .enum(DriftModeEnum)
    .nullish()
    .transform((v) => v ?? null),
});
