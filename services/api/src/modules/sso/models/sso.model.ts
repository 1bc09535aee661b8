import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';

export enum SsoConnectionKind {
  OIDC = 'oidc',
  SAML = 'saml',
}
registerEnumType(SsoConnectionKind, {
  name: 'SsoProtocol',
  description: 'The protocol an organisation’s identity provider speaks.',
  valuesMap: {
    OIDC: { description: 'OpenID Connect: authorization code flow with PKCE.' },
    SAML: { description: 'SAML 2.0: HTTP-Redirect requests, HTTP-POST responses, signed assertions.' },
  },
});

export enum SsoRoleChange {
  GRANT = 'GRANT',
  UPDATE = 'UPDATE',
  REMOVE = 'REMOVE',
  KEEP = 'KEEP',
  NONE = 'NONE',
}
registerEnumType(SsoRoleChange, {
  name: 'SsoRoleChange',
  description: 'What the next sign-in would do to a person’s membership.',
  valuesMap: {
    GRANT: { description: 'Not a member now; would become one.' },
    UPDATE: { description: 'Member now; the role would change.' },
    REMOVE: { description: 'Member now; would lose the membership (no group maps).' },
    KEEP: { description: 'Member now; the role stays.' },
    NONE: { description: 'Not a member now, and would not become one.' },
  },
});

@ObjectType('SsoGroupMapping', { description: 'One IdP group and the role it grants.' })
export class SsoGroupMappingModel {
  @Field(() => String, { description: 'The group as the IdP sends it (exact match).' }) groupName!: string;
  @Field(() => RoleEnum, { description: 'The role it grants: ADMIN, EDITOR, AUDITOR or VIEWER.' })
  role!: RoleEnum;
}

@ObjectType('SsoOidcSettings', { description: 'How Palisade talks to an OpenID Connect IdP.' })
export class SsoOidcSettingsModel {
  @Field(() => String, {
    description: 'The issuer URL (its discovery document is at /.well-known/openid-configuration).',
  })
  issuer!: string;
  @Field(() => String, { description: 'The client id Palisade uses at the IdP.' }) clientId!: string;
  @Field(() => [String], { description: 'Scopes requested at sign-in.' }) scopes!: string[];
  @Field(() => String, { description: 'The redirect URI to register at the IdP for this connection.' })
  redirectUri!: string;
}

@ObjectType('SsoSamlSettings', { description: 'How Palisade talks to a SAML 2.0 IdP, and what to give it.' })
export class SsoSamlSettingsModel {
  @Field(() => String, { description: 'The IdP’s entity id, from its metadata.' }) idpEntityId!: string;
  @Field(() => String, { description: 'The IdP’s single sign-on URL (HTTP-Redirect), from its metadata.' })
  idpSsoUrl!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Where the metadata was fetched from; null when pasted.',
  })
  metadataUrl!: string | null;
  @Field(() => Int, { description: 'Clock skew allowed when checking assertion times, 0–300 seconds.' })
  clockSkewSeconds!: number;
  @Field(() => String, { description: 'Palisade’s entity id for this connection (the audience).' })
  spEntityId!: string;
  @Field(() => String, { description: 'Palisade’s SP metadata for this connection, to give the IdP.' })
  spMetadataUrl!: string;
  @Field(() => String, { description: 'The assertion consumer service URL (HTTP-POST).' }) acsUrl!: string;
}

@ObjectType('SsoIdentityProvider', {
  description: 'An SSO connection: an organisation’s own identity provider.',
})
export class SsoConnectionModel {
  @Field(() => ID, { description: 'Stable id of the connection.' }) id!: string;
  @Field(() => SsoConnectionKind, { description: 'OIDC or SAML.' }) kind!: SsoConnectionKind;
  @Field(() => String, { description: 'A name owners recognise it by, unique in the organisation.' })
  name!: string;
  @Field(() => Boolean, { description: 'Whether sign-in through it is allowed.' }) enabled!: boolean;
  @Field(() => String, { description: 'The claim (OIDC) or attribute (SAML) holding the person’s groups.' })
  groupsClaim!: string;
  @Field(() => SsoOidcSettingsModel, {
    nullable: true,
    description: 'Set for OIDC connections. The client secret is never shown.',
  })
  oidc!: SsoOidcSettingsModel | null;
  @Field(() => SsoSamlSettingsModel, { nullable: true, description: 'Set for SAML connections.' })
  saml!: SsoSamlSettingsModel | null;
  @Field(() => [SsoGroupMappingModel], {
    description:
      'Group → role mappings evaluated at every sign-in; with none, sign-in changes no membership.',
  })
  groupMappings!: SsoGroupMappingModel[];
  @Field(() => Date, { description: 'When it was created.' }) createdAt!: Date;
  @Field(() => Date, { description: 'When its settings last changed.' }) updatedAt!: Date;
}

@ObjectType('SsoDomain', { description: 'An email domain the organisation claims for single sign-on.' })
export class SsoDomainModel {
  @Field(() => ID, { description: 'Stable id of the domain entry.' }) id!: string;
  @Field(() => String, { description: 'The domain, lower case.' }) domain!: string;
  @Field(() => Boolean, { description: 'Whether the DNS proof was found.' }) verified!: boolean;
  @Field(() => Date, { nullable: true, description: 'When the DNS proof was found.' })
  verifiedAt!: Date | null;
  @Field(() => String, { description: 'The DNS name of the TXT record that proves the domain.' })
  proofRecordName!: string;
  @Field(() => String, { description: 'The value that TXT record must hold.' }) proofRecordValue!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'SsoIdentityProvider.id that people of this domain are sent to.',
  })
  connectionId!: string | null;
  @Field(() => Boolean, {
    description:
      'Whether people of this domain must sign in through the connection (owners keep an audited break-glass path).',
  })
  requireSso!: boolean;
  @Field(() => Date, { description: 'When it was added.' }) createdAt!: Date;
}

@ObjectType('SsoRolePreviewRow', { description: 'What the next sign-in would make of one person.' })
export class SsoRolePreviewRowModel {
  @Field(() => String, { description: 'The person’s email.' }) email!: string;
  @Field(() => [String], { description: 'The groups their IdP sent at their last sign-in.' })
  groups!: string[];
  @Field(() => RoleEnum, { nullable: true, description: 'Their role now; null when not a member.' })
  currentRole!: RoleEnum | null;
  @Field(() => RoleEnum, { nullable: true, description: 'Their role after the next sign-in; null for none.' })
  resultingRole!: RoleEnum | null;
  @Field(() => SsoRoleChange, { description: 'The change in one word.' }) change!: SsoRoleChange;
}
