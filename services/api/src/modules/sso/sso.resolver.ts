// GraphQL for single sign-on (owners only): Organization.ssoConnections, ssoDomains and
// ssoRolePreview, and the mutations that change them (each writes one audit event).
import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import {
  AddSsoDomainInput,
  CreateSsoConnectionInput,
  SetSsoGroupMappingsInput,
  SsoConnectionRefInput,
  SsoDomainRefInput,
  SsoGroupMappingInput,
  UpdateSsoConnectionInput,
  UpdateSsoDomainInput,
  addSsoDomainSchema,
  connectionRefSchema,
  createSsoConnectionSchema,
  domainRefSchema,
  mappingsSchema,
  setSsoGroupMappingsSchema,
  updateSsoConnectionSchema,
  updateSsoDomainSchema,
} from './dto/sso.input.js';
import { SsoConnectionModel, SsoDomainModel, SsoRolePreviewRowModel } from './models/sso.model.js';
import { SsoService, type ConnectionView, type DomainView, type PreviewRow } from './sso.service.js';
import { z } from 'zod';

const conn = (v: ConnectionView) => v as unknown as SsoConnectionModel;
const dom = (v: DomainView) => v;
const ROLES = 'Roles: owner.';

@Resolver(() => OrganizationModel)
export class SsoResolver {
  constructor(@Inject(SsoService) private readonly sso: SsoService) {}

  @ResolveField('ssoConnections', () => [SsoConnectionModel], {
    description: `The organisation's own identity providers (at most 10), oldest first. ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async ssoConnections(@Scope() scope: OrgScope) {
    return (await this.sso.connections(scope)).map(conn);
  }

  @ResolveField('ssoDomains', () => [SsoDomainModel], {
    description: `Email domains the organisation claims for single sign-on (at most 50), by name. ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async ssoDomains(@Scope() scope: OrgScope) {
    return (await this.sso.domains(scope)).map(dom);
  }

  @ResolveField('ssoRolePreview', () => [SsoRolePreviewRowModel], {
    description: `Dry run: the role each person who signed in through the connection would get at their next sign-in, from the groups their IdP last sent, under the given mappings (or the stored ones). At most 500 people, by email. Changes nothing. ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async ssoRolePreview(
    @Args('connectionId', { type: () => ID, description: 'SsoIdentityProvider.id.' }) connectionId: string,
    @Args('mappings', {
      type: () => [SsoGroupMappingInput],
      nullable: true,
      description: 'Mappings to try instead of the stored ones.',
    })
    mappings: SsoGroupMappingInput[] | null,
    @Scope() scope: OrgScope,
  ): Promise<PreviewRow[]> {
    const id = validateInput(z.uuid('is not a connection id'), connectionId, 'connectionId');
    const proposed = mappings ? validateInput(mappingsSchema, mappings, 'mappings') : null;
    return this.sso.rolePreview(scope, id, proposed);
  }

  @Mutation(() => SsoConnectionModel, {
    description: `Connect an OIDC or SAML identity provider; it is checked (discovery, metadata) before it is saved. ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async createSsoConnection(
    @Args('input', { type: () => CreateSsoConnectionInput, description: 'The connection.' })
    input: CreateSsoConnectionInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(createSsoConnectionSchema, input);
    return conn(
      await this.sso.createConnection(scope, {
        name: v.name,
        groupsClaim: v.groupsClaim,
        ...(v.oidc ? { oidc: v.oidc } : {}),
        ...(v.saml ? { saml: v.saml } : {}),
      }),
    );
  }

  @Mutation(() => SsoConnectionModel, { description: `Change an SSO connection. ${ROLES}` })
  @RequirePermission('sso:manage')
  async updateSsoConnection(
    @Args('input', { type: () => UpdateSsoConnectionInput, description: 'The changes.' })
    input: UpdateSsoConnectionInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(updateSsoConnectionSchema, input);
    return conn(
      await this.sso.updateConnection(scope, v.connectionId, {
        name: v.name,
        enabled: v.enabled,
        groupsClaim: v.groupsClaim,
        oidc: v.oidc,
        saml: v.saml,
      }),
    );
  }

  @Mutation(() => SsoConnectionModel, {
    description: `Delete an SSO connection, its mappings and identities (not while a domain requires it). ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async deleteSsoConnection(
    @Args('input', { type: () => SsoConnectionRefInput, description: 'The connection.' })
    input: SsoConnectionRefInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(connectionRefSchema, input);
    return conn(await this.sso.deleteConnection(scope, v.connectionId));
  }

  @Mutation(() => SsoConnectionModel, {
    description: `Replace a connection's group → role mappings; they apply at each person's next sign-in. ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async setSsoGroupMappings(
    @Args('input', { type: () => SetSsoGroupMappingsInput, description: 'The mappings.' })
    input: SetSsoGroupMappingsInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(setSsoGroupMappingsSchema, input);
    return conn(await this.sso.setGroupMappings(scope, v.connectionId, v.mappings));
  }

  @Mutation(() => SsoDomainModel, {
    description: `Claim an email domain; prove it with the TXT record shown, then verifySsoDomain. ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async addSsoDomain(
    @Args('input', { type: () => AddSsoDomainInput, description: 'The domain.' }) input: AddSsoDomainInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(addSsoDomainSchema, input);
    return dom(await this.sso.addDomain(scope, v.domain));
  }

  @Mutation(() => SsoDomainModel, {
    description: `Look up the domain's TXT record and mark it verified when it holds the proof (PRECONDITION_FAILED otherwise). ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async verifySsoDomain(
    @Args('input', { type: () => SsoDomainRefInput, description: 'The domain.' }) input: SsoDomainRefInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(domainRefSchema, input);
    return dom(await this.sso.verifyDomain(scope, v.domainId));
  }

  @Mutation(() => SsoDomainModel, {
    description: `Route a domain to a connection and require SSO for it, or not. ${ROLES}`,
  })
  @RequirePermission('sso:manage')
  async updateSsoDomain(
    @Args('input', { type: () => UpdateSsoDomainInput, description: 'The changes.' })
    input: UpdateSsoDomainInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(updateSsoDomainSchema, input);
    return dom(
      await this.sso.updateDomain(scope, v.domainId, {
        ...(v.connectionId !== undefined ? { connectionId: v.connectionId } : {}),
        requireSso: v.requireSso,
      }),
    );
  }

  @Mutation(() => SsoDomainModel, { description: `Give up a claimed domain. ${ROLES}` })
  @RequirePermission('sso:manage')
  async removeSsoDomain(
    @Args('input', { type: () => SsoDomainRefInput, description: 'The domain.' }) input: SsoDomainRefInput,
    @Scope() scope: OrgScope,
  ) {
    const v = validateInput(domainRefSchema, input);
    return dom(await this.sso.removeDomain(scope, v.domainId));
  }
}
