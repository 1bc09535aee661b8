import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';

@ObjectType('ScimToken', {
  description: "The organisation's live SCIM token. Its secret is shown once, at issue.",
})
export class ScimTokenModel {
  @Field(() => ID, { description: 'Stable id of the token (not its secret).' }) id!: string;
  @Field(() => String, { description: 'The first 11 characters of the secret (scim_ and 6 more).' })
  prefix!: string;
  @Field(() => Date, { description: 'When it was issued.' }) createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'Email of the owner who issued it.' })
  createdBy!: string | null;
  @Field(() => Date, { nullable: true, description: "The IdP's last request with it, to within 30 seconds." })
  lastUsedAt!: Date | null;
}

@ObjectType('ScimGroup', {
  description:
    'A group the IdP provisioned over SCIM, and the organisation role an owner mapped it to (decision 0112).',
})
export class ScimGroupModel {
  @Field(() => ID, { description: 'The SCIM id of the group, as in setScimGroupRole.' }) id!: string;
  @Field(() => String, { description: 'Its displayName at the IdP.' }) displayName!: string;
  @Field(() => Int, { description: 'How many provisioned users it holds.' }) memberCount!: number;
  @Field(() => RoleEnum, {
    nullable: true,
    description:
      'The role its members get; null when not mapped. With any group mapped, a provisioned member gets the highest role of their mapped groups (owner, admin, editor, auditor, viewer), viewer when none.',
  })
  role!: RoleEnum | null;
}

@ObjectType('ScimSettings', {
  description: "The organisation's SCIM 2.0 provisioning endpoint (decision 0111).",
})
export class ScimSettingsModel {
  @Field(() => String, {
    description:
      'The SCIM base URL to give the IdP (Okta: "SCIM connector base URL"; Entra ID: "Tenant URL").',
  })
  endpoint!: string;
  @Field(() => ScimTokenModel, { nullable: true, description: 'The live token; null while SCIM is off.' })
  token!: ScimTokenModel | null;
  @Field(() => [ScimGroupModel], { description: 'Every provisioned group, by displayName.' })
  groups!: ScimGroupModel[];
}

@ObjectType('IssueScimTokenPayload', { description: 'The new SCIM token and, this once, its secret.' })
export class IssueScimTokenPayload {
  @Field(() => ScimTokenModel, { description: 'The token as ScimSettings.token lists it.' })
  token!: ScimTokenModel;
  @Field(() => String, {
    description:
      "The secret (scim_ and 43 characters): the IdP's bearer token. Store it in the IdP now: it is stored only hashed.",
  })
  secret!: string;
}
