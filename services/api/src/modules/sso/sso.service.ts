// Owners' management of single sign-on: connections (OIDC, SAML), verified domains and group
// mappings, plus the dry-run role preview. Every change writes its audit event in the same
// transaction; a connection is checked against its IdP (OIDC discovery, SAML metadata) before it
// is stored, so a saved connection is one that can be used. Secrets never leave this service:
// the OIDC client secret is sealed on the way in and only the sign-in path opens it.
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  domainProofRecordName,
  domainProofRecordValue,
  type Role,
  type SsoMappableRole,
} from '@palisade/access';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { SSO_LIMITS } from '../../config/limits.js';
import { Database, type Tx } from '../../platform/db/database.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AppError } from '../../platform/errors/app-error.js';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import { openSecret, sealSecret } from '../../platform/auth/sealed-secrets.js';
import { DomainProofResolver } from './domain-proof.js';
import { roleForGroups, type GroupMapping } from './group-mapping.js';
import { MetadataError, parseIdpMetadata, type IdpMetadata } from './saml-metadata.js';
import { SsoOidc, type OidcConnectionSettings } from './sso-oidc.js';
import { SsoSaml, type SamlConnectionSettings } from './sso-saml.js';
import { SsoRepository, type ConnectionRow, type DomainRow } from './sso.repository.js';

export interface OidcSettingsInput {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  scopes: string[];
}
export interface SamlSettingsInput {
  metadataXml?: string | undefined;
  metadataUrl?: string | undefined;
  clockSkewSeconds?: number | undefined;
}

export interface ConnectionView {
  id: string;
  kind: 'oidc' | 'saml';
  name: string;
  enabled: boolean;
  groupsClaim: string;
  createdAt: Date;
  updatedAt: Date;
  groupMappings: { groupName: string; role: SsoMappableRole }[];
  oidc: { issuer: string; clientId: string; scopes: string[]; redirectUri: string } | null;
  saml: {
    idpEntityId: string;
    idpSsoUrl: string;
    metadataUrl: string | null;
    clockSkewSeconds: number;
    spEntityId: string;
    spMetadataUrl: string;
    acsUrl: string;
  } | null;
}

export interface DomainView {
  id: string;
  domain: string;
  verified: boolean;
  verifiedAt: Date | null;
  proofRecordName: string;
  proofRecordValue: string;
  connectionId: string | null;
  requireSso: boolean;
  createdAt: Date;
}

export interface PreviewRow {
  email: string;
  groups: string[];
  currentRole: Role | null;
  resultingRole: Role | null;
  change: 'GRANT' | 'UPDATE' | 'REMOVE' | 'KEEP' | 'NONE';
}

const secretAad = (connectionId: string) => `sso-oidc-secret:${connectionId}`;

export function domainView(d: DomainRow): DomainView {
  return {
    id: d.id,
    domain: d.domain,
    verified: d.verifiedAt !== null,
    verifiedAt: d.verifiedAt,
    proofRecordName: domainProofRecordName(d.domain),
    proofRecordValue: domainProofRecordValue(d.proofToken),
    connectionId: d.connectionId,
    requireSso: d.requireSso,
    createdAt: d.createdAt,
  };
}

@Injectable()
export class SsoService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(SsoRepository) private readonly repo: SsoRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(SsoOidc) private readonly oidc: SsoOidc,
    @Inject(SsoSaml) private readonly saml: SsoSaml,
    @Inject(DomainProofResolver) private readonly dns: DomainProofResolver,
    @Inject(ENV) private readonly env: Env,
  ) {}

  // ---- views and settings ----

  connectionView(
    c: ConnectionRow,
    mappings: readonly { groupName: string; role: string }[] = [],
  ): ConnectionView {
    return {
      groupMappings: mappings.map((m) => ({ groupName: m.groupName, role: m.role as SsoMappableRole })),
      id: c.id,
      kind: c.kind as 'oidc' | 'saml',
      name: c.name,
      enabled: c.enabled,
      groupsClaim: c.groupsClaim,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      oidc:
        c.kind === 'oidc'
          ? {
              issuer: c.oidcIssuer ?? '',
              clientId: c.oidcClientId ?? '',
              scopes: (c.oidcScopes ?? '').split(' ').filter(Boolean),
              redirectUri: this.oidc.redirectUri(c.id),
            }
          : null,
      saml:
        c.kind === 'saml'
          ? {
              idpEntityId: c.samlIdpEntityId ?? '',
              idpSsoUrl: c.samlIdpSsoUrl ?? '',
              metadataUrl: c.samlMetadataUrl,
              clockSkewSeconds: c.samlClockSkewSeconds,
              spEntityId: this.saml.entityId(c.id),
              spMetadataUrl: this.saml.entityId(c.id),
              acsUrl: this.saml.acsUrl(c.id),
            }
          : null,
    };
  }

  oidcSettings(c: ConnectionRow): OidcConnectionSettings {
    return {
      id: c.id,
      updatedAt: c.updatedAt,
      issuer: c.oidcIssuer ?? '',
      clientId: c.oidcClientId ?? '',
      clientSecret: openSecret(
        this.env.evidenceKeyEncryptionKey,
        secretAad(c.id),
        c.oidcClientSecretEnc ?? new Uint8Array(),
      ),
      scopes: c.oidcScopes ?? 'openid email profile',
      groupsClaim: c.groupsClaim,
    };
  }

  samlSettings(c: ConnectionRow): SamlConnectionSettings {
    return {
      id: c.id,
      idpEntityId: c.samlIdpEntityId ?? '',
      idpSsoUrl: c.samlIdpSsoUrl ?? '',
      idpCerts: Array.isArray(c.samlIdpCerts) ? (c.samlIdpCerts as string[]) : [],
      clockSkewSeconds: c.samlClockSkewSeconds,
      groupsAttribute: c.groupsClaim,
    };
  }

  /** A connection for sign-in, found by id before any organisation is known; null when unknown. */
  async connectionForSignIn(connectionId: string): Promise<ConnectionRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(connectionId)) return null;
    const orgId = await this.db.global((tx) => this.repo.orgOfConnection(tx, connectionId));
    if (!orgId) return null;
    return this.db.inOrg({ orgId }, (tx) => this.repo.connection(tx, orgId, connectionId));
  }

  /** Where sign-in for this email goes: the organisation's connection, or null (platform sign-in). */
  async route(domain: string) {
    return this.db.global((tx) => this.repo.routeDomain(tx, domain));
  }

  // ---- reads ----

  connections(scope: OrgScope): Promise<ConnectionView[]> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const mappings = await this.repo.mappingsOfOrg(tx, scope.orgId);
      return (await this.repo.connections(tx, scope.orgId)).map((c) =>
        this.connectionView(
          c,
          mappings.filter((m) => m.connectionId === c.id),
        ),
      );
    });
  }

  domains(scope: OrgScope): Promise<DomainView[]> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) =>
      (await this.repo.domains(tx, scope.orgId)).map(domainView),
    );
  }

  mappingsOfOrg(scope: OrgScope) {
    return this.db.inOrg({ orgId: scope.orgId }, (tx) => this.repo.mappingsOfOrg(tx, scope.orgId));
  }

  // ---- connections ----

  async createConnection(
    scope: OrgScope,
    input: { name: string; groupsClaim: string; oidc?: OidcSettingsInput; saml?: SamlSettingsInput },
  ): Promise<ConnectionView> {
    const prepared = await this.prepareKind(input, null);
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      if ((await this.repo.countConnections(tx, scope.orgId)) >= SSO_LIMITS.maxConnections)
        throw new AppError(
          'PRECONDITION_FAILED',
          `an organisation has at most ${SSO_LIMITS.maxConnections} SSO connections`,
        );
      await this.assertNameFree(tx, scope.orgId, input.name, null);
      const row = await this.repo.createConnection(tx, scope.orgId, {
        kind: input.oidc ? 'oidc' : 'saml',
        name: input.name,
        groupsClaim: input.groupsClaim,
        ...prepared.columns,
        // Sealed below, once the row's id (the associated data) exists.
        ...(input.oidc ? { oidcClientSecretEnc: new Uint8Array([0]) } : {}),
      });
      const sealed = input.oidc
        ? await this.repo.updateConnection(tx, scope.orgId, row.id, {
            oidcClientSecretEnc: new Uint8Array(
              sealSecret(this.env.evidenceKeyEncryptionKey, secretAad(row.id), input.oidc.clientSecret ?? ''),
            ),
          })
        : row;
      const view = this.connectionView(sealed);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'sso.connection.create',
        targetType: 'sso_connection',
        targetId: row.id,
        after: this.auditShape(view),
      });
      return view;
    });
  }

  async updateConnection(
    scope: OrgScope,
    id: string,
    input: {
      name?: string | undefined;
      enabled?: boolean | undefined;
      groupsClaim?: string | undefined;
      oidc?: OidcSettingsInput | undefined;
      saml?: SamlSettingsInput | undefined;
    },
  ): Promise<ConnectionView> {
    const existing = await this.db.inOrg({ orgId: scope.orgId }, (tx) =>
      this.repo.connection(tx, scope.orgId, id),
    );
    if (!existing) throw AppError.notFound('SSO connection');
    if (input.oidc && existing.kind !== 'oidc')
      throw AppError.validation([{ path: ['input', 'oidc'], message: 'this is a SAML connection' }]);
    if (input.saml && existing.kind !== 'saml')
      throw AppError.validation([{ path: ['input', 'saml'], message: 'this is an OIDC connection' }]);
    const prepared = input.oidc || input.saml ? await this.prepareKind(input, existing) : { columns: {} };
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const before = await this.repo.connection(tx, scope.orgId, id);
      if (!before) throw AppError.notFound('SSO connection');
      if (input.name !== undefined) await this.assertNameFree(tx, scope.orgId, input.name, id);
      const row = await this.repo.updateConnection(tx, scope.orgId, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.groupsClaim !== undefined ? { groupsClaim: input.groupsClaim } : {}),
        ...prepared.columns,
        ...(input.oidc?.clientSecret
          ? {
              oidcClientSecretEnc: new Uint8Array(
                sealSecret(this.env.evidenceKeyEncryptionKey, secretAad(id), input.oidc.clientSecret),
              ),
            }
          : {}),
      });
      const view = this.connectionView(row, await this.repo.mappings(tx, scope.orgId, id));
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'sso.connection.update',
        targetType: 'sso_connection',
        targetId: id,
        before: this.auditShape(this.connectionView(before)),
        after: { ...this.auditShape(view), clientSecretChanged: Boolean(input.oidc?.clientSecret) },
      });
      return view;
    });
  }

  async deleteConnection(scope: OrgScope, id: string): Promise<ConnectionView> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const existing = await this.repo.connection(tx, scope.orgId, id);
      if (!existing) throw AppError.notFound('SSO connection');
      const requiring = (await this.repo.domains(tx, scope.orgId)).filter(
        (d) => d.connectionId === id && d.requireSso,
      );
      if (requiring.length > 0)
        throw new AppError(
          'PRECONDITION_FAILED',
          `the connection is the required sign-in for ${requiring.map((d) => d.domain).join(', ')}; turn off "require SSO" there first`,
        );
      const view = this.connectionView(existing, await this.repo.mappings(tx, scope.orgId, id));
      await this.repo.deleteConnection(tx, scope.orgId, id);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'sso.connection.delete',
        targetType: 'sso_connection',
        targetId: id,
        before: this.auditShape(view),
      });
      return view;
    });
  }

  // ---- domains ----

  async addDomain(scope: OrgScope, domain: string): Promise<DomainView> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      if (await this.repo.domainByName(tx, scope.orgId, domain))
        throw new AppError('CONFLICT', `${domain} is already listed for this organisation`);
      if ((await this.repo.countDomains(tx, scope.orgId)) >= SSO_LIMITS.maxDomains)
        throw new AppError(
          'PRECONDITION_FAILED',
          `an organisation has at most ${SSO_LIMITS.maxDomains} domains`,
        );
      const row = await this.repo.createDomain(tx, scope.orgId, {
        domain,
        proofToken: randomBytes(24).toString('base64url'),
      });
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'sso.domain.add',
        targetType: 'sso_domain',
        targetId: row.id,
        after: { domain },
      });
      return domainView(row);
    });
  }

  async verifyDomain(scope: OrgScope, id: string): Promise<DomainView> {
    const existing = await this.db.inOrg({ orgId: scope.orgId }, (tx) =>
      this.repo.domain(tx, scope.orgId, id),
    );
    if (!existing) throw AppError.notFound('domain');
    if (existing.verifiedAt) return domainView(existing);
    const name = domainProofRecordName(existing.domain);
    const want = domainProofRecordValue(existing.proofToken);
    let records: string[];
    try {
      records = await this.dns.txt(name);
    } catch (err) {
      throw new AppError('UNAVAILABLE', `the DNS lookup of ${name} failed: ${(err as Error).message}`);
    }
    if (!records.includes(want))
      throw new AppError(
        'PRECONDITION_FAILED',
        records.length === 0
          ? `no TXT record at ${name}: add one holding "${want}" and try again`
          : `the TXT records at ${name} do not include "${want}"`,
      );
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      if ((await this.repo.routeDomain(tx, existing.domain)) !== null)
        throw new AppError('CONFLICT', `${existing.domain} is already verified by another organisation`);
      const row = await this.repo.updateDomain(tx, scope.orgId, id, { verifiedAt: new Date() });
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'sso.domain.verify',
        targetType: 'sso_domain',
        targetId: id,
        after: { domain: row.domain, proof: { record: name, value: want } },
      });
      return domainView(row);
    });
  }

  async updateDomain(
    scope: OrgScope,
    id: string,
    input: { connectionId?: string | null | undefined; requireSso?: boolean | undefined },
  ): Promise<DomainView> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const before = await this.repo.domain(tx, scope.orgId, id);
      if (!before) throw AppError.notFound('domain');
      if (input.connectionId && !(await this.repo.connection(tx, scope.orgId, input.connectionId)))
        throw AppError.validation([
          { path: ['input', 'connectionId'], message: 'is not an SSO connection of this organisation' },
        ]);
      const connectionId = input.connectionId !== undefined ? input.connectionId : before.connectionId;
      const requireSso = input.requireSso ?? before.requireSso;
      if (requireSso && (!before.verifiedAt || !connectionId))
        throw AppError.validation([
          {
            path: ['input', 'requireSso'],
            message: !before.verifiedAt
              ? 'the domain must be verified before SSO can be required'
              : 'the domain needs a connection before SSO can be required',
          },
        ]);
      const row = await this.repo.updateDomain(tx, scope.orgId, id, { connectionId, requireSso });
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'sso.domain.update',
        targetType: 'sso_domain',
        targetId: id,
        before: { domain: before.domain, connectionId: before.connectionId, requireSso: before.requireSso },
        after: { domain: row.domain, connectionId: row.connectionId, requireSso: row.requireSso },
      });
      return domainView(row);
    });
  }

  async removeDomain(scope: OrgScope, id: string): Promise<DomainView> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const before = await this.repo.domain(tx, scope.orgId, id);
      if (!before) throw AppError.notFound('domain');
      await this.repo.deleteDomain(tx, scope.orgId, id);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'sso.domain.remove',
        targetType: 'sso_domain',
        targetId: id,
        before: {
          domain: before.domain,
          verified: before.verifiedAt !== null,
          requireSso: before.requireSso,
        },
      });
      return domainView(before);
    });
  }

  // ---- group mappings ----

  async setGroupMappings(
    scope: OrgScope,
    connectionId: string,
    mappings: readonly { groupName: string; role: SsoMappableRole }[],
  ): Promise<ConnectionView> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const connection = await this.repo.connection(tx, scope.orgId, connectionId);
      if (!connection) throw AppError.notFound('SSO connection');
      const before = await this.repo.mappings(tx, scope.orgId, connectionId);
      await this.repo.replaceMappings(tx, scope.orgId, connectionId, mappings);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'sso.group_mappings.set',
        targetType: 'sso_connection',
        targetId: connectionId,
        before: before.map((m) => ({ group: m.groupName, role: m.role })),
        after: mappings.map((m) => ({ group: m.groupName, role: m.role })),
      });
      return this.connectionView(connection, await this.repo.mappings(tx, scope.orgId, connectionId));
    });
  }

  /**
   * Dry run: what the given mappings (or the stored ones) would make of every person who has
   * signed in through the connection, from the groups their IdP sent last time. Changes nothing.
   */
  async rolePreview(
    scope: OrgScope,
    connectionId: string,
    proposed: readonly GroupMapping[] | null,
  ): Promise<PreviewRow[]> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const connection = await this.repo.connection(tx, scope.orgId, connectionId);
      if (!connection) throw AppError.notFound('SSO connection');
      const mappings =
        proposed ?? ((await this.repo.mappings(tx, scope.orgId, connectionId)) as GroupMapping[]);
      const rows = await this.repo.identitiesWithRoles(
        tx,
        scope.orgId,
        connectionId,
        SSO_LIMITS.maxPreviewIdentities,
      );
      return rows.map((r) => {
        const groups = Array.isArray(r.last_groups) ? (r.last_groups as string[]) : [];
        const current = (r.role as Role | null) ?? null;
        const resulting: Role | null =
          current === 'owner' || mappings.length === 0 ? current : roleForGroups(mappings, groups);
        const change: PreviewRow['change'] =
          current === resulting
            ? current === null
              ? 'NONE'
              : 'KEEP'
            : current === null
              ? 'GRANT'
              : resulting === null
                ? 'REMOVE'
                : 'UPDATE';
        return { email: r.email, groups, currentRole: current, resultingRole: resulting, change };
      });
    });
  }

  // ---- helpers ----

  private auditShape(v: ConnectionView) {
    return {
      name: v.name,
      kind: v.kind,
      enabled: v.enabled,
      groupsClaim: v.groupsClaim,
      oidc: v.oidc,
      saml: v.saml,
    };
  }

  private async assertNameFree(tx: Tx, orgId: string, name: string, self: string | null) {
    const other = await this.repo.connectionByName(tx, orgId, name);
    if (other && other.id !== self)
      throw new AppError('CONFLICT', `an SSO connection named "${name}" already exists`, [
        { path: ['input', 'name'], message: 'is already used by another connection' },
      ]);
  }

  /** Checks the IdP side of a new or changed connection and returns the columns to store. */
  private async prepareKind(
    input: { oidc?: OidcSettingsInput | undefined; saml?: SamlSettingsInput | undefined },
    existing: ConnectionRow | null,
  ): Promise<{ columns: Record<string, unknown> }> {
    if (input.oidc) {
      const secret = input.oidc.clientSecret ?? (existing ? this.oidcSettings(existing).clientSecret : '');
      try {
        await this.oidc.discover({
          issuer: input.oidc.issuer,
          clientId: input.oidc.clientId,
          clientSecret: secret,
          scopes: input.oidc.scopes.join(' '),
          groupsClaim: 'groups',
        });
      } catch (err) {
        throw AppError.validation([
          {
            path: ['input', 'oidc', 'issuer'],
            message: `OpenID Connect discovery failed: ${(err as Error).message}`,
          },
        ]);
      }
      return {
        columns: {
          oidcIssuer: input.oidc.issuer,
          oidcClientId: input.oidc.clientId,
          oidcScopes: input.oidc.scopes.join(' '),
        },
      };
    }
    const saml = input.saml ?? {};
    let xml = saml.metadataXml;
    let field = 'metadataXml';
    if (!xml && saml.metadataUrl) {
      field = 'metadataUrl';
      xml = await this.fetchMetadata(saml.metadataUrl);
    }
    if (!xml) {
      if (existing && saml.clockSkewSeconds !== undefined)
        return { columns: { samlClockSkewSeconds: saml.clockSkewSeconds } };
      throw AppError.validation([
        { path: ['input', 'saml'], message: 'give the IdP metadata as metadataXml or metadataUrl' },
      ]);
    }
    let meta: IdpMetadata;
    try {
      meta = parseIdpMetadata(xml);
    } catch (err) {
      if (err instanceof MetadataError)
        throw AppError.validation([{ path: ['input', 'saml', field], message: err.message }]);
      throw err;
    }
    return {
      columns: {
        samlMetadataXml: xml,
        samlMetadataUrl: saml.metadataXml ? null : (saml.metadataUrl ?? null),
        samlIdpEntityId: meta.entityId,
        samlIdpSsoUrl: meta.ssoUrl,
        samlIdpCerts: meta.certs,
        ...(saml.clockSkewSeconds !== undefined ? { samlClockSkewSeconds: saml.clockSkewSeconds } : {}),
      },
    };
  }

  private async fetchMetadata(url: string): Promise<string> {
    const bad = (message: string) =>
      AppError.validation([{ path: ['input', 'saml', 'metadataUrl'], message }]);
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(SSO_LIMITS.fetchTimeoutMs), redirect: 'follow' });
    } catch (err) {
      throw bad(`could not fetch the metadata: ${(err as Error).message}`);
    }
    if (!res.ok) throw bad(`fetching the metadata answered HTTP ${res.status}`);
    const text = await res.text();
    if (Buffer.byteLength(text) > SSO_LIMITS.maxMetadataBytes)
      throw bad(`the metadata is larger than ${SSO_LIMITS.maxMetadataBytes} bytes`);
    return text;
  }
}
