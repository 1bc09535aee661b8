// Clusters: registration (a one-time enrollment token, 24 h), labels, deletion (revokes the
// credential and closes the tunnel), status from the gateway lease, inventory (filtered and paged
// here) and live requests.
// Knows nothing of GraphQL.
import { Inject, Injectable } from '@nestjs/common';
import {
  compileSelector,
  labelsFromRecord,
  parseSelector,
  SelectorSyntaxError,
  type LabelMatcher,
} from '@palisade/policy';
import { ENV } from '../../config/env.module.js';
import { ENROLLMENT_TTL_MS } from '../../config/limits.js';
import type { Env } from '../../config/env.js';
import { Database } from '../../platform/db/database.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AppError } from '../../platform/errors/app-error.js';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import { checkClusterLabels, describeScope } from '../../platform/access/access-scope.js';
import { isScoped } from '../../platform/access/roles.js';
import { randomSecret, sha256 } from '../../platform/auth/secrets.js';
import type { Cluster } from '../../generated/prisma/client.js';
import { ClusterRouter } from './cluster-router.js';
import type { ClusterLease } from './cluster-keys.js';
import { ClustersRepository } from './clusters.repository.js';
import { InstallCodes } from './install-codes.js';
import { DesiredStateService } from '../rollout/desired-state.service.js';

export const ENROLLMENT_TOKEN_PREFIX = 'pen_';

export type ClusterStatusName = 'CONNECTED' | 'DISCONNECTED' | 'NEVER_CONNECTED';

export interface ClusterView {
  id: string;
  orgId: string;
  name: string;
  labels: Record<string, string>;
  status: ClusterStatusName;
  lastSeenAt: Date | null;
  connectedSince: Date | null;
  agentVersion: string | null;
  kubernetesVersion: string | null;
  calicoVersion: string | null;
  provider: string | null;
  createdAt: Date;
  inventoryUpdatedAt: Date | null;
}

export interface NamespaceView {
  name: string;
  labels: Record<string, string>;
  endpointCount: number;
}

/** A workload endpoint as the agent reports it (the `data` of an inventory row). */
export interface EndpointView {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ips: string[];
  ports: { name: string | null; port: number; protocol: string }[];
  serviceAccount: string;
  node: string | null;
}

export interface EndpointFilter {
  namespace?: string | null | undefined;
  selector?: string | null | undefined;
  search?: string | null | undefined;
}

function endpointSelector(selector: string): LabelMatcher {
  try {
    return compileSelector(parseSelector(selector));
  } catch (err) {
    if (err instanceof SelectorSyntaxError)
      throw AppError.validation([{ path: ['selector'], message: err.message }]);
    throw err;
  }
}

export function clusterView(c: Cluster, lease: ClusterLease | undefined | null): ClusterView {
  const status: ClusterStatusName = lease
    ? 'CONNECTED'
    : c.firstConnectedAt
      ? 'DISCONNECTED'
      : 'NEVER_CONNECTED';
  return {
    id: c.id,
    orgId: c.orgId,
    name: c.name,
    labels: (c.labels ?? {}) as Record<string, string>,
    status,
    lastSeenAt: lease ? new Date(lease.lastSeenAt) : c.lastSeenAt,
    connectedSince: lease ? new Date(lease.connectedAt) : null,
    agentVersion: lease?.agentVersion ?? c.agentVersion,
    kubernetesVersion: lease?.kubernetesVersion ?? c.kubernetesVersion,
    calicoVersion: lease?.calicoVersion ?? c.calicoVersion,
    provider: lease?.provider ?? c.provider,
    createdAt: c.createdAt,
    inventoryUpdatedAt: c.inventoryUpdatedAt,
  };
}

@Injectable()
export class ClustersService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(ClustersRepository) private readonly repo: ClustersRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(ClusterRouter) private readonly router: ClusterRouter,
    @Inject(ENV) private readonly env: Env,
    @Inject(DesiredStateService) private readonly desired: DesiredStateService,
    @Inject(InstallCodes) private readonly installCodes: InstallCodes,
  ) {}

  /** The install command for `token`: its URL holds a single-use install code, never the token. */
  async installCommand(token: string): Promise<string> {
    const code = await this.installCodes.issue(token);
    return `kubectl apply -f ${new URL(`/v1/install/${code}.yaml`, this.env.PUBLIC_ORIGIN).toString()}`;
  }

  async list(scope: OrgScope, skip: number, take: number): Promise<{ rows: ClusterView[]; total: number }> {
    const [rows, total] = await this.db.read(scope, (db) => [
      this.repo.list(db, scope.orgId, skip, take),
      this.repo.count(db, scope.orgId),
    ]);
    const leases = await this.router.leases(rows.map((r) => r.id));
    return { rows: rows.map((r) => clusterView(r, leases.get(r.id))), total };
  }

  /** Several clusters by id in one read and one lease lookup (ids of other orgs are absent). */
  async viewsByIds(scope: OrgScope, ids: readonly string[]): Promise<Map<string, ClusterView>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const [rows] = await this.db.read(scope, (db) => [this.repo.findByIds(db, scope.orgId, unique)]);
    const leases = await this.router.leases(rows.map((r) => r.id));
    return new Map(rows.map((r) => [r.id, clusterView(r, leases.get(r.id))]));
  }

  async get(scope: OrgScope, name: string): Promise<ClusterView> {
    const c = await this.find(scope, name);
    return clusterView(c, await this.router.lease(c.id));
  }

  async register(
    scope: OrgScope,
    input: { name: string; labels?: Record<string, string> | null | undefined },
  ) {
    const token = `${ENROLLMENT_TOKEN_PREFIX}${randomSecret(32)}`;
    const enrollmentTokenHash = new Uint8Array(sha256(token));
    const enrollmentExpiresAt = new Date(Date.now() + ENROLLMENT_TTL_MS);
    const { cluster, rollout } = await this.db.inOrg(scope, async (tx) => {
      const existing = await this.repo.findByName(tx, scope.orgId, input.name);
      const labels = input.labels ?? undefined;
      if (isScoped(scope.access)) {
        checkClusterLabels(scope.access, labels ?? (existing?.labels as Record<string, string>) ?? {});
        const hidden =
          !existing &&
          (await Database.unrestricted(tx, () => this.repo.findByName(tx, scope.orgId, input.name)));
        if (hidden)
          throw new AppError(
            'CONFLICT',
            `a cluster of that name exists outside your access (${describeScope(scope.access)})`,
          );
      }
      const row = existing
        ? await this.repo.setEnrollment(tx, scope.orgId, existing.id, {
            ...(labels ? { labels } : {}),
            enrollmentTokenHash,
            enrollmentExpiresAt,
          })
        : await this.repo.create(tx, scope.orgId, {
            name: input.name,
            labels: labels ?? {},
            enrollmentTokenHash,
            enrollmentExpiresAt,
          });
      // Before the audit append: the policy lock is always taken before the audit head.
      const rollout = await this.desired.recompute(tx, scope.orgId, [row.id]);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: existing ? 'cluster.reregister' : 'cluster.register',
        targetType: 'cluster',
        targetId: row.id,
        ...(existing ? { before: { name: existing.name, labels: existing.labels } } : {}),
        after: { name: row.name, labels: row.labels, enrollmentExpiresAt },
      });
      return { cluster: row, rollout };
    });
    await this.desired.publish(rollout);
    return {
      cluster: clusterView(cluster, await this.router.lease(cluster.id)),
      token,
      enrollmentExpiresAt,
      installCommand: await this.installCommand(token),
      gatewayUrl: this.env.GATEWAY_PUBLIC_URL,
    };
  }

  async setLabels(scope: OrgScope, name: string, labels: Record<string, string>): Promise<ClusterView> {
    const { row, rollout } = await this.db.inOrg(scope, async (tx) => {
      const before = await this.repo.findByName(tx, scope.orgId, name);
      if (!before) throw AppError.notFound(`cluster ${name}`);
      checkClusterLabels(scope.access, labels);
      const after = await this.repo.setLabels(tx, scope.orgId, before.id, labels);
      const rollout = await this.desired.recompute(tx, scope.orgId, [before.id]);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'cluster.labels.update',
        targetType: 'cluster',
        targetId: before.id,
        before: { labels: before.labels },
        after: { labels: after.labels },
      });
      return { row: after, rollout };
    });
    await this.desired.publish(rollout);
    return clusterView(row, await this.router.lease(row.id));
  }

  async delete(scope: OrgScope, name: string): Promise<ClusterView> {
    const row = await this.db.inOrg(scope, async (tx) => {
      const c = await this.repo.findByName(tx, scope.orgId, name);
      if (!c) throw AppError.notFound(`cluster ${name}`);
      await this.repo.delete(tx, scope.orgId, c.id);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'cluster.delete',
        targetType: 'cluster',
        targetId: c.id,
        before: { name: c.name, labels: c.labels },
      });
      return c;
    });
    await this.router.revoke(row.id);
    return clusterView(row, null);
  }

  /** The namespaces the agent reported, by name, with their endpoint counts; `search` matches a substring of the name. */
  async namespaces(
    scope: OrgScope,
    clusterId: string,
    search: string | null,
    skip: number,
    take: number,
  ): Promise<{ rows: NamespaceView[]; total: number }> {
    const [rows, counts] = await this.db.read(scope, (db) => [
      this.repo.inventory(db, scope.orgId, clusterId, 'namespace'),
      this.repo.endpointCounts(db, scope.orgId, clusterId),
    ]);
    const endpoints = new Map(counts.map((c) => [c.namespace, c._count._all]));
    const all = rows
      .filter((r) => !search || r.name.includes(search))
      .map((r) => ({
        name: r.name,
        labels: (r.labels ?? {}) as Record<string, string>,
        endpointCount: endpoints.get(r.name) ?? 0,
      }));
    return { rows: all.slice(skip, skip + take), total: all.length };
  }

  /**
   * Workload endpoints the agent reported, by namespace and name, filtered by namespace, a label
   * selector (VALIDATION_FAILED on `selector` when it does not parse) and a substring of the name.
   */
  async endpoints(
    scope: OrgScope,
    clusterId: string,
    filter: EndpointFilter,
    skip: number,
    take: number,
  ): Promise<{ rows: EndpointView[]; total: number }> {
    const matches = filter.selector ? endpointSelector(filter.selector) : null;
    const [rows] = await this.db.read(scope, (db) => [
      this.repo.inventory(db, scope.orgId, clusterId, 'endpoint', filter.namespace ?? null),
    ]);
    const all = rows
      .map((r) => r.data as unknown as EndpointView)
      .filter(
        (e) =>
          (!filter.search || e.name.includes(filter.search)) &&
          (!matches || matches(labelsFromRecord(e.labels))),
      );
    return { rows: all.slice(skip, skip + take), total: all.length };
  }

  async agentHealth(scope: OrgScope, clusterId: string, name: string): Promise<unknown> {
    return this.router.request(clusterId, name, 'agent.health', {});
  }

  async statusEventName(scope: OrgScope, clusterId: string): Promise<string | null> {
    const [row] = await this.db.read(scope, (db) => [this.repo.findById(db, scope.orgId, clusterId)]);
    return row?.name ?? null;
  }

  private async find(scope: OrgScope, name: string): Promise<Cluster> {
    const [row] = await this.db.read(scope, (db) => [this.repo.findByName(db, scope.orgId, name)]);
    if (!row) throw AppError.notFound(`cluster ${name}`);
    return row;
  }
}
