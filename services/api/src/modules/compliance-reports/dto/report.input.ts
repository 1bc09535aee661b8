// Inputs of the compliance-reports mutations. Specs are validated by report-definition.ts (the
// same rules as GlobalReport YAML); the zod schemas here check the rest at the edge.
import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { ReportScopeInput, ReportTypeEnum } from '../models/report.model.js';

@InputType('CreateReportDefinitionInput', { description: 'A new report definition.' })
export class CreateReportDefinitionInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Its name: a DNS subdomain, unique in the organisation.' })
  name!: string;
  @Field(() => ReportTypeEnum, { description: 'What it computes.' }) type!: ReportTypeEnum;
  @Field(() => ReportScopeInput, { nullable: true, description: 'Which endpoints it covers (default all).' })
  scope?: ReportScopeInput | null;
  @Field(() => String, {
    description: 'Five-field cron in UTC, at most 12 ticks an hour (ticks at least 5 minutes apart).',
  })
  schedule!: string;
  @Field(() => Boolean, { nullable: true, description: 'Start suspended (default false).' })
  suspend?: boolean | null;
}

@InputType('UpdateReportDefinitionInput', {
  description: 'Changes to a report definition; omitted fields keep their value.',
})
export class UpdateReportDefinitionInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Name of the definition.' }) name!: string;
  @Field(() => ReportTypeEnum, { nullable: true, description: 'What it computes.' })
  type?: ReportTypeEnum | null;
  @Field(() => ReportScopeInput, { nullable: true, description: 'The whole new scope (replaces the old).' })
  scope?: ReportScopeInput | null;
  @Field(() => String, { nullable: true, description: 'New cron schedule.' }) schedule?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Stop (true) or resume (false) scheduled runs.' })
  suspend?: boolean | null;
}

@InputType('DeleteReportDefinitionInput', { description: 'Names the report definition to delete.' })
export class DeleteReportDefinitionInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Name of the definition.' }) name!: string;
}

@InputType('ApplyGlobalReportsInput', {
  description:
    'GlobalReport YAML to apply as kubectl apply does: creates or updates each document, all or nothing.',
})
export class ApplyGlobalReportsInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, {
    description:
      'One or more projectcalico.org/v3 GlobalReport documents; Palisade’s cluster selector goes in the palisade.io/cluster-selector annotation.',
  })
  yaml!: string;
}

@InputType('RunReportInput', { description: 'An on-demand run of a definition for a past interval.' })
export class RunReportInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'Name of the definition.' }) name!: string;
  @Field(() => Date, { description: 'Start of the interval (inclusive).' }) start!: Date;
  @Field(() => Date, { description: 'End of the interval (exclusive); not in the future.' }) end!: Date;
}

/** Longest interval a run may cover (Calico's archived data is kept 91 days by default). */
export const MAX_RUN_INTERVAL_MS = 92 * 86_400_000;

export const nameSchema = z.string().min(1, 'must not be empty').max(253, 'must be at most 253 characters');

export const runSchema = z
  .object({
    orgSlug: z.string(),
    name: nameSchema,
    start: z.date({ error: 'must be a date-time' }),
    end: z.date({ error: 'must be a date-time' }),
  })
  .superRefine((v, ctx) => {
    if (v.end.getTime() > Date.now())
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be in the future' });
    if (v.start.getTime() >= v.end.getTime())
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'must be before end' });
    else if (v.end.getTime() - v.start.getTime() > MAX_RUN_INTERVAL_MS)
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'the interval must be at most 92 days' });
  });
