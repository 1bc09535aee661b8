// The ingestion bench's simulated agents, in a worker thread of their own (decision 0211): in
// production agents run in their clusters, so their simulation, JSON encoding and WebSocket
// framing must not share the gateway's event loop, as they did when both ran on the bench's main
// thread. The main thread holds the gateway; this file is both the main thread's handle
// (`AgentFleet`) and, run as a worker, the agents themselves, driven by messages:
//   enroll  → every agent enrolled and connected;
//   outage  → (gateway stopped) every agent's clock stepped through `minutes` of traffic: their
//             buffers fill, as after a gateway outage;
//   drain   → (gateway started again) the time from the first agent's reconnection until every
//             buffer is acknowledged, with the worker thread's CPU over it;
//   close.
// The agents' heap is measured in their own thread (an isolate per thread).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startSimulatedAgent } from '@palisade/agent/simulated';
import { waitFor } from '@palisade/testing';
import { SteppedClock } from './stepped-clock.js';

export interface FleetOptions {
  /** Path of the cluster description every agent simulates. */
  readonly spec: string;
  readonly gatewayUrl: string;
  /** One enrollment token per agent. */
  readonly tokens: readonly string[];
  readonly workDir: string;
  /** Where the agents' clocks start (Unix ms). */
  readonly startMs: number;
  readonly flowBufferRecords: number;
}

export interface OutageResult {
  readonly buffered: number;
  readonly dropped: number;
  readonly simulatedMs: number;
  /** Heap in use after a full collection, before and after the outage (the agents' thread). */
  readonly heapBefore: number;
  readonly heapFull: number;
}

export interface DrainResult {
  /** From the first agent's reconnection until every buffer is acknowledged. */
  readonly ingestMs: number;
  /** CPU of the agents' thread over the drain. */
  readonly cpuMs: number;
  readonly heapDrained: number;
}

type Request =
  | { readonly type: 'enroll' }
  | { readonly type: 'outage'; readonly minutes: number }
  | { readonly type: 'drain'; readonly timeoutMs: number }
  | { readonly type: 'close' };
type Reply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** The main thread's side: one request at a time, each answered by the worker. */
export class AgentFleet {
  readonly #worker: Worker;

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  static start(options: FleetOptions): AgentFleet {
    return new AgentFleet(new Worker(new URL(import.meta.url), { workerData: options }));
  }

  #ask<T>(request: Request): Promise<T> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#worker.once('error', onError);
      this.#worker.once('message', (reply: Reply) => {
        this.#worker.off('error', onError);
        if (reply.ok) resolve(reply.value as T);
        else reject(new Error(`agent fleet: ${reply.error}`));
      });
      this.#worker.postMessage(request);
    });
  }

  enroll(): Promise<void> {
    return this.#ask({ type: 'enroll' });
  }

  outage(minutes: number): Promise<OutageResult> {
    return this.#ask({ type: 'outage', minutes });
  }

  drain(timeoutMs: number): Promise<DrainResult> {
    return this.#ask({ type: 'drain', timeoutMs });
  }

  async close(): Promise<void> {
    try {
      await this.#ask({ type: 'close' });
    } finally {
      await this.#worker.terminate();
    }
  }
}

/** The heap in use after a full collection (the bench runs with --expose-gc, which workers inherit). */
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function runWorker(options: FleetOptions): void {
  const clocks = options.tokens.map(() => new SteppedClock(options.startMs));
  const agents: Awaited<ReturnType<typeof startSimulatedAgent>>[] = [];
  const handle = async (request: Request): Promise<unknown> => {
    switch (request.type) {
      case 'enroll': {
        for (const [i, token] of options.tokens.entries()) {
          const stateDir = join(options.workDir, `agent-${String(i)}`);
          mkdirSync(stateDir, { recursive: true });
          agents.push(
            await startSimulatedAgent({
              file: options.spec,
              gatewayUrl: options.gatewayUrl,
              enrollmentToken: token,
              stateDir,
              watch: false,
              watchPolicies: false,
              clock: clocks[i]!,
              trafficSeed: i + 1,
              flowBufferRecords: options.flowBufferRecords,
              timings: { backoff: { initialMs: 100, maxMs: 200 }, immediateJitterMs: 0 },
            }),
          );
        }
        await waitFor(() => agents.every((a) => a.status() === 'connected'), 'the agents to enroll', 60_000);
        return undefined;
      }
      case 'outage': {
        const heapBefore = heapUsed();
        const t0 = performance.now();
        for (let ms = 0; ms < request.minutes * 60_000 + 20_000; ms += 1_000) {
          for (const c of clocks) c.advance(1_000);
          if (ms % 10_000 === 0) await new Promise((r) => setImmediate(r));
        }
        const result: OutageResult = {
          buffered: agents.reduce((n, a) => n + a.flows().bufferedRecords, 0),
          dropped: agents.reduce((n, a) => n + a.flows().droppedTotal, 0),
          simulatedMs: performance.now() - t0,
          heapBefore,
          heapFull: heapUsed(),
        };
        return result;
      }
      case 'drain': {
        let firstConnected = Number.NaN;
        const offs = agents.map((a) =>
          a.onStatus((s) => {
            if (s === 'connected' && Number.isNaN(firstConnected)) firstConnected = performance.now();
          }),
        );
        const cpu = process.threadCpuUsage();
        try {
          // Polled every 5 ms: the figure is seconds long, the poll must not blur it.
          await waitFor(
            () => agents.every((a) => a.flows().bufferedRecords === 0),
            'every buffered flow to be acknowledged',
            request.timeoutMs,
            5,
          );
        } finally {
          for (const off of offs) off();
        }
        const ingestMs = performance.now() - firstConnected;
        const { user, system } = process.threadCpuUsage(cpu);
        const result: DrainResult = { ingestMs, cpuMs: (user + system) / 1000, heapDrained: heapUsed() };
        return result;
      }
      case 'close':
        await Promise.allSettled(agents.map((a) => a.close()));
        return undefined;
    }
  };
  parentPort!.on('message', (request: Request) => {
    handle(request).then(
      (value) => parentPort!.postMessage({ ok: true, value } satisfies Reply),
      (error: unknown) =>
        parentPort!.postMessage({
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        } satisfies Reply),
    );
  });
}

if (!isMainThread && parentPort !== null) runWorker(workerData as FleetOptions);
