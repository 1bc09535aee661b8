import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { SESSION_IDLE_MINUTES, SESSION_LIFETIME_MINUTES } from '@palisade/access';
import { z } from 'zod';

@InputType({ description: 'One of your own sessions to end.' })
export class RevokeSessionInput {
  @Field(() => ID, { description: 'Session.id, from Viewer.sessions.' }) sessionId!: string;
}

export const revokeSessionSchema = z.object({ sessionId: z.uuid('is not a session id') });

@InputType({ description: 'The member whose sessions to end.' })
export class EndMemberSessionsInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'User.id of the member.' }) userId!: string;
}

export const endMemberSessionsSchema = z.object({ orgSlug: z.string(), userId: z.uuid('is not a user id') });

@InputType({ description: "The organisation's session policy; null clears a limit." })
export class UpdateSessionPolicyInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => Int, {
    nullable: true,
    description: `Minutes a session may reach the organisation after sign-in, ${SESSION_LIFETIME_MINUTES.min} to ${SESSION_LIFETIME_MINUTES.max}; null for no limit of its own.`,
  })
  maxLifetimeMinutes?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: `Minutes a session may sit idle, ${SESSION_IDLE_MINUTES.min} to ${SESSION_IDLE_MINUTES.max}; null for no idle limit.`,
  })
  idleTimeoutMinutes?: number | null;
}

const minutes = (b: { min: number; max: number }) =>
  z
    .number()
    .int('must be a whole number of minutes')
    .min(b.min, `must be at least ${b.min} minutes`)
    .max(b.max, `must be at most ${b.max} minutes`)
    .nullish()
    .transform((v) => v ?? null);

export const updateSessionPolicySchema = z.object({
  orgSlug: z.string(),
  maxLifetimeMinutes: minutes(SESSION_LIFETIME_MINUTES),
  idleTimeoutMinutes: minutes(SESSION_IDLE_MINUTES),
});
