// bench/rollout's agent host: runs many simulated agents in one process (forked by run.ts, which
// sends `{gatewayUrl, file, clusters: [{token, stateDir}]}` over IPC). Inventory and policy-store
// watching are off, as thousands of file watchers would measure the file system, not the rollout.
// Answers `started` once every agent is started, then `closed` after `close`. On `memory` it runs a
// full garbage collection (when started with --expose-gc) and answers the heap still in use, so that a
// soak can tell memory the agents hold from memory V8 has not returned yet.
import { startSimulatedAgent } from '@palisade/agent/simulated';

interface Start {
  kind: 'start';
  gatewayUrl: string;
  file: string;
  clusters: { token: string; stateDir: string }[];
}

type Agent = Awaited<ReturnType<typeof startSimulatedAgent>>;
const agents: Agent[] = [];
const TIMINGS = { backoff: { initialMs: 250, maxMs: 2_000 }, immediateJitterMs: 1_000 };

process.on('message', (message: Start | { kind: 'close' } | { kind: 'memory' }) => {
  if (message.kind === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.send?.({ kind: 'memory', heapUsed, rss });
    return;
  }
  if (message.kind === 'close') {
    void Promise.allSettled(agents.map((a) => a.close())).then(() => {
      process.send?.({ kind: 'closed' });
      process.exit(0);
    });
    return;
  }
  void (async () => {
    for (const cluster of message.clusters) {
      agents.push(
        await startSimulatedAgent({
          file: message.file,
          gatewayUrl: message.gatewayUrl,
          enrollmentToken: cluster.token,
          stateDir: cluster.stateDir,
          watch: false,
          watchPolicies: false,
          timings: TIMINGS,
        }),
      );
    }
    process.send?.({ kind: 'started', agents: agents.length });
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
