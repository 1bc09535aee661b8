// Arguments of the recommendation mutations, validated once at the resolver.
import { Field, InputType, Int } from '@nestjs/graphql';
import { z } from 'zod';
import { IntraNamespaceEnum } from '../models/recommendation.model.js';

const name = z.string().min(1, 'must not be empty').max(253, 'at most 253 characters');

@InputType('RefreshPolicyRecommendationsInput', {
  description: 'Which cluster (and namespaces) to recommend for now.',
})
export class RefreshPolicyRecommendationsInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Name of the cluster.' }) cluster!: string;
  @Field(() => [String], {
    nullable: true,
    description: 'Only these namespaces (default: all the scope allows).',
  })
  namespaces?: string[] | null;
}

export const refreshSchema = z.object({
  orgSlug: z.string(),
  cluster: name,
  namespaces: z
    .array(name)
    .max(100, 'at most 100 namespaces')
    .nullish()
    .transform((v) => v ?? null),
});

@InputType('PolicyRecommendationRefInput', { description: 'One recommendation of the organisation.' })
export class PolicyRecommendationRefInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Id of the recommendation.' }) id!: string;
}

export const refSchema = z.object({ orgSlug: z.string(), id: z.uuid('is not a recommendation id') });

@InputType('SetRecommendationScopeInput', {
  description: "The organisation's recommendation scope; omitted fields keep their value.",
})
export class SetRecommendationScopeInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the repeatable job refreshes recommendations.',
  })
  enabled?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'Seconds between refreshes, 30 to 86400.' })
  intervalSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: 'Seconds of flows to build from, 900 to 2592000.' })
  initialLookbackSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: 'Seconds without change before stable, 0 to 86400.' })
  stabilizationSeconds?: number | null;
  @Field(() => [String], { nullable: true, description: 'Excluded namespace prefixes, at most 50.' })
  excludedNamespacePrefixes?: string[] | null;
  @Field(() => IntraNamespaceEnum, {
    nullable: true,
    description: 'Same-namespace traffic: allowed or passed.',
  })
  intraNamespace?: IntraNamespaceEnum | null;
}

export const scopeSchema = z.object({
  orgSlug: z.string(),
  enabled: z.boolean().nullish(),
  intervalSeconds: z.number().int().min(30).max(86_400).nullish(),
  initialLookbackSeconds: z.number().int().min(900).max(2_592_000).nullish(),
  stabilizationSeconds: z.number().int().min(0).max(86_400).nullish(),
  excludedNamespacePrefixes: z.array(z.string().min(1).max(63)).max(50).nullish(),
  intraNamespace: z.enum(IntraNamespaceEnum).nullish(),
});
