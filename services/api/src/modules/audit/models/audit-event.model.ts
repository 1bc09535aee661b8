import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../../../platform/graphql/connection.js';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';

export enum ActorType {
  USER = 'user',
  TOKEN = 'token',
  SYSTEM = 'system',
}
registerEnumType(ActorType, {
  name: 'ActorType',
  description: 'Who made a change.',
  valuesMap: {
    USER: { description: 'A signed-in user.' },
    TOKEN: { description: 'An API token.' },
    SYSTEM: { description: 'Palisade itself or an operator (the admin command).' },
  },
});

@ObjectType('AuditActor', { description: 'Who made a change, as recorded at the time.' })
export class AuditActorModel {
  @Field(() => ActorType, { description: 'User, API token or system.' }) type!: ActorType;
  @Field(() => String, { nullable: true, description: 'User id or API token id; null for SYSTEM.' }) id!:
    string | null;
  @Field(() => String, {
    description: 'Email of the user, token:<name> for an API token, or a name such as admin-cli for SYSTEM.',
  })
  label!: string;
}

@ObjectType('AuditEvent', {
  description:
    'One entry of the append-only, hash-chained audit log, written in the same transaction as the change it records.',
})
export class AuditEventModel {
  @Field(() => String, { description: "Position in the organisation's chain (1, 2, …), as a string." })
  seq!: string;
  @Field(() => Date, { description: 'When the change was committed.' }) occurredAt!: Date;
  @Field(() => AuditActorModel, { description: 'Who made it.' }) actor!: AuditActorModel;
  @Field(() => String, {
    description:
      'What happened, as <target>.<verb>, e.g. policy.update, member.role.update, api_token.create.',
  })
  action!: string;
  @Field(() => String, {
    description:
      'Kind of the changed object: organization, member, invitation, api_token, cluster, policy_resource, report_definition or report_run.',
  })
  targetType!: string;
  @Field(() => String, { description: 'Id of the changed object.' }) targetId!: string;
  @Field(() => JSONScalar, {
    nullable: true,
    description: 'The target before the change (the fields the action concerns); null for a creation.',
  })
  before!: unknown;
  @Field(() => JSONScalar, {
    nullable: true,
    description: 'The target after the change (the fields the action concerns); null for a deletion.',
  })
  after!: unknown;
  @Field(() => String, { description: 'SHA-256 over the previous hash and this event, 64 hex characters.' })
  hash!: string;
  @Field(() => String, {
    description: "Hash of the previous event (64 hex characters; zeros for the organisation's first event).",
  })
  prevHash!: string;
}

@InputType({ description: 'Narrows Organization.auditEvents; every given field must match.' })
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: 'Actor id, email or token:<name>.' }) actor?:
    string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Exact action, or a prefix ending in "." (e.g. "member.").',
  })
  action?: string | null;
  @Field(() => String, { nullable: true, description: 'Exact AuditEvent.targetType.' }) targetType?:
    string | null;
  @Field(() => String, { nullable: true, description: 'Exact AuditEvent.targetId.' }) targetId?:
    string | null;
  @Field(() => Date, { nullable: true, description: 'Events at or after this time (inclusive).' })
  from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Events before this time (exclusive).' })
  to?: Date | null;
}

@ObjectType('AuditChainVerification', { description: 'The result of recomputing the audit hash chain.' })
export class AuditChainVerificationModel {
  @Field(() => Boolean, {
    description: 'True when every event and link verifies and the head matches the last event.',
  })
  valid!: boolean;
  @Field(() => Int, { description: 'Events verified before the first failure (all of them when valid).' })
  checkedEvents!: number;
  @Field(() => String, {
    nullable: true,
    description: 'Seq of the first event whose hash or link does not verify.',
  })
  firstInvalidSeq!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Hash of the last verified event, to keep as evidence; null when the log is empty or an event failed to verify.',
  })
  headHash!: string | null;
}

export const AuditEventConnection = Connection(AuditEventModel, 'AuditEvent');
