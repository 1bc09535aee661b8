// The gateway's half of decision 0009 against real Postgres and Redis, with a scripted agent: the
// desired state is pushed on connect and on a notice (and not when the agent reports having it),
// apply results become sync and per-resource rows (fenced, never backwards, pruned rows deleted,
// drift with its diff) and policy sync events, a lost notice is repaired by the sweep, and a
// gateway restart converges on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyResultMessage, JsonObject } from '@palisade/protocol';
import type { PolicySyncEvent } from '@palisade/protocol/routing';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness } from './support/harness.js';
import { connectAgent } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;
let gateway: RunningGateway;
let events: PolicySyncEvent[];

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway();
  events = await h.subscribe<PolicySyncEvent>(h.keys.policySyncEvents);
});
afterAll(async () => h.stop());

function policy(name: string, namespace = 'shop'): JsonObject {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'palisade' } },
    spec: { tier: 'default', selector: 'all()', types: ['Ingress'] },
  };
}

async function resourceRows(clusterId: string) {
  const { rows } = await h.sql.query<{
    resource_kind: string;
    namespace: string;
    name: string;
    generation: string;
    status: string;
    message: string | null;
    diff: unknown;
  }>(
    `SELECT resource_kind, namespace, name, generation, status, message, diff
       FROM cluster_resource_status WHERE cluster_id = $1 ORDER BY resource_kind, namespace, name`,
    [clusterId],
  );
  return rows;
}

const ref = (name: string, namespace: string | null = 'shop') => ({
  apiVersion: 'projectcalico.org/v3',
  kind: 'NetworkPolicy',
  namespace,
  name,
});

function okResult(generation: number, names: string[]): ApplyResultMessage {
  return {
    type: 'apply.result',
    generation,
    results: names.map((n) => ({ resource: ref(n), status: 'ok' as const })),
    drift: [],
  };
}

describe('rollout', () => {
  it('pushes on connect, stores the result, publishes, and pushes again on a notice', async () => {
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    await h.setDesired(orgId, clusterId, 1, [policy('a'), policy('b')]);
    const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    const first = await client.next('desired.state');
    expect(first.generation).toBe(1);
    expect(first.resources.map((r) => (r['metadata'] as { name: string }).name)).toEqual(['a', 'b']);
    client.send(okResult(1, ['a', 'b']));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');
    expect((await resourceRows(clusterId)).map((r) => [r.name, r.status, Number(r.generation)])).toEqual([
      ['a', 'IN_SYNC', 1],
      ['b', 'IN_SYNC', 1],
    ]);
    await waitFor(
      () => events.some((e) => e.clusterId === clusterId && e.source === 'gateway' && e.generation === 1),
      'a policy sync event',
    );

    // Generation 2 drops b; the notice is only a hint (its number is not trusted).
    await h.setDesired(orgId, clusterId, 2, [policy('a')]);
    await h.publish(h.keys.gatewayControl(gateway.gatewayId), { kind: 'desired', clusterId, generation: 99 });
    const second = await client.next('desired.state');
    expect(second.generation).toBe(2);
    client.send(okResult(2, ['a']));
    await waitFor(async () => (await h.syncRow(clusterId))?.applied_generation === '2', 'generation 2');
    expect((await resourceRows(clusterId)).map((r) => r.name)).toEqual(['a']);

    // A late report of generation 1 moves nothing backwards.
    client.send(okResult(1, ['a', 'b']));
    client.send({ ...okResult(2, ['a']), results: [{ resource: ref('a'), status: 'failed', message: 'x' }] });
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'FAILED', 'the failure');
    expect(await h.syncRow(clusterId)).toEqual({
      applied_generation: '2',
      status: 'FAILED',
      error: 'NetworkPolicy shop/a: x',
    });
    expect((await resourceRows(clusterId)).map((r) => [r.name, r.status, r.message])).toEqual([
      ['a', 'FAILED', 'x'],
    ]);
    await client.closeAndWait();
  });

  it('does not push what the agent reports having, and stores drift with its diff', async () => {
    const own = await h.gateway({ tuning: { connectReportGraceMs: 50 } });
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    await h.setDesired(orgId, clusterId, 3, [policy('a')]);
    const { client: first } = await connectAgent(h.url(own), { kind: 'credential', credential });
    await first.next('desired.state');
    first.send(okResult(3, ['a']));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');
    await first.closeAndWait();
    // Reconnecting, the agent reports its applied generation right after the welcome: no push.
    const { client } = await connectAgent(h.url(own), { kind: 'credential', credential });
    client.send(okResult(3, ['a']));
    client.send({
      type: 'apply.result',
      generation: 3,
      results: [{ resource: ref('a'), status: 'ok' }],
      drift: [
        {
          resource: ref('a'),
          drift: 'modified',
          message: 'spec.selector: desired "all()", found "app == \'x\'"',
        },
      ],
    });
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'DRIFTED', 'DRIFTED');
    const [row] = await resourceRows(clusterId);
    expect(row).toMatchObject({
      status: 'DRIFTED',
      diff: { drift: 'modified', message: 'spec.selector: desired "all()", found "app == \'x\'"' },
    });
    // Reverted: ok again, no drift.
    client.send(okResult(3, ['a']));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC again');
    expect(client.received.filter((m) => m.type === 'desired.state')).toEqual([]);
    await client.closeAndWait();
  });

  it('pushes to an agent that reports nothing after the grace, even when the stored status says it is current', async () => {
    const own = await h.gateway({ tuning: { connectReportGraceMs: 200 } });
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    await h.setDesired(orgId, clusterId, 4, [policy('a')]);
    const { client } = await connectAgent(h.url(own), { kind: 'credential', credential });
    await client.next('desired.state');
    client.send(okResult(4, ['a']));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');
    await client.closeAndWait();
    // A new install with no state: it has nothing to report.
    const { client: fresh } = await connectAgent(h.url(own), { kind: 'credential', credential });
    expect((await fresh.next('desired.state')).generation).toBe(4);
    await fresh.closeAndWait();
  });

  it('keys Kubernetes NetworkPolicies as KubernetesNetworkPolicy and cluster-scoped names with ""', async () => {
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    await h.setDesired(orgId, clusterId, 1, []);
    const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    await client.next('desired.state');
    client.send({
      type: 'apply.result',
      generation: 1,
      results: [
        {
          resource: {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            namespace: 'shop',
            name: 'k',
          },
          status: 'ok',
        },
        {
          resource: {
            apiVersion: 'projectcalico.org/v3',
            kind: 'GlobalNetworkPolicy',
            namespace: null,
            name: 'g',
          },
          status: 'ok',
        },
      ],
      drift: [],
    });
    await waitFor(async () => (await resourceRows(clusterId)).length === 2, 'two rows');
    expect((await resourceRows(clusterId)).map((r) => [r.resource_kind, r.namespace, r.name])).toEqual([
      ['GlobalNetworkPolicy', '', 'g'],
      ['KubernetesNetworkPolicy', 'shop', 'k'],
    ]);
    await client.closeAndWait();
  });

  it('ignores reports of a superseded tunnel', async () => {
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    await h.setDesired(orgId, clusterId, 1, [policy('a')]);
    const { client: old } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    await old.next('desired.state');
    // A newer connection of the cluster took over on another gateway (its epoch is in the row), and
    // its takeover notice has not reached this gateway yet: the old tunnel is still open here.
    await h.sql.query('UPDATE clusters SET lease_epoch = lease_epoch + 1 WHERE id = $1', [clusterId]);
    // Generation 2 is desired now, without a notice: only handling the report below can reveal it.
    await h.setDesired(orgId, clusterId, 2, [policy('a'), policy('b')]);
    expect(old.isClosed).toBe(false);
    old.send({
      ...okResult(1, ['a']),
      results: [{ resource: ref('a'), status: 'failed', message: 'stale' }],
    });
    // The report was handled (the gateway saw the agent behind and pushed generation 2)...
    expect((await old.next('desired.state')).generation).toBe(2);
    // ...and stored nothing: the tunnel's epoch is below the row's.
    expect(await h.syncRow(clusterId)).toBeUndefined();
    expect(await resourceRows(clusterId)).toEqual([]);
    await old.closeAndWait();
  });

  it('repairs a lost notice with the sweep, and converges after a gateway restart', async () => {
    const own = await h.gateway({ tuning: { rolloutSweepIntervalMs: 100 } });
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    await h.setDesired(orgId, clusterId, 1, [policy('a')]);
    const { client } = await connectAgent(h.url(own), { kind: 'credential', credential });
    expect((await client.next('desired.state')).generation).toBe(1);
    client.send(okResult(1, ['a']));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');
    await h.setDesired(orgId, clusterId, 2, [policy('a'), policy('c')]); // no notice published
    expect((await client.next('desired.state')).generation).toBe(2);
    await own.kill();
    await client.closed;

    const restarted = await h.gateway();
    await h.setDesired(orgId, clusterId, 3, [policy('c')]);
    const { client: again } = await connectAgent(h.url(restarted), { kind: 'credential', credential });
    again.send(okResult(1, ['a'])); // the agent still has generation 1
    expect((await again.next('desired.state')).generation).toBe(3);
    again.send(okResult(3, ['c']));
    await waitFor(async () => (await h.syncRow(clusterId))?.applied_generation === '3', 'generation 3');
    expect((await resourceRows(clusterId)).map((r) => r.name)).toEqual(['c']);
    await again.closeAndWait();
  });
});
