// What the agent's probes report. Live: the agent has not stopped (a stopped agent exits, so a
// failing liveness probe means it is stuck on the way out). Ready: the tunnel to the gateway is
// connected and this session's initial sync is done — the provider's first list of the cluster
// finished (before the first dial) and the whole inventory snapshot went to the gateway.
import type { RunningAgent } from '../agent.js';
import type { HealthCheck } from './health-server.js';

export function liveness(agent: Pick<RunningAgent, 'status'>): HealthCheck {
  const status = agent.status();
  return status === 'stopped'
    ? { ok: false, detail: 'the agent has stopped' }
    : { ok: true, detail: `tunnel ${status}` };
}

export function readiness(agent: Pick<RunningAgent, 'status' | 'initialSyncDone'>): HealthCheck {
  const status = agent.status();
  if (status !== 'connected') return { ok: false, detail: `tunnel ${status}, not connected to the gateway` };
  if (!agent.initialSyncDone())
    return { ok: false, detail: 'connected, initial inventory sync not done yet' };
  return { ok: true, detail: 'connected and the initial sync is done' };
}
