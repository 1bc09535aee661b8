// The agent's half of decision 0014, over a real loopback WebSocket to the scripted gateway, with a
// real simulated provider: an apply whose report is larger than one frame (every one of 5,000
// pushed policies fails, each naming a 253-character resource) is reported in `apply.result.chunk`
// frames on a version-2 session, which reassemble to a failure for every policy; on a version-1
// session the report is shortened to the one frame that session takes, and the agent logs what it cut.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplyResultAssembler,
  DEFAULT_LIMITS,
  encodeMessage,
  planDesiredState,
  utf8ByteLength,
  type AgentMessage,
  type ApplyResultChunkMessage,
  type ApplyResultMessage,
  type JsonObject,
} from '@palisade/protocol';
import { startAgent, type RunningAgent } from '../src/agent.js';
import { FileCredentialStore } from '../src/credentials/file-store.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { FakeGateway, type FakeConnection } from './support/fake-gateway.js';
import { waitFor } from '@palisade/testing';

const SHOP = new URL('../examples/shop.yaml', import.meta.url).pathname;
const FAST = { backoff: { initialMs: 20, maxMs: 200 }, immediateJitterMs: 20, welcomeTimeoutMs: 2_000 };

/** A policy @palisade/policy refuses (an unknown policy type), under a name as long as Kubernetes allows. */
function invalidPolicy(i: number, nameLength = 253): JsonObject {
  const suffix = `-${String(i)}`;
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: {
      name: `${'p'.repeat(nameLength - suffix.length)}${suffix}`,
      namespace: 'backend',
      labels: { 'app.kubernetes.io/managed-by': 'palisade' },
    },
    spec: { tier: 'default', order: 100, selector: "app == 'x'", types: ['Sideways'] },
  };
}

interface Running {
  gateway: FakeGateway;
  agent: RunningAgent<SimulatedProvider>;
  logs: { level: number; msg: string; [key: string]: unknown }[];
  connection: FakeConnection;
}

let dir: string | undefined;
let running: Running | undefined;

afterEach(async () => {
  await running?.agent.close();
  await running?.gateway.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  running = undefined;
  dir = undefined;
});

async function start(version: number, maxFrameBytes: number): Promise<Running> {
  dir = await mkdtemp(join(tmpdir(), 'palisade-results-'));
  const gateway = await FakeGateway.start({ protocolVersion: version, maxFrameBytes });
  const logs: Running['logs'] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => logs.push(JSON.parse(line) as Running['logs'][number]) },
  );
  const agent = await startAgent({
    provider: await SimulatedProvider.load({ file: SHOP, stateDir: join(dir, 'cluster'), watch: false }),
    gatewayUrl: gateway.url,
    credentials: new FileCredentialStore(join(dir, 'state')),
    enrollmentToken: 'pen_enrollment_token_for_tests',
    timings: FAST,
    logger,
  });
  const connection = await waitFor(() => agent.status() === 'connected' && gateway.last(), 'connected');
  running = { gateway, agent, logs, connection };
  return running;
}

function reports(connection: FakeConnection): (ApplyResultMessage | ApplyResultChunkMessage)[] {
  return connection.received.filter(
    (m: AgentMessage): m is ApplyResultMessage | ApplyResultChunkMessage =>
      m.type === 'apply.result' || m.type === 'apply.result.chunk',
  );
}

describe('apply results larger than a frame, agent side', () => {
  it('reports a failing apply of 5,000 policies in chunks that reassemble to every failure', async () => {
    const { connection, gateway } = await start(2, DEFAULT_LIMITS.maxFrameBytes);
    const resources = Array.from({ length: 5_000 }, (_, i) => invalidPolicy(i));
    const push = planDesiredState(1, resources, { protocolVersion: 2 });
    if (!push.ok) throw new Error(push.problem);
    for (const frame of push.messages) connection.send(frame);

    const assembler = new ApplyResultAssembler(2);
    let seen = 0;
    const whole = await waitFor(() => {
      let done: ApplyResultMessage | undefined;
      for (const frame of reports(connection).slice(seen)) {
        seen++;
        const step = assembler.receive(frame);
        if (step.kind === 'refused') throw new Error(step.detail);
        if (step.kind === 'complete' && step.generation === 1) done = step.value;
      }
      return done;
    }, 'the reassembled apply result of generation 1');

    const chunks = reports(connection).filter((m) => m.type === 'apply.result.chunk');
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(utf8ByteLength(encodeMessage(chunk))).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFrameBytes);
    }
    expect(utf8ByteLength(encodeMessage(whole))).toBeGreaterThan(DEFAULT_LIMITS.maxFrameBytes);
    expect(whole.results).toHaveLength(5_000);
    expect(new Set(whole.results.map((r) => r.resource.name))).toEqual(
      new Set(resources.map((r) => (r['metadata'] as { name: string }).name)),
    );
    for (const result of whole.results) {
      expect(result).toMatchObject({
        status: 'failed',
        message: expect.stringMatching(/^invalid: /) as unknown,
      });
    }
    expect(gateway.decodeFailures).toEqual([]);
  });

  it('on a version-1 session, shortens the report to one frame and logs what it cut', async () => {
    const maxFrameBytes = 64 * 1024;
    const { connection, logs, gateway } = await start(1, maxFrameBytes);
    const resources = Array.from({ length: 400 }, (_, i) => invalidPolicy(i, 120));
    connection.send({ type: 'desired.state', generation: 1, resources });

    const report = await waitFor(
      () => reports(connection).find((m) => m.type === 'apply.result' && m.generation === 1),
      'the apply result of generation 1',
    );
    expect(reports(connection).some((m) => m.type === 'apply.result.chunk')).toBe(false);
    expect(utf8ByteLength(encodeMessage(report))).toBeLessThanOrEqual(maxFrameBytes);
    const warning = logs.find((l) => l.msg.startsWith('the apply result does not fit'));
    expect(warning).toMatchObject({ generation: 1, protocolVersion: 1, results: 400 });
    const kept = report.results.length;
    expect(kept + Number(warning?.['droppedResults'])).toBe(400);
    expect(kept).toBeGreaterThan(0);
    const cut = Number(warning?.['messagesCutToBytes']);
    for (const result of report.results) {
      expect(result.status).toBe('failed');
      if (result.status === 'failed') expect(utf8ByteLength(result.message)).toBeLessThanOrEqual(cut);
    }
    expect(gateway.decodeFailures).toEqual([]);
  });
});
