import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE_REASONS, MIN_SUPPORTED, PROTOCOL_VERSION, type ResponseMessage } from '@palisade/protocol';
import { startAgent, type RunningAgent } from '../src/agent.js';
import { FileCredentialStore } from '../src/credentials/file-store.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { AGENT_VERSION } from '../src/version.js';
import { FakeGateway } from './support/fake-gateway.js';
import { waitFor } from '@palisade/testing';

const SHOP = new URL('../examples/shop.yaml', import.meta.url).pathname;
const TOKEN = 'pen_enrollment_token_for_tests';
const FAST = { backoff: { initialMs: 20, maxMs: 200 }, immediateJitterMs: 20, welcomeTimeoutMs: 2_000 };

describe('tunnel client against a scripted gateway', () => {
  let dir: string;
  let gateway: FakeGateway;
  let agents: RunningAgent[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-tunnel-'));
    gateway = await FakeGateway.start();
  });
  afterEach(async () => {
    await Promise.all(agents.map((a) => a.close()));
    agents = [];
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function agent(
    options: { token?: string | null; file?: string; url?: string } = {},
  ): Promise<RunningAgent<SimulatedProvider>> {
    const running = await startAgent({
      provider: await SimulatedProvider.load({
        file: options.file ?? SHOP,
        debounceMs: 20,
        pollIntervalMs: 100,
      }),
      gatewayUrl: options.url ?? gateway.url,
      credentials: new FileCredentialStore(join(dir, 'state')),
      enrollmentToken: options.token === undefined ? TOKEN : options.token,
      timings: FAST,
    });
    agents.push(running);
    return running;
  }

  it('enrolls: hello with versions, instance, token and facts; welcome; credential stored; snapshot', async () => {
    const credentialFile = join(dir, 'state', 'credential.json');
    const running = await agent();
    await waitFor(() => running.status() === 'connected', 'connected');
    const connection = gateway.last()!;
    expect(connection.hello).toEqual({
      type: 'hello',
      protocol: { min: MIN_SUPPORTED, max: PROTOCOL_VERSION },
      agentVersion: AGENT_VERSION,
      instanceId: running.instanceId,
      auth: { kind: 'enrollment', token: TOKEN },
      cluster: { provider: 'simulated', kubernetesVersion: 'v1.30.4', calicoVersion: 'v3.29.1' },
    });
    const snapshot = await waitFor(() => gateway.all('inventory.snapshot')[0], 'a snapshot');
    expect(snapshot.chunk).toEqual({ index: 0, count: 1 });
    expect(snapshot.items.endpoints).toHaveLength(16);
    expect(JSON.parse(readFileSync(credentialFile, 'utf8'))).toMatchObject({
      credential: 'pcc_issued_credential_1',
      clusterId: 'cluster-1',
    });
    expect(running.clusterId()).toBe('cluster-1');
    expect(gateway.decodeFailures).toEqual([]);
  });

  it('persists before sending anything: a slow store delays the snapshot, not the other way round', async () => {
    const store = new FileCredentialStore(join(dir, 'slow'));
    const order: string[] = [];
    const slow = Object.assign(Object.create(store) as FileCredentialStore, {
      description: store.description,
      load: () => store.load(),
      save: async (c: Parameters<FileCredentialStore['save']>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await store.save(c);
        order.push('saved');
      },
    });
    const running = await startAgent({
      provider: await SimulatedProvider.load({ file: SHOP, watch: false }),
      gatewayUrl: gateway.url,
      credentials: slow,
      enrollmentToken: TOKEN,
      timings: FAST,
    });
    agents.push(running);
    gateway.connections.length = 0;
    await waitFor(() => gateway.last(), 'a connection');
    gateway.last()!.socket.on('message', () => order.push('frame'));
    await waitFor(() => order.includes('frame'), 'a frame after welcome');
    expect(order[0]).toBe('saved');
  });

  it('reconnects by itself with the stored credential after the gateway goes away, and resends a snapshot', async () => {
    const running = await agent();
    await waitFor(() => gateway.all('inventory.snapshot').length === 1, 'the first snapshot');
    const port = gateway.port;
    await gateway.stop();
    await waitFor(
      () => running.status() === 'backoff' || running.status() === 'connecting',
      'the agent noticing',
    );
    gateway = await FakeGateway.start({ port });
    await waitFor(() => running.status() === 'connected', 'the reconnect');
    expect(gateway.last()!.hello.auth).toEqual({ kind: 'credential', credential: 'pcc_issued_credential_1' });
    expect(gateway.last()!.hello.instanceId).toBe(running.instanceId);
    await waitFor(() => gateway.all('inventory.snapshot')[0], 'a snapshot on the new connection');
  });

  it('a restarted agent uses its stored credential, and the token only when it is a new one', async () => {
    const first = await agent();
    await waitFor(() => first.status() === 'connected', 'connected');
    await first.close();
    expect(gateway.last()!.received.at(-1)).toMatchObject({ type: 'close', reason: 'agent_shutting_down' });

    const second = await agent({ token: TOKEN });
    await waitFor(() => second.status() === 'connected', 'connected again');
    expect(gateway.last()!.hello.auth.kind).toBe('credential');
    expect(second.clusterId()).toBe('cluster-1');
    await second.close();

    const third = await agent({ token: 'pen_a_newer_enrollment_token' });
    await waitFor(() => third.status() === 'connected', 'enrolled again');
    expect(gateway.last()!.hello.auth).toEqual({ kind: 'enrollment', token: 'pen_a_newer_enrollment_token' });
  });

  it('refuses to start with neither a credential nor a token', async () => {
    await expect(agent({ token: null })).rejects.toThrow(
      /no cluster credential in file .* and no enrollment token given/,
    );
  });

  it('stops for good when the credential is revoked, with the reason', async () => {
    const running = await agent();
    await waitFor(() => running.status() === 'connected', 'connected');
    gateway.last()!.close(CLOSE_REASONS.CREDENTIAL_REVOKED, 'the cluster was deleted');
    await waitFor(() => running.status() === 'stopped', 'the agent to stop');
    expect(running.stopReason()).toEqual({
      reason: 'credential_revoked',
      message: 'the cluster was deleted',
    });
    expect(gateway.connections).toHaveLength(1);
  });

  it('falls back to the stored credential when a new enrollment token is refused', async () => {
    const store = new FileCredentialStore(join(dir, 'state'));
    await store.save({
      credential: 'pcc_stored_before',
      clusterId: 'cluster-1',
      enrollmentTokenSha256: 'not-this-token',
    });
    let refused = false;
    await gateway.stop();
    gateway = await FakeGateway.start({
      onHello: (hello, connection) => {
        if (hello.auth.kind === 'enrollment' && !refused) {
          refused = true;
          connection.close(CLOSE_REASONS.TOKEN_EXPIRED);
          return 'ignore';
        }
        return 'welcome';
      },
    });
    const running = await agent();
    await waitFor(() => running.status() === 'connected', 'connected with the credential');
    expect(gateway.connections.map((c) => c.hello.auth.kind)).toEqual(['enrollment', 'credential']);
  });

  it('rotates the credential in-band: persisted first, then acknowledged', async () => {
    const running = await agent();
    await waitFor(() => running.status() === 'connected', 'connected');
    gateway
      .last()!
      .send({ type: 'credential.rotate', rotationId: 'rot-1', credential: 'pcc_rotated_credential_2' });
    const ack = await waitFor(() => gateway.all('credential.rotated')[0], 'the rotation ack');
    expect(ack).toEqual({ type: 'credential.rotated', rotationId: 'rot-1', persisted: true, message: null });
    expect(JSON.parse(await readFile(join(dir, 'state', 'credential.json'), 'utf8')).credential).toBe(
      'pcc_rotated_credential_2',
    );
    gateway.last()!.close(CLOSE_REASONS.SERVER_SHUTTING_DOWN);
    await waitFor(
      () => gateway.connections.length === 2 && running.status() === 'connected',
      'the reconnect',
    );
    expect(gateway.last()!.hello.auth).toEqual({
      kind: 'credential',
      credential: 'pcc_rotated_credential_2',
    });
  });

  it('answers requests through the method registry, with protocol errors for unknown methods', async () => {
    const running = await agent();
    await waitFor(() => running.status() === 'connected', 'connected');
    const connection = gateway.last()!;
    const response = async (id: string): Promise<ResponseMessage> =>
      waitFor(() => gateway.all('response').find((r) => r.id === id), `response ${id}`);

    connection.send({ type: 'request', id: 'r1', method: 'agent.health', params: null, timeoutMs: 5_000 });
    expect(await response('r1')).toMatchObject({
      ok: true,
      result: {
        version: AGENT_VERSION,
        provider: 'simulated',
        instanceId: running.instanceId,
        inventory: { namespaces: 4, endpoints: 16, serviceAccounts: 9, services: 7 },
      },
    });

    connection.send({ type: 'request', id: 'r2', method: 'no.such', params: null, timeoutMs: 5_000 });
    expect(await response('r2')).toEqual({
      type: 'response',
      id: 'r2',
      ok: false,
      error: { code: 'method_not_found', message: 'the agent has no method no.such' },
    });

    const before = gateway.all('inventory.snapshot').length;
    connection.send({
      type: 'request',
      id: 'r3',
      method: 'inventory.resync',
      params: null,
      timeoutMs: 5_000,
    });
    const resynced = await response('r3');
    expect(resynced.ok).toBe(true);
    const snapshots = gateway.all('inventory.snapshot');
    expect(snapshots).toHaveLength(before + 1);
    expect(resynced).toMatchObject({ result: { revision: snapshots.at(-1)!.revision } });
    expect(snapshots.at(-1)!.revision).toBeGreaterThan(snapshots[0]!.revision);
  });

  it('sends a fresh snapshot on inventory.resync, then deltas numbered from 1 on its revision', async () => {
    const file = join(dir, 'cluster.yaml');
    await writeFile(file, await readFile(SHOP, 'utf8'));
    const running = await agent({ file });
    await waitFor(() => running.status() === 'connected', 'connected');
    gateway.last()!.send({ type: 'inventory.resync', reason: 'sequence_gap' });
    await waitFor(() => gateway.all('inventory.snapshot').length === 2, 'the resync snapshot');
    const revision = gateway.all('inventory.snapshot')[1]!.revision;
    await writeFile(file, (await readFile(file, 'utf8')).replace('replicas: 3', 'replicas: 5'));
    const delta = await waitFor(() => gateway.all('inventory.delta')[0], 'a delta');
    expect(delta).toMatchObject({ revision, sequence: 1 });
    expect(delta.upserts.endpoints).toHaveLength(2);
    await writeFile(file, (await readFile(file, 'utf8')).replace('replicas: 5', 'replicas: 4'));
    expect(await waitFor(() => gateway.all('inventory.delta')[1], 'a second delta')).toMatchObject({
      revision,
      sequence: 2,
    });
  });

  it('sends heartbeats, and reconnects when the gateway falls silent', async () => {
    await gateway.stop();
    gateway = await FakeGateway.start({ heartbeatIntervalMs: 50, deadPeerTimeoutMs: 400 });
    const running = await agent();
    await waitFor(() => gateway.all('heartbeat').length >= 2, 'heartbeats');
    // The scripted gateway sends nothing after its welcome and no pings: the agent must give up on it.
    await waitFor(() => gateway.connections.length >= 2, 'a reconnect after silence');
    expect(gateway.connections[0]!.received.at(-1)).toMatchObject({
      type: 'close',
      reason: 'heartbeat_timeout',
    });
    expect(running.stopReason()).toBeNull();
  });

  it('backs off while the gateway is unreachable, and connects once it is there', async () => {
    const { port, url } = gateway;
    await gateway.stop();
    const running = await agent({ url });
    const seen: string[] = [];
    running.onStatus((status) => seen.push(status));
    await waitFor(() => seen.filter((s) => s === 'backoff').length >= 3, 'several rounds of backoff');
    expect(new Set(seen)).toEqual(new Set(['connecting', 'backoff']));
    gateway = await FakeGateway.start({ port });
    await waitFor(() => running.status() === 'connected', 'connected once the gateway is up');
  });
});
