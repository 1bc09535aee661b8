import { Field, InputType, Int } from '@nestjs/graphql';
import { z } from 'zod';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';
import { DriftModeEnum, PolicyResourceKind } from '../models/policy.model.js';

import { MAX_DOCUMENT_BYTES, MAX_REORDER_POLICIES } from '../../../config/limits.js';

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

@InputType('PolicyResourceRefInput')
export class PolicyResourceRefInput {
  @Field(() => PolicyResourceKind) kind!: PolicyResourceKind;
  @Field(() => String, { nullable: true, description: 'Omit (or null) for cluster-scoped kinds.' })
  namespace?: string | null;
  @Field(() => String) name!: string;
}

@InputType('PolicyResourceFilter')
export class PolicyResourceFilter {
  @Field(() => PolicyResourceKind, { nullable: true }) kind?: PolicyResourceKind | null;
  @Field(() => String, { nullable: true }) tier?: string | null;
  @Field(() => String, { nullable: true, description: "'' selects cluster-scoped resources." }) namespace?:
    string | null;
  @Field(() => String, { nullable: true, description: 'Exact name.' }) name?: string | null;
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

@InputType()
export class CreatePolicyResourceInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String, { nullable: true, description: 'One YAML document. Give this or object.' })
  yaml?: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'The resource as JSON. Give this or yaml.' })
  object?: unknown;
  @Field(() => String, {
    nullable: true,
    description:
      "Selector over cluster labels; overrides the palisade.io/cluster-selector annotation. '' = every cluster.",
  })
  clusterSelector?: string | null;
}

@InputType()
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

@InputType()
export class DeletePolicyResourceInput extends PolicyResourceRefInput {
  @Field(() => String) orgSlug!: string;
}
export const deleteSchema = refSchema.extend({ orgSlug: z.string() });

@InputType()
export class ApplyResourcesInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String, { description: 'Multi-document YAML, as for kubectl apply -f.' }) yaml!: string;
  @Field(() => Boolean, { nullable: true, description: 'Validate and plan only; store nothing.' })
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

@InputType()
export class ReorderTierPoliciesInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String) tier!: string;
  @Field(() => [PolicyResourceRefInput], {
    description: 'Every policy of the tier, first-evaluated first; spec.order becomes 100, 200, …',
  })
  order!: PolicyResourceRefInput[];
}
export const reorderSchema = z.object({
  orgSlug: z.string(),
  tier: z.string().min(1).max(63),
  order: z.array(refSchema).max(MAX_REORDER_POLICIES, `at most ${MAX_REORDER_POLICIES} policies`),
});

@InputType()
export class PromoteStagedPolicyInput extends PolicyResourceRefInput {
  @Field(() => String) orgSlug!: string;
}
export const promoteSchema = deleteSchema;

@InputType()
export class RollbackPolicyResourceInput extends PolicyResourceRefInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => Int, { description: 'The revision whose object becomes current again.' }) revision!: number;
}
export const rollbackSchema = refSchema.extend({
  orgSlug: z.string(),
  revision: z.number().int().min(1, 'must be at least 1'),
});

@InputType()
export class SetDriftModeInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => PolicyResourceRefInput, {
    nullable: true,
    description: "A resource; omit to set the organisation's default.",
  })
  resource?: PolicyResourceRefInput | null;
  @Field(() => DriftModeEnum, {
    nullable: true,
    description: "Null on a resource: follow the organisation's default.",
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
