import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../../../platform/graphql/connection.js';
import { JSONScalar } from '../../../platform/graphql/json.scalar.js';

export enum ActorType {
  USER = 'user',
  TOKEN = 'token',
  SYSTEM = 'system',
}
registerEnumType(ActorType, { name: 'ActorType' });

@ObjectType('AuditActor')
export class AuditActorModel {
  @Field(() => ActorType) type!: ActorType;
  @Field(() => String, { nullable: true, description: 'User id or token id.' }) id!: string | null;
  @Field(() => String, { description: 'Email of the user, or token:<name>.' }) label!: string;
}

@ObjectType('AuditEvent')
export class AuditEventModel {
  @Field(() => String, { description: "Position in the organisation's chain (1, 2, …), as a string." })
  seq!: string;
  @Field(() => Date) occurredAt!: Date;
  @Field(() => AuditActorModel) actor!: AuditActorModel;
  @Field(() => String) action!: string;
  @Field(() => String) targetType!: string;
  @Field(() => String) targetId!: string;
  @Field(() => JSONScalar, { nullable: true }) before!: unknown;
  @Field(() => JSONScalar, { nullable: true }) after!: unknown;
  @Field(() => String, { description: 'SHA-256 of this event and the previous hash, hex.' }) hash!: string;
  @Field(() => String) prevHash!: string;
}

@InputType()
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: 'Actor id, email or token:<name>.' }) actor?:
    string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Exact action, or a prefix ending in "." (e.g. "member.").',
  })
  action?: string | null;
  @Field(() => String, { nullable: true }) targetType?: string | null;
  @Field(() => String, { nullable: true }) targetId?: string | null;
  @Field(() => Date, { nullable: true, description: 'Inclusive.' }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Exclusive.' }) to?: Date | null;
}

@ObjectType('AuditChainVerification')
export class AuditChainVerificationModel {
  @Field(() => Boolean) valid!: boolean;
  @Field(() => Int) checkedEvents!: number;
  @Field(() => String, {
    nullable: true,
    description: 'Seq of the first event whose hash or link does not verify.',
  })
  firstInvalidSeq!: string | null;
  @Field(() => String, { nullable: true }) headHash!: string | null;
}

export const AuditEventConnection = Connection(AuditEventModel, 'AuditEvent');
