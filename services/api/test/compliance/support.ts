// Helpers of the compliance tests: a cluster with a stored inventory (as the gateway stores it),
// the job worker on the test's own database and Redis prefix, and polling a run to its end.
import { waitFor } from '@palisade/testing';
import { Redis } from 'ioredis';
import { loadEnv } from '../../src/config/env.js';
import { type RunningWorker, startWorker } from '../../src/worker.js';
import type { Caller, TestContext } from '../context.js';
import { expectData } from '../factories/members.js';

export interface PodSpec {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  ip: string;
  serviceAccount?: string;
}

export async function clusterWithInventory(
  ctx: TestContext,
  caller: Caller,
  slug: string,
  orgId: string,
  name: string,
  labels: Record<string, string>,
  inventory: {
    namespaces: { name: string; labels?: Record<string, string> }[];
    pods: PodSpec[];
    services?: { namespace: string; name: string; pods: string[] }[];
    /** Since when this inventory was in force (default: 30 days ago). */
    since?: Date;
  },
): Promise<string> {
  const r = expectData(
    await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
      caller,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      {
        i: { orgSlug: slug, name, labels: Object.entries(labels).map(([key, value]) => ({ key, value })) },
      },
    ),
  );
  const clusterId = r.registerCluster.cluster.id;
  const rows: [string, string, string, Record<string, string>, unknown][] = [];
  for (const n of inventory.namespaces)
    rows.push(['namespace', '', n.name, n.labels ?? {}, { name: n.name, labels: n.labels ?? {} }]);
  const accounts = new Set<string>();
  for (const p of inventory.pods) {
    const sa = p.serviceAccount ?? 'default';
    accounts.add(`${p.namespace}/${sa}`);
    rows.push([
      'endpoint',
      p.namespace,
      p.name,
      p.labels ?? {},
      {
        namespace: p.namespace,
        name: p.name,
        labels: p.labels ?? {},
        ips: [p.ip],
        ports: [],
        serviceAccount: sa,
        node: 'node-1',
      },
    ]);
  }
  for (const a of accounts) {
    const [ns = '', sa = ''] = a.split('/');
    rows.push(['service_account', ns, sa, {}, { namespace: ns, name: sa, labels: {} }]);
  }
  for (const s of inventory.services ?? []) {
    const ips = s.pods.map(
      (p) => inventory.pods.find((x) => x.namespace === s.namespace && x.name === p)!.ip,
    );
    rows.push([
      'service',
      s.namespace,
      s.name,
      {},
      {
        namespace: s.namespace,
        name: s.name,
        labels: {},
        selector: {},
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
        clusterIps: ['10.96.0.10'],
        endpoints: s.pods.map((p, i) => ({ ip: ips[i], pod: p, ready: true })),
      },
    ]);
  }
  for (const [kind, ns, n, l, data] of rows)
    await ctx.sql(
      'INSERT INTO cluster_inventory (org_id, cluster_id, kind, namespace, name, labels, data) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [orgId, clusterId, kind, ns, n, JSON.stringify(l), JSON.stringify(data)],
    );
  // The triggers recorded the rows as reported now; the cluster has been running like this since
  // `since` (reports look at past intervals).
  await ctx.sql('UPDATE cluster_inventory_history SET valid_from = $2 WHERE cluster_id = $1', [
    clusterId,
    inventory.since ?? new Date(Date.now() - 30 * 86_400_000),
  ]);
  return clusterId;
}

/** The job worker as its entrypoint starts it, consuming the jobs the test's API enqueues. */
export async function startTestWorker(ctx: TestContext): Promise<RunningWorker> {
  return startWorker(
    loadEnv({
      NODE_ENV: 'test',
      DATABASE_URL: ctx.env.DATABASE_URL,
      DATABASE_ADMIN_URL: ctx.env.DATABASE_ADMIN_URL,
      REDIS_URL: ctx.env.REDIS_URL,
      REDIS_PREFIX: ctx.env.REDIS_PREFIX,
      LOG_LEVEL: 'silent',
    }),
  );
}

/** Deletes every Redis key under the test's prefix. */
export async function clearRedis(ctx: TestContext): Promise<void> {
  const redis = new Redis(ctx.env.REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${ctx.env.REDIS_PREFIX}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface RunView {
  id: string;
  status: string;
  progress: number;
  attempts: number;
  error: string | null;
  trigger: string;
  intervalStart: string;
  intervalEnd: string;
}

export const RUN_FIELDS = 'id status progress attempts error trigger intervalStart intervalEnd';

/** Polls a run until it has finished (succeeded or failed). */
export function finished(ctx: TestContext, caller: Caller, slug: string, runId: string): Promise<RunView> {
  return waitFor(
    async () => {
      const r = await ctx.gql<{ organization: { reportRun: RunView } }>(
        caller,
        `query($s: String!, $id: String!) { organization(slug: $s) { reportRun(id: $id) { ${RUN_FIELDS} } } }`,
        { s: slug, id: runId },
      );
      const run = r.data?.organization.reportRun;
      return run && (run.status === 'SUCCEEDED' || run.status === 'FAILED') ? run : null;
    },
    `report run ${runId} to finish`,
    60_000,
  );
}
