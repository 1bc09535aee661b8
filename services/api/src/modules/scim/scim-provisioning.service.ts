// SCIM 2.0 Users and Groups for one organisation (RFC 7643/7644; decisions 0111 and 0112), over
// SCIMMY's schemas, filters and PatchOp. What it owns and promises:
//  - a SCIM user is the organisation's record of a Palisade person, linked by email (the primary
//    email, else userName); the person's own email and name stay theirs (other organisations see
//    them) — SCIM never rewrites them;
//  - active users are members; deactivating (active=false, or DELETE) removes the membership at once
//    and, when it was the person's last organisation, ends all their sessions; their GraphQL
//    sockets are re-checked within a second (AccessRevocations). The last owner is never removed;
//  - once an owner maps any SCIM group to a role, the roles of SCIM-provisioned members follow
//    their groups (the highest mapped role, viewer when none); until then roles are Palisade's;
//  - every change and its audit event commit together; a refused request changes nothing.
import { Inject, Injectable } from '@nestjs/common';
import SCIMMY from 'scimmy';
import { SCIM_LIMITS } from '../../config/limits.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Actor, OrgSummary } from '../../platform/access/principal.js';
import { isRole, type Role } from '../../platform/access/roles.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AccessRevocations } from '../../platform/auth/access-revocations.js';
import { Database, type Tx } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/errors/pg-errors.js';
import { scimError } from './scim-errors.js';
import { groupFilterWhere, parseFilter, userFilterWhere } from './scim-filter.js';
import { ScimRepository, type ScimGroupRow, type ScimUserRow } from './scim.repository.js';

export interface ScimCaller {
  org: OrgSummary;
  tokenId: string;
  /** Absolute base of this organisation's SCIM endpoint, for meta.location and $ref. */
  base: string;
}

export interface ListQuery {
  filter?: string | undefined;
  startIndex?: string | undefined;
  count?: string | undefined;
  attributes?: string | undefined;
  excludedAttributes?: string | undefined;
}

type Json = Record<string, unknown>;
type AttributeFilter = SCIMMY.Types.Filter | undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Highest first: the role a member in several mapped groups gets. */
const ROLE_RANK: readonly Role[] = ['owner', 'admin', 'editor', 'auditor', 'viewer'];

export function scimActor(caller: ScimCaller): Actor {
  return { type: 'token', id: caller.tokenId, label: 'scim' };
}

export function highestRole(roles: readonly (string | null)[]): Role | null {
  for (const r of ROLE_RANK) if (roles.includes(r)) return r;
  return null;
}

function json(v: unknown): Json {
  return JSON.parse(JSON.stringify(v)) as Json;
}

/** Library errors about the payload (TypeError from SCIMMY's coercion) are the client's: 400. */
function coerce<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SCIMMY.Types.Error) throw err;
    throw scimError(400, 'invalidValue', (err as Error).message);
  }
}

/** Entra ID sends booleans as "True"/"False" strings in PATCH; RFC 7643 says boolean. */
function normalisePatch(body: unknown): unknown {
  if (!body || typeof body !== 'object' || !Array.isArray((body as Json)['Operations'])) return body;
  const asBool = (v: unknown) =>
    typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v;
  const ops = ((body as Json)['Operations'] as unknown[]).map((op) => {
    if (!op || typeof op !== 'object') return op;
    const o = { ...(op as Json) };
    if (typeof o['path'] === 'string' && o['path'].toLowerCase() === 'active')
      o['value'] = asBool(o['value']);
    const value = o['value'];
    if (value && typeof value === 'object' && !Array.isArray(value) && 'active' in value)
      o['value'] = { ...(value as Json), active: asBool((value as Json)['active']) };
    return o;
  });
  return { ...(body as Json), Operations: ops };
}

function listParams(q: ListQuery): { skip: number; take: number; startIndex: number } {
  const int = (v: string | undefined, name: string, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    if (!/^-?\d+$/.test(v)) throw scimError(400, 'invalidValue', `${name} must be an integer`);
    return Number(v);
  };
  const startIndex = Math.max(1, int(q.startIndex, 'startIndex', 1));
  const take = Math.min(Math.max(0, int(q.count, 'count', SCIM_LIMITS.defaultCount)), SCIM_LIMITS.maxCount);
  return { skip: startIndex - 1, take, startIndex };
}

/** The attributes / excludedAttributes query parameters, parsed by SCIMMY's resource type. */
function attributesOf(q: ListQuery): AttributeFilter {
  const params: Json = {};
  if (q.attributes !== undefined) params['attributes'] = q.attributes;
  if (q.excludedAttributes !== undefined) params['excludedAttributes'] = q.excludedAttributes;
  const UserResource = SCIMMY.Resources.User as unknown as new (p: Json) => {
    attributes?: SCIMMY.Types.Filter;
  };
  return coerce(() => new UserResource(params).attributes);
}

function listBody(resources: unknown[], total: number, startIndex: number): Json {
  return {
    schemas: [SCIMMY.Messages.ListResponse.id],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

@Injectable()
export class ScimProvisioningService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(ScimRepository) private readonly repo: ScimRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(AccessRevocations) private readonly revocations: AccessRevocations,
  ) {}

  // ── output ──

  userOut(caller: ScimCaller, row: ScimUserRow, attributes?: AttributeFilter): Json {
    const resource = {
      ...(row.resource as Json),
      id: row.id,
      userName: row.userName,
      active: row.active,
      ...(row.externalId !== null ? { externalId: row.externalId } : {}),
      groups: row.groups.map((m) => ({
        value: m.group.id,
        display: m.group.displayName,
        $ref: `${caller.base}/Groups/${m.group.id}`,
        type: 'direct',
      })),
      meta: { created: row.createdAt, lastModified: row.updatedAt },
    };
    return json(new SCIMMY.Schemas.User(resource, 'out', `${caller.base}/Users`, attributes));
  }

  groupOut(caller: ScimCaller, row: ScimGroupRow, attributes?: AttributeFilter): Json {
    const resource = {
      schemas: [SCIMMY.Schemas.Group.id],
      id: row.id,
      displayName: row.displayName,
      ...(row.externalId !== null ? { externalId: row.externalId } : {}),
      members: row.members.map((m) => ({
        value: m.user.id,
        display: m.user.userName,
        $ref: `${caller.base}/Users/${m.user.id}`,
        type: 'User',
      })),
      meta: { created: row.createdAt, lastModified: row.updatedAt },
    };
    return json(new SCIMMY.Schemas.Group(resource, 'out', `${caller.base}/Groups`, attributes));
  }

  // ── users ──

  async listUsers(caller: ScimCaller, q: ListQuery): Promise<Json> {
    const where = q.filter !== undefined ? userFilterWhere(parseFilter(q.filter)) : {};
    const attributes = attributesOf(q);
    const { skip, take, startIndex } = listParams(q);
    const [rows, total] = await this.db.inOrg({ orgId: caller.org.id }, (tx) =>
      this.repo.listUsers(tx, caller.org.id, where, skip, take),
    );
    return listBody(
      rows.map((r) => this.userOut(caller, r, attributes)),
      total,
      startIndex,
    );
  }

  async getUser(caller: ScimCaller, id: string, q: ListQuery): Promise<Json> {
    const attributes = attributesOf(q);
    const row = await this.db.inOrg({ orgId: caller.org.id }, (tx) => this.requireUser(tx, caller, id));
    return this.userOut(caller, row, attributes);
  }

  createUser(caller: ScimCaller, body: unknown): Promise<Json> {
    const instance = coerce(() => new SCIMMY.Schemas.User(body as Json, 'in'));
    return this.write(caller, (tx) => this.writeUser(tx, caller, null, json(instance)));
  }

  replaceUser(caller: ScimCaller, id: string, body: unknown): Promise<Json> {
    const instance = coerce(() => new SCIMMY.Schemas.User(body as Json, 'in'));
    return this.write(caller, async (tx) =>
      this.writeUser(tx, caller, await this.requireUser(tx, caller, id), json(instance)),
    );
  }

  patchUser(caller: ScimCaller, id: string, body: unknown): Promise<Json> {
    const patch = coerce(() => new SCIMMY.Messages.PatchOp(normalisePatch(body) as never));
    return this.write(caller, async (tx) => {
      const existing = await this.requireUser(tx, caller, id);
      const current = new SCIMMY.Schemas.User(this.userOut(caller, existing), 'out');
      let written: { out: Json; revoked: string[] } = { out: this.userOut(caller, existing), revoked: [] };
      await coercePatch(() =>
        patch.apply(current, async (patched) => {
          const instance = coerce(() => new SCIMMY.Schemas.User(json(patched), 'in'));
          written = await this.writeUser(tx, caller, existing, json(instance));
          return written.out;
        }),
      );
      return written;
    });
  }

  deleteUser(caller: ScimCaller, id: string): Promise<void> {
    return this.write(caller, async (tx) => {
      const existing = await this.requireUser(tx, caller, id);
      const access = await this.revokeAccess(tx, caller, existing.userId);
      await this.repo.deleteUser(tx, caller.org.id, existing.id);
      await this.audit.append(tx, caller.org.id, scimActor(caller), {
        action: 'scim.user.delete',
        targetType: 'scim_user',
        targetId: existing.id,
        before: { userName: existing.userName, active: existing.active },
        after: access,
      });
      return { out: undefined, revoked: access.membershipRemoved ? [existing.userId] : [] };
    });
  }

  // ── groups ──

  async listGroups(caller: ScimCaller, q: ListQuery): Promise<Json> {
    const where = q.filter !== undefined ? groupFilterWhere(parseFilter(q.filter)) : {};
    const attributes = attributesOf(q);
    const { skip, take, startIndex } = listParams(q);
    const [rows, total] = await this.db.inOrg({ orgId: caller.org.id }, (tx) =>
      this.repo.listGroups(tx, caller.org.id, where, skip, take),
    );
    return listBody(
      rows.map((r) => this.groupOut(caller, r, attributes)),
      total,
      startIndex,
    );
  }

  async getGroup(caller: ScimCaller, id: string, q: ListQuery): Promise<Json> {
    const attributes = attributesOf(q);
    const row = await this.db.inOrg({ orgId: caller.org.id }, (tx) => this.requireGroup(tx, caller, id));
    return this.groupOut(caller, row, attributes);
  }

  createGroup(caller: ScimCaller, body: unknown): Promise<Json> {
    const instance = coerce(() => new SCIMMY.Schemas.Group(body as Json, 'in'));
    return this.write(caller, (tx) => this.writeGroup(tx, caller, null, json(instance)));
  }

  replaceGroup(caller: ScimCaller, id: string, body: unknown): Promise<Json> {
    const instance = coerce(() => new SCIMMY.Schemas.Group(body as Json, 'in'));
    return this.write(caller, async (tx) =>
      this.writeGroup(tx, caller, await this.requireGroup(tx, caller, id), json(instance)),
    );
  }

  patchGroup(caller: ScimCaller, id: string, body: unknown): Promise<Json> {
    const patch = coerce(() => new SCIMMY.Messages.PatchOp(body as never));
    return this.write(caller, async (tx) => {
      const existing = await this.requireGroup(tx, caller, id);
      const current = new SCIMMY.Schemas.Group(this.groupOut(caller, existing), 'out');
      let written: { out: Json; revoked: string[] } = { out: this.groupOut(caller, existing), revoked: [] };
      await coercePatch(() =>
        patch.apply(current, async (patched) => {
          const instance = coerce(() => new SCIMMY.Schemas.Group(json(patched), 'in'));
          written = await this.writeGroup(tx, caller, existing, json(instance));
          return written.out;
        }),
      );
      return written;
    });
  }

  deleteGroup(caller: ScimCaller, id: string): Promise<void> {
    return this.write(caller, async (tx) => {
      const existing = await this.requireGroup(tx, caller, id);
      const memberIds = existing.members.map((m) => m.user.id);
      await this.repo.deleteGroup(tx, caller.org.id, existing.id);
      await this.audit.append(tx, caller.org.id, scimActor(caller), {
        action: 'scim.group.delete',
        targetType: 'scim_group',
        targetId: existing.id,
        before: { displayName: existing.displayName, role: existing.role, members: memberIds.length },
      });
      const revoked = existing.role !== null ? await this.syncRoles(tx, caller, memberIds) : [];
      return { out: undefined, revoked };
    });
  }

  // ── internals ──

  /** One transaction; once it commits, the users whose access changed have their sockets re-checked. */
  private async write<T>(
    caller: ScimCaller,
    fn: (tx: Tx) => Promise<{ out: T; revoked: string[] }>,
  ): Promise<T> {
    let result: { out: T; revoked: string[] };
    try {
      result = await this.db.inOrg({ orgId: caller.org.id }, fn);
    } catch (err) {
      if (isUniqueViolation(err))
        throw scimError(409, 'uniqueness', 'a resource with this userName or displayName already exists');
      throw err;
    }
    if (result.revoked.length) await this.revocations.publish(result.revoked);
    return result.out;
  }

  private async requireUser(tx: Tx, caller: ScimCaller, id: string): Promise<ScimUserRow> {
    const row = UUID.test(id) ? await this.repo.findUser(tx, caller.org.id, id.toLowerCase()) : null;
    if (!row) throw scimError(404, null, `no user ${id} in this organisation`);
    return row;
  }

  private async requireGroup(tx: Tx, caller: ScimCaller, id: string): Promise<ScimGroupRow> {
    const row = UUID.test(id) ? await this.repo.findGroup(tx, caller.org.id, id.toLowerCase()) : null;
    if (!row) throw scimError(404, null, `no group ${id} in this organisation`);
    return row;
  }

  private async writeUser(
    tx: Tx,
    caller: ScimCaller,
    existing: ScimUserRow | null,
    instance: Json,
  ): Promise<{ out: Json; revoked: string[] }> {
    const orgId = caller.org.id;
    const userName = String(instance['userName']);
    const active = instance['active'] !== false;
    const externalId = typeof instance['externalId'] === 'string' ? instance['externalId'] : null;
    const displayName = displayNameOf(instance);
    const { id: _id, meta: _meta, groups: _groups, ...stored } = instance;
    const clash = await this.repo.findUserByUserName(tx, orgId, userName);
    if (clash && clash.id !== existing?.id)
      throw scimError(409, 'uniqueness', `userName "${userName}" is already taken by user ${clash.id}`);
    const data = { userName, externalId, displayName, active, resource: stored as Prisma.InputJsonValue };

    let row: ScimUserRow;
    if (existing) {
      row = await this.repo.updateUser(tx, orgId, existing.id, data);
    } else {
      const email = emailOf(instance);
      const person =
        (await this.repo.findPersonByEmail(tx, email)) ??
        (await this.repo.createPerson(tx, email, displayName ?? ''));
      const linked = await this.repo.findUserByPerson(tx, orgId, person.id);
      if (linked) throw scimError(409, 'uniqueness', `${email} is already provisioned as user ${linked.id}`);
      row = await this.repo.createUser(tx, orgId, { userId: person.id, ...data });
    }

    const revoked: string[] = [];
    let access: Json = {};
    if (active) {
      const role = await this.ensureMember(tx, caller, row);
      access = { role };
    } else if (existing?.active !== false) {
      access = await this.revokeAccess(tx, caller, row.userId);
      if (access['membershipRemoved']) revoked.push(row.userId);
    }
    const action = !existing
      ? 'scim.user.create'
      : existing.active && !active
        ? 'scim.user.deactivate'
        : !existing.active && active
          ? 'scim.user.reactivate'
          : 'scim.user.update';
    await this.audit.append(tx, orgId, scimActor(caller), {
      action,
      targetType: 'scim_user',
      targetId: row.id,
      ...(existing
        ? {
            before: { userName: existing.userName, externalId: existing.externalId, active: existing.active },
          }
        : {}),
      after: { userName, externalId, active, ...access },
    });
    return { out: this.userOut(caller, row), revoked };
  }

  /** Makes an active SCIM user a member (viewer, or what their mapped groups give); returns the role. */
  private async ensureMember(tx: Tx, caller: ScimCaller, row: ScimUserRow): Promise<string> {
    const orgId = caller.org.id;
    const membership = await this.repo.findMembership(tx, orgId, row.userId);
    const mapped = (await this.repo.anyMappedGroup(tx, orgId)) !== null;
    const fromGroups = mapped ? (highestRole(row.groups.map((g) => g.group.role)) ?? 'viewer') : null;
    if (!membership) {
      const role = fromGroups ?? 'viewer';
      await this.repo.addMembership(tx, orgId, row.userId, role);
      return role;
    }
    return membership.role;
  }

  /**
   * Ends the person's access to this organisation: the membership goes (never the last owner's),
   * and when it was their last organisation, every session they hold.
   */
  private async revokeAccess(
    tx: Tx,
    caller: ScimCaller,
    userId: string,
  ): Promise<{ membershipRemoved: boolean; sessionsEnded: number }> {
    const orgId = caller.org.id;
    const membership = await this.repo.findMembership(tx, orgId, userId);
    if (!membership) return { membershipRemoved: false, sessionsEnded: 0 };
    if (membership.role === 'owner') {
      const owners = await this.repo.lockOwners(tx, orgId);
      if (owners.length <= 1)
        throw scimError(
          400,
          'mutability',
          "this user is the organisation's last owner; make another member owner in Palisade before deactivating them",
        );
    }
    await this.repo.removeMembership(tx, orgId, userId);
    const others = await this.repo.otherMemberships(tx, orgId, userId);
    const sessionsEnded = others === 0 ? (await this.repo.endSessionsOf(tx, userId)).count : 0;
    return { membershipRemoved: true, sessionsEnded };
  }

  private async writeGroup(
    tx: Tx,
    caller: ScimCaller,
    existing: ScimGroupRow | null,
    instance: Json,
  ): Promise<{ out: Json; revoked: string[] }> {
    const orgId = caller.org.id;
    const displayName = String(instance['displayName']);
    const externalId = typeof instance['externalId'] === 'string' ? instance['externalId'] : null;
    const wanted = [
      ...new Set(
        ((instance['members'] as { value?: unknown }[] | undefined) ?? []).map((m) =>
          typeof m.value === 'string' ? m.value : JSON.stringify(m.value ?? ''),
        ),
      ),
    ];
    if (wanted.length > SCIM_LIMITS.maxGroupMembers)
      throw scimError(400, 'invalidValue', `a group holds at most ${SCIM_LIMITS.maxGroupMembers} members`);
    const bad = wanted.filter((v) => !UUID.test(v));
    const known = await this.repo.existingUserIds(
      tx,
      orgId,
      wanted.filter((v) => UUID.test(v)).map((v) => v.toLowerCase()),
    );
    const unknown = [...bad, ...wanted.filter((v) => UUID.test(v) && !known.has(v.toLowerCase()))];
    if (unknown.length)
      throw scimError(
        400,
        'invalidValue',
        `members: ${unknown
          .slice(0, 5)
          .map((v) => `"${v}"`)
          .join(', ')} ${unknown.length === 1 ? 'is not a user' : 'are not users'} of this organisation`,
      );
    const members = wanted.map((v) => v.toLowerCase());

    const group = existing
      ? await this.repo.updateGroup(tx, orgId, existing.id, { displayName, externalId })
      : await this.repo.createGroup(tx, orgId, { displayName, externalId });
    const before = new Set(existing?.members.map((m) => m.user.id) ?? []);
    const after = new Set(members);
    const added = members.filter((m) => !before.has(m));
    const removed = [...before].filter((m) => !after.has(m));
    await this.repo.setGroupMembers(tx, orgId, group.id, added, removed);
    await this.audit.append(tx, orgId, scimActor(caller), {
      action: existing ? 'scim.group.update' : 'scim.group.create',
      targetType: 'scim_group',
      targetId: group.id,
      ...(existing ? { before: { displayName: existing.displayName, members: before.size } } : {}),
      after: { displayName, members: after.size, added, removed },
    });
    const revoked = group.role !== null ? await this.syncRoles(tx, caller, [...added, ...removed]) : [];
    const row = await this.requireGroup(tx, caller, group.id);
    return { out: this.groupOut(caller, row), revoked };
  }

  /**
   * Brings the roles of these SCIM users' memberships in line with their mapped groups (only
   * when the organisation maps any group); never demotes the last owner. Returns the people whose
   * role changed (their sockets are re-checked).
   */
  async syncRoles(
    tx: Tx,
    caller: { org: OrgSummary; actor?: Actor } & Partial<ScimCaller>,
    scimUserIds: string[],
  ): Promise<string[]> {
    const orgId = caller.org.id;
    if (!scimUserIds.length || (await this.repo.anyMappedGroup(tx, orgId)) === null) return [];
    const actor = caller.actor ?? scimActor(caller as ScimCaller);
    const changed: string[] = [];
    for (const row of await this.repo.usersByIds(tx, orgId, scimUserIds)) {
      if (!row.active) continue;
      const membership = await this.repo.findMembership(tx, orgId, row.userId);
      if (!membership) continue;
      const target = highestRole(row.groups.map((g) => g.group.role)) ?? 'viewer';
      if (target === membership.role || !isRole(target)) continue;
      if (membership.role === 'owner' && (await this.repo.lockOwners(tx, orgId)).length <= 1) continue;
      await this.repo.setMembershipRole(tx, orgId, row.userId, target);
      await this.audit.append(tx, orgId, actor, {
        action: 'member.role.update',
        targetType: 'member',
        targetId: row.userId,
        before: { userName: row.userName, role: membership.role },
        after: { userName: row.userName, role: target, source: 'scim-groups' },
      });
      changed.push(row.userId);
    }
    return changed;
  }
}

async function coercePatch(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof SCIMMY.Types.Error) throw err;
    if (err instanceof TypeError) throw scimError(400, 'invalidValue', err.message);
    throw err;
  }
}

function displayNameOf(instance: Json): string | null {
  if (typeof instance['displayName'] === 'string') return instance['displayName'].slice(0, 256);
  const name = instance['name'] as Json | undefined;
  if (name && typeof name['formatted'] === 'string') return name['formatted'].slice(0, 256);
  const parts = [name?.['givenName'], name?.['familyName']].filter((p) => typeof p === 'string');
  return parts.length ? parts.join(' ').slice(0, 256) : null;
}

/** The email that links a SCIM user to a Palisade person: the primary email, else userName. */
function emailOf(instance: Json): string {
  const emails = (instance['emails'] as { value?: unknown; primary?: unknown }[] | undefined) ?? [];
  const primary = emails.find((e) => e.primary === true) ?? emails[0];
  const raw = typeof primary?.value === 'string' ? primary.value : instance['userName'];
  const candidate = (typeof raw === 'string' ? raw : '').trim().toLowerCase();
  if (!EMAIL.test(candidate) || candidate.length > 320)
    throw scimError(
      400,
      'invalidValue',
      'userName or the primary email must be an email address: Palisade links a SCIM user to a person by email',
    );
  return candidate;
}
