// Arguments of the flow fields: Goldmane's Filter (spec §2, §6.4) plus clusters and a time range,
// and the zod schemas that validate them once, at the resolver, with the argument's path.
import { Field, InputType, Int } from '@nestjs/graphql';
import { z } from 'zod';
import {
  FlowActionEnum,
  FlowPolicyKindEnum,
  FlowReporterEnum,
  PolicyActionEnum,
  StringMatchTypeEnum,
} from '../models/flow-enums.js';

/** Values per filter list: enough for any hand-made filter, small enough to keep plans simple. */
export const MAX_FILTER_VALUES = 50;
const MAX_STRING = 253;

@InputType('StringMatch', { description: 'A string to match, exactly or as a substring.' })
export class StringMatchInput {
  @Field(() => String, {
    description:
      'The value. Names accept `PUBLIC NETWORK` / `PRIVATE NETWORK` for `pub` / `pvt`; namespaces accept `Global` for `-`.',
  })
  value!: string;
  @Field(() => StringMatchTypeEnum, { nullable: true, description: 'EXACT (default) or FUZZY.' })
  type?: StringMatchTypeEnum | null;
}

@InputType('PolicyMatch', {
  description:
    'Matches flows with a hit of this policy in the enforced or the pending trace; unset parts match anything. An EndOfTier hit matches through the policy that triggered it.',
})
export class PolicyMatchInput {
  @Field(() => FlowPolicyKindEnum, { nullable: true, description: 'Kind of the policy.' })
  kind?: FlowPolicyKindEnum | null;
  @Field(() => String, { nullable: true, description: 'Tier of the policy.' }) tier?: string | null;
  @Field(() => String, { nullable: true, description: 'Namespace of the policy.' }) namespace?: string | null;
  @Field(() => String, { nullable: true, description: 'Name of the policy.' }) name?: string | null;
  @Field(() => PolicyActionEnum, { nullable: true, description: 'What the hit decided.' })
  action?: PolicyActionEnum | null;
}

@InputType('TimeRange', { description: 'A window of bucket start times.' })
export class TimeRangeInput {
  @Field(() => Date, { nullable: true, description: 'Inclusive; default: the oldest retained flow.' })
  from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Exclusive; default: now.' }) to?: Date | null;
}

@InputType('FlowFilter', {
  description: 'Every list is OR-ed, every field AND-ed; an empty or missing field matches everything.',
})
export class FlowFilterInput {
  @Field(() => [String], { nullable: true, description: 'Cluster names.' }) clusters?: string[] | null;
  @Field(() => TimeRangeInput, { nullable: true, description: 'Bucket start times.' })
  timeRange?: TimeRangeInput | null;
  @Field(() => [StringMatchInput], { nullable: true, description: 'Source names.' })
  sourceNames?: StringMatchInput[] | null;
  @Field(() => [StringMatchInput], { nullable: true, description: 'Source namespaces.' })
  sourceNamespaces?: StringMatchInput[] | null;
  @Field(() => [StringMatchInput], { nullable: true, description: 'Destination names.' })
  destNames?: StringMatchInput[] | null;
  @Field(() => [StringMatchInput], { nullable: true, description: 'Destination namespaces.' })
  destNamespaces?: StringMatchInput[] | null;
  @Field(() => [StringMatchInput], {
    nullable: true,
    description: 'Protocols, as stored: lower case (tcp, udp, icmp, …).',
  })
  protocols?: StringMatchInput[] | null;
  @Field(() => [Int], { nullable: true, description: 'Destination ports.' }) destPorts?: number[] | null;
  @Field(() => [FlowActionEnum], { nullable: true, description: 'Enforced verdicts.' })
  actions?: FlowActionEnum[] | null;
  @Field(() => [PolicyActionEnum], {
    nullable: true,
    description:
      'Final pending verdicts (the last pending hit), a deliberate departure from Goldmane’s any-hit rule.',
  })
  pendingActions?: PolicyActionEnum[] | null;
  @Field(() => [PolicyMatchInput], { nullable: true, description: 'Policies in the traces.' })
  policies?: PolicyMatchInput[] | null;
  @Field(() => FlowReporterEnum, { nullable: true, description: 'Which end logged the flow.' })
  reporter?: FlowReporterEnum | null;
}

const text = z.string().min(1, 'must not be empty').max(MAX_STRING, `at most ${MAX_STRING} characters`);
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`)
    .nullish()
    .transform((v) => v ?? []);

const stringMatch = z.object({
  value: text,
  type: z
    .enum(StringMatchTypeEnum)
    .nullish()
    .transform((t) => t ?? StringMatchTypeEnum.EXACT),
});

export const timeRangeSchema = z
  .object({ from: z.date().nullish(), to: z.date().nullish() })
  .nullish()
  .transform((r) => ({ from: r?.from ?? null, to: r?.to ?? null }))
  .superRefine((r, ctx) => {
    if (r.from && r.to && r.from.getTime() >= r.to.getTime())
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });

export const policyMatchSchema = z.object({
  kind: z.enum(FlowPolicyKindEnum).nullish(),
  tier: text.nullish(),
  namespace: text.nullish(),
  name: text.nullish(),
  action: z.enum(PolicyActionEnum).nullish(),
});

export const clusterNamesSchema = list(text);
export const policyMatchesSchema = list(policyMatchSchema);

export const flowFilterSchema = z.preprocess(
  (v) => v ?? {},
  z.object({
    clusters: clusterNamesSchema,
    timeRange: timeRangeSchema,
    sourceNames: list(stringMatch),
    sourceNamespaces: list(stringMatch),
    destNames: list(stringMatch),
    destNamespaces: list(stringMatch),
    protocols: list(stringMatch),
    destPorts: list(z.number().int().min(0).max(65535)),
    actions: list(z.enum(FlowActionEnum)),
    pendingActions: list(z.enum(PolicyActionEnum)),
    policies: list(policyMatchSchema),
    reporter: z
      .enum(FlowReporterEnum)
      .nullish()
      .transform((r) => r ?? null),
  }),
);

export type FlowFilterValue = z.infer<typeof flowFilterSchema>;
