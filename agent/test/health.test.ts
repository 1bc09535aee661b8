// The agent's health endpoint as the kubelet probes it, over real HTTP: /healthz answers while the
// agent runs; /readyz only while the tunnel is connected and the session's inventory snapshot went
// out, and again not when the gateway goes away. The command serves it on --health-port
// (PALISADE_HEALTH_PORT) and refuses a bad port naming the flag.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE_REASONS } from '@palisade/protocol';
import { freePort, waitFor } from '@palisade/testing';
import { startAgent, type RunningAgent } from '../src/agent.js';
import { FileCredentialStore } from '../src/credentials/file-store.js';
import { startHealthServer, type RunningHealthServer } from '../src/health/health-server.js';
import { liveness, readiness } from '../src/health/readiness.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { FakeGateway } from './support/fake-gateway.js';

const SHOP = new URL('../examples/shop.yaml', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
const TOKEN = 'pen_enrollment_token_for_tests';
const FAST = { backoff: { initialMs: 20, maxMs: 200 }, immediateJitterMs: 20, welcomeTimeoutMs: 2_000 };

async function probe(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${String(port)}${path}`);
  return { status: res.status, body: await res.text() };
}

describe("the agent's probes", () => {
  let dir: string;
  let gateway: FakeGateway;
  let agent: RunningAgent | undefined;
  let health: RunningHealthServer | undefined;
  let welcome = false;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-health-'));
    welcome = false;
    gateway = await FakeGateway.start({ onHello: () => (welcome ? 'welcome' : 'ignore') });
  });
  afterEach(async () => {
    await health?.close();
    await agent?.close();
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('are live while the agent runs, and ready only while connected with the initial sync sent', async () => {
    const running = await startAgent({
      provider: await SimulatedProvider.load({ file: SHOP, watch: false }),
      gatewayUrl: gateway.url,
      credentials: new FileCredentialStore(join(dir, 'state')),
      enrollmentToken: TOKEN,
      timings: FAST,
    });
    agent = running;
    health = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      live: () => liveness(running),
      ready: () => readiness(running),
    });
    const port = health.port;

    // The gateway has not welcomed the agent yet: alive, not ready.
    await waitFor(() => gateway.last(), 'a hello');
    expect(await probe(port, '/healthz')).toMatchObject({ status: 200 });
    const early = await probe(port, '/readyz');
    expect(early.status).toBe(503);
    expect(early.body).toMatch(/^not ok: tunnel connecting, not connected/);

    // Welcomed: ready once the snapshot has gone out, which the gateway has received.
    welcome = true;
    gateway.last()!.close(CLOSE_REASONS.SERVER_SHUTTING_DOWN);
    await waitFor(async () => (await probe(port, '/readyz')).status === 200, 'ready');
    expect(gateway.last()!.received.some((m) => m.type.startsWith('inventory.snapshot'))).toBe(true);
    expect((await probe(port, '/readyz')).body).toBe('ok: connected and the initial sync is done\n');

    // The gateway goes away: not ready, still alive.
    welcome = false;
    gateway.last()!.close(CLOSE_REASONS.SERVER_SHUTTING_DOWN);
    await waitFor(async () => (await probe(port, '/readyz')).status === 503, 'not ready after the close');
    expect((await probe(port, '/healthz')).status).toBe(200);

    expect(await probe(port, '/metrics')).toMatchObject({ status: 404 });
    const post = await fetch(`http://127.0.0.1:${String(port)}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);

    // A stopped agent is not live.
    await running.close();
    agent = undefined;
    expect((await probe(port, '/healthz')).status).toBe(503);
  });
});

describe('the agent command with --health-port', () => {
  function run(args: string[], env: Record<string, string> = {}) {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/register.mjs', 'agent/src/main.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, exited, stderr: () => stderr };
  }

  it('serves the probes on PALISADE_HEALTH_PORT, ready once the gateway welcomed it', async () => {
    const gateway = await FakeGateway.start();
    const dir = await mkdtemp(join(tmpdir(), 'palisade-health-cmd-'));
    const port = await freePort();
    const agent = run(['--simulate', SHOP, '--state-dir', dir, '--log-level', 'silent'], {
      PALISADE_GATEWAY_URL: gateway.url,
      PALISADE_ENROLLMENT_TOKEN: TOKEN,
      PALISADE_HEALTH_PORT: String(port),
    });
    try {
      await waitFor(
        async () => (await probe(port, '/readyz').catch(() => ({ status: 0 }))).status === 200,
        'the agent ready on its health port',
        30_000,
      );
      expect((await probe(port, '/healthz')).status).toBe(200);
    } finally {
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
      await gateway.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('refuses a bad port naming the flag (exit 2)', async () => {
    const runs = ['0', '65536', 'http'].map((value) => run(['--simulate', SHOP, '--health-port', value]));
    for (const agent of runs) {
      expect(await agent.exited).toBe(2);
      expect(agent.stderr()).toContain('--health-port: must be a port from 1 to 65535, or off');
    }
  }, 60_000);
});
