import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { MemberModel } from '../../members/models/member.model.js';

@ObjectType('Session', {
  description: 'A signed-in browser session of the viewer (decision 0110). Its secret is never shown.',
})
export class SessionModel {
  @Field(() => ID, { description: 'Stable id of the session, as in revokeSession.' }) id!: string;
  @Field(() => Boolean, { description: 'True for the session making this request.' }) current!: boolean;
  @Field(() => Date, { description: 'When it was opened (sign-in).' }) createdAt!: Date;
  @Field(() => Date, {
    description: 'Its last request, to within 30 seconds; idle timeouts are measured from it.',
  })
  lastSeenAt!: Date;
  @Field(() => Date, { description: 'When it ends at the latest (the platform session lifetime).' })
  expiresAt!: Date;
  @Field(() => String, { nullable: true, description: 'The browser it was opened from (User-Agent).' })
  userAgent!: string | null;
  @Field(() => String, { nullable: true, description: 'The client address it was opened from.' })
  ip!: string | null;
}

@ObjectType('SessionPolicy', {
  description:
    "How long a session may reach the organisation: at most maxLifetimeMinutes after sign-in and idleTimeoutMinutes after its last request. A session past either is ended when it next reaches the organisation. Null: no limit beyond the platform's session lifetime.",
})
export class SessionPolicyModel {
  @Field(() => Int, { nullable: true, description: 'Minutes after sign-in; null for no limit of its own.' })
  maxLifetimeMinutes!: number | null;
  @Field(() => Int, { nullable: true, description: 'Minutes without a request; null for no idle limit.' })
  idleTimeoutMinutes!: number | null;
  @Field(() => Date, { nullable: true, description: 'When an owner last changed it; null if never.' })
  updatedAt!: Date | null;
  /** Not in the schema: lets AccessGuard scope fields under this object. */
  orgId!: string;
}

@ObjectType('EndMemberSessionsPayload', { description: 'The member whose sessions ended, and how many.' })
export class EndMemberSessionsPayload {
  @Field(() => MemberModel, { description: 'The member.' }) member!: MemberModel;
  @Field(() => Int, { description: 'How many sessions were ended (0 when they had none).' })
  endedSessions!: number;
}
