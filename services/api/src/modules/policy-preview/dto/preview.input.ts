// Arguments of previewPolicyChanges: the unsaved edits (multi-document YAML, structured changes,
// or the promotion of a staged policy), the flows to replay (the flow filter, whose time range
// defaults to the last 24 hours) and validation of it all, once, at the resolver.
import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';
import { FlowFilterInput, flowFilterSchema } from '../../flows/dto/flow.input.js';
import { MAX_DOCUMENT_BYTES } from '../../../config/limits.js';
import { PolicyResourceRefInput, refSchema } from '../../policies/dto/policy.input.js';
import { PolicyChangeOpEnum } from '../models/preview.model.js';

/** Edits in one preview: enough for a large change set, bounded like applyResources. */
export const MAX_CHANGES = 500;

@InputType('PolicyChangeInput', { description: 'One unsaved change: a resource to apply, or one to delete.' })
export class PolicyChangeInput {
  @Field(() => PolicyChangeOpEnum, { description: 'APPLY or DELETE.' }) op!: PolicyChangeOpEnum;
  @Field(() => JSONScalar, {
    nullable: true,
    description:
      'For APPLY: the resource as a JSON object (its cluster selector in the annotation, as stored).',
  })
  object?: unknown;
  @Field(() => PolicyResourceRefInput, { nullable: true, description: 'For DELETE: the resource.' })
  resource?: PolicyResourceRefInput | null;
}

@InputType('PreviewPolicyChangesInput', {
  description: 'Unsaved edits and the flows to replay them on; give yaml, changes, promote or several.',
})
export class PreviewPolicyChangesInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, {
    nullable: true,
    description: `Resources to create or replace, as multi-document YAML of at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB (tier changes and reordering are replacements with a new tier or order).`,
  })
  yaml?: string | null;
  @Field(() => [PolicyChangeInput], {
    nullable: true,
    description: `Structured changes, at most ${MAX_CHANGES}, applied after the YAML.`,
  })
  changes?: PolicyChangeInput[] | null;
  @Field(() => PolicyResourceRefInput, {
    nullable: true,
    description:
      'A staged policy whose promotion to preview: its enforced kind replaces (or deletes) the enforced twin.',
  })
  promote?: PolicyResourceRefInput | null;
  @Field(() => FlowFilterInput, {
    nullable: true,
    description:
      "The flows to replay: clusters narrow the edits' targets; the time range defaults to the last 24 hours and may not reach beyond retention.",
  })
  filter?: FlowFilterInput | null;
}

const change = z
  .object({
    op: z.enum(PolicyChangeOpEnum),
    object: z.unknown().optional(),
    resource: refSchema.nullish(),
  })
  .superRefine((c, ctx) => {
    if (c.op === PolicyChangeOpEnum.APPLY && (c.object === undefined || c.object === null))
      ctx.addIssue({ code: 'custom', path: ['object'], message: 'is required for APPLY' });
    if (c.op === PolicyChangeOpEnum.APPLY && JSON.stringify(c.object ?? null).length > MAX_DOCUMENT_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: ['object'],
        message: `must be at most ${MAX_DOCUMENT_BYTES} bytes`,
      });
    if (c.op === PolicyChangeOpEnum.DELETE && !c.resource)
      ctx.addIssue({ code: 'custom', path: ['resource'], message: 'is required for DELETE' });
  });

export const previewSchema = z
  .object({
    orgSlug: z.string(),
    yaml: z.string().max(MAX_DOCUMENT_BYTES, `must be at most ${MAX_DOCUMENT_BYTES} bytes`).nullish(),
    changes: z.array(change).max(MAX_CHANGES, `at most ${MAX_CHANGES} changes`).nullish(),
    promote: refSchema.nullish(),
    filter: flowFilterSchema,
  })
  .superRefine((v, ctx) => {
    if (!v.yaml && (v.changes ?? []).length === 0 && !v.promote)
      ctx.addIssue({ code: 'custom', path: ['yaml'], message: 'give yaml, changes or promote' });
  });
