import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { CLUSTER_NAME_PATTERN, MAX_CLUSTER_LABELS } from '@palisade/access';
import { isLabelKey, isLabelValue } from '@palisade/policy/managed';
import { z } from 'zod';
import { LabelInput } from '../models/cluster.model.js';

export const labelsSchema = z
  .array(
    z.object({
      key: z
        .string()
        .refine(
          isLabelKey,
          'must be a Kubernetes label key: [prefix/]name, name up to 63 letters, digits, "-", "_", "."',
        ),
      value: z
        .string()
        .refine(isLabelValue, 'must be a Kubernetes label value: up to 63 letters, digits, "-", "_", "."'),
    }),
  )
  .max(MAX_CLUSTER_LABELS, `at most ${String(MAX_CLUSTER_LABELS)} labels`)
  .superRefine((labels, ctx) => {
    const seen = new Set<string>();
    labels.forEach((l, i) => {
      if (seen.has(l.key))
        ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate label key "${l.key}"` });
      seen.add(l.key);
    });
  })
  .transform((labels) => Object.fromEntries(labels.map((l) => [l.key, l.value])) as Record<string, string>);

const clusterName = z
  .string()
  .regex(
    CLUSTER_NAME_PATTERN,
    'must be 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen',
  );

@InputType()
export class RegisterClusterInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String, {
    description:
      'Unique in the organisation. Registering an existing name issues a new enrollment token for it.',
  })
  name!: string;
  @Field(() => [LabelInput], { nullable: true, description: 'Used by policy clusterSelectors.' }) labels?:
    LabelInput[] | null;
}

export const registerClusterSchema = z.object({
  orgSlug: z.string(),
  name: clusterName,
  labels: labelsSchema.nullish(),
});

@InputType()
export class UpdateClusterLabelsInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String) name!: string;
  @Field(() => [LabelInput], { description: 'The complete new set of labels.' }) labels!: LabelInput[];
}

export const updateClusterLabelsSchema = z.object({
  orgSlug: z.string(),
  name: clusterName,
  labels: labelsSchema,
});

@InputType()
export class DeleteClusterInput {
  @Field(() => String) orgSlug!: string;
  @Field(() => String) name!: string;
}

export const deleteClusterSchema = z.object({ orgSlug: z.string(), name: clusterName });

@ArgsType()
export class EndpointFilterArgs {
  @Field(() => String, { nullable: true }) namespace?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'A Calico label selector over the endpoint labels, e.g. app == "web".',
  })
  selector?: string | null;
  @Field(() => String, { nullable: true, description: 'Substring of the endpoint name.' }) search?:
    string | null;
}
