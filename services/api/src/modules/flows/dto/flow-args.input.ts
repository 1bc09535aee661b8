// Remaining flow arguments: statistics and service-graph windows, hint type, and the retention
// mutation's input.
import { Field, InputType, Int } from '@nestjs/graphql';
import { z } from 'zod';
import { RETENTION_DAYS_MAX, RETENTION_DAYS_MIN } from '../flows.service.js';

@InputType('SetFlowRetentionInput', { description: 'How long the organisation keeps flow history.' })
export class SetFlowRetentionInput {
  @Field(() => String, { description: 'The organisation.' }) orgSlug!: string;
  @Field(() => Int, { description: `Days to keep, ${RETENTION_DAYS_MIN} to ${RETENTION_DAYS_MAX}.` })
  days!: number;
}

export const setFlowRetentionSchema = z.object({
  orgSlug: z.string(),
  days: z
    .number()
    .int('must be a whole number of days')
    .min(RETENTION_DAYS_MIN, `must be at least ${RETENTION_DAYS_MIN} day`)
    .max(RETENTION_DAYS_MAX, `must be at most ${RETENTION_DAYS_MAX} days`),
});

export const namespacesSchema = z
  .array(z.string().min(1, 'must not be empty').max(253, 'at most 253 characters'))
  .max(50, 'at most 50 values')
  .nullish()
  .transform((v) => v ?? []);
