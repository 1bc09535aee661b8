import { Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  SSO_CONNECTION_NAME_MAX_LENGTH,
  SSO_GROUP_NAME_MAX_LENGTH,
  SSO_MAPPABLE_ROLES,
  isEmailDomain,
} from '@palisade/access';
import { z } from 'zod';
import { SSO_LIMITS } from '../../../config/limits.js';
import { RoleEnum } from '../../../platform/graphql/role.enum.js';

@InputType({ description: 'An OpenID Connect IdP.' })
export class SsoOidcInput {
  @Field(() => String, { description: 'Issuer URL; its /.well-known/openid-configuration must answer.' })
  issuer!: string;
  @Field(() => String, { description: 'Client id registered at the IdP.' }) clientId!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Client secret; stored encrypted, never shown again. Required when creating; omit to keep it.',
  })
  clientSecret?: string | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Scopes to request; default openid email profile. Must include openid.',
  })
  scopes?: string[] | null;
}

@InputType({ description: 'A SAML 2.0 IdP, by its metadata.' })
export class SsoSamlInput {
  @Field(() => String, { nullable: true, description: 'The IdP metadata XML (or give metadataUrl).' })
  metadataXml?: string | null;
  @Field(() => String, { nullable: true, description: 'Where to fetch the IdP metadata (https).' })
  metadataUrl?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: `Clock skew allowed, 0–${SSO_LIMITS.maxClockSkewSeconds} seconds (default ${SSO_LIMITS.defaultClockSkewSeconds}).`,
  })
  clockSkewSeconds?: number | null;
}

@InputType({ description: 'A new SSO connection: exactly one of oidc and saml.' })
export class CreateSsoConnectionInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'A name, 1 to 100 characters, unique in the organisation.' })
  name!: string;
  @Field(() => String, { nullable: true, description: 'Claim or attribute holding groups (default groups).' })
  groupsClaim?: string | null;
  @Field(() => SsoOidcInput, { nullable: true, description: 'For an OpenID Connect IdP.' })
  oidc?: SsoOidcInput | null;
  @Field(() => SsoSamlInput, { nullable: true, description: 'For a SAML 2.0 IdP.' })
  saml?: SsoSamlInput | null;
}

@InputType({ description: 'Changes to an SSO connection; omitted fields stay.' })
export class UpdateSsoConnectionInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'SsoIdentityProvider.id.' }) connectionId!: string;
  @Field(() => String, { nullable: true, description: 'A new name.' }) name?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Allow or stop sign-in through it.' }) enabled?:
    boolean | null;
  @Field(() => String, { nullable: true, description: 'Claim or attribute holding groups.' }) groupsClaim?:
    string | null;
  @Field(() => SsoOidcInput, { nullable: true, description: 'New OIDC settings (OIDC connections only).' })
  oidc?: SsoOidcInput | null;
  @Field(() => SsoSamlInput, { nullable: true, description: 'New SAML settings (SAML connections only).' })
  saml?: SsoSamlInput | null;
}

@InputType({ description: 'An SSO connection.' })
export class SsoConnectionRefInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'SsoIdentityProvider.id.' }) connectionId!: string;
}

@InputType({ description: 'One group → role mapping.' })
export class SsoGroupMappingInput {
  @Field(() => String, { description: 'The group as the IdP sends it, 1 to 256 characters.' })
  groupName!: string;
  @Field(() => RoleEnum, { description: 'ADMIN, EDITOR, AUDITOR or VIEWER (never OWNER).' }) role!: RoleEnum;
}

@InputType({ description: 'All group mappings of a connection (replaces the current ones).' })
export class SetSsoGroupMappingsInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'SsoIdentityProvider.id.' }) connectionId!: string;
  @Field(() => [SsoGroupMappingInput], {
    description: `At most ${SSO_LIMITS.maxMappingsPerConnection}; group names unique.`,
  })
  mappings!: SsoGroupMappingInput[];
}

@InputType({ description: 'An email domain to claim.' })
export class AddSsoDomainInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => String, { description: 'The domain, e.g. example.com.' }) domain!: string;
}

@InputType({ description: 'A claimed email domain.' })
export class SsoDomainRefInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'SsoDomain.id.' }) domainId!: string;
}

@InputType({ description: 'Routing and enforcement of a domain; omitted fields stay.' })
export class UpdateSsoDomainInput {
  @Field(() => String, { description: 'Slug of the organisation.' }) orgSlug!: string;
  @Field(() => ID, { description: 'SsoDomain.id.' }) domainId!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'SsoIdentityProvider.id to route to; null to route nowhere.',
  })
  connectionId?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Require SSO (needs a verified domain and a connection).',
  })
  requireSso?: boolean | null;
}

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(SSO_CONNECTION_NAME_MAX_LENGTH, `must be at most ${SSO_CONNECTION_NAME_MAX_LENGTH} characters`);
const claim = z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const oidc = z.object({
  issuer: httpUrl,
  clientId: z.string().trim().min(1, 'must not be empty').max(512),
  clientSecret: z
    .string()
    .min(1, 'must not be empty')
    .max(4096)
    .nullish()
    .transform((v) => v ?? undefined),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'is not a valid scope'))
    .max(30)
    .nullish()
    .transform((v) => v ?? ['openid', 'email', 'profile'])
    .refine((v) => v.includes('openid'), 'must include openid'),
});
const saml = z.object({
  metadataXml: z
    .string()
    .min(1)
    .max(SSO_LIMITS.maxMetadataBytes, 'is too large')
    .nullish()
    .transform((v) => v ?? undefined),
  metadataUrl: httpUrl.nullish().transform((v) => v ?? undefined),
  clockSkewSeconds: z
    .number()
    .int()
    .min(0, 'must be at least 0')
    .max(SSO_LIMITS.maxClockSkewSeconds, `must be at most ${SSO_LIMITS.maxClockSkewSeconds}`)
    .nullish()
    .transform((v) => v ?? undefined),
});
const uuid = (what: string) => z.uuid(`is not ${what}`);

export const createSsoConnectionSchema = z
  .object({
    orgSlug: z.string(),
    name,
    groupsClaim: claim.nullish().transform((v) => v ?? 'groups'),
    oidc: oidc.nullish().transform((v) => v ?? undefined),
    saml: saml.nullish().transform((v) => v ?? undefined),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.oidc) === Boolean(v.saml))
      ctx.addIssue({ code: 'custom', path: ['oidc'], message: 'give exactly one of oidc and saml' });
    if (v.oidc && !v.oidc.clientSecret)
      ctx.addIssue({
        code: 'custom',
        path: ['oidc', 'clientSecret'],
        message: 'is required for a new connection',
      });
  });

export const updateSsoConnectionSchema = z
  .object({
    orgSlug: z.string(),
    connectionId: uuid('a connection id'),
    name: name.nullish().transform((v) => v ?? undefined),
    enabled: z
      .boolean()
      .nullish()
      .transform((v) => v ?? undefined),
    groupsClaim: claim.nullish().transform((v) => v ?? undefined),
    oidc: oidc.nullish().transform((v) => v ?? undefined),
    saml: saml.nullish().transform((v) => v ?? undefined),
  })
  .superRefine((v, ctx) => {
    if (v.oidc && v.saml)
      ctx.addIssue({ code: 'custom', path: ['oidc'], message: 'give at most one of oidc and saml' });
  });

export const connectionRefSchema = z.object({ orgSlug: z.string(), connectionId: uuid('a connection id') });

export const mappingsSchema = z
  .array(
    z.object({
      groupName: z
        .string()
        .min(1, 'must not be empty')
        .max(SSO_GROUP_NAME_MAX_LENGTH, `must be at most ${SSO_GROUP_NAME_MAX_LENGTH} characters`),
      role: z.enum(SSO_MAPPABLE_ROLES, { error: 'must be ADMIN, EDITOR, AUDITOR or VIEWER' }),
    }),
  )
  .max(SSO_LIMITS.maxMappingsPerConnection, `at most ${SSO_LIMITS.maxMappingsPerConnection} mappings`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((m, i) => {
      if (seen.has(m.groupName))
        ctx.addIssue({ code: 'custom', path: [i, 'groupName'], message: 'is mapped twice' });
      seen.add(m.groupName);
    });
  });

export const setSsoGroupMappingsSchema = z.object({
  orgSlug: z.string(),
  connectionId: uuid('a connection id'),
  mappings: mappingsSchema,
});

export const addSsoDomainSchema = z.object({
  orgSlug: z.string(),
  domain: z.string().trim().toLowerCase().refine(isEmailDomain, 'is not a domain name such as example.com'),
});

export const domainRefSchema = z.object({ orgSlug: z.string(), domainId: uuid('a domain id') });

export const updateSsoDomainSchema = z.object({
  orgSlug: z.string(),
  domainId: uuid('a domain id'),
  connectionId: uuid('a connection id').nullish(),
  requireSso: z
    .boolean()
    .nullish()
    .transform((v) => v ?? undefined),
});
