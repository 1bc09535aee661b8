// The methods the gateway (and through it the API) can call on the agent. Each reads through the
// provider interface only, so they behave the same on a simulated and a real cluster; a provider
// may add methods of its own (the simulated one serves `traffic.evaluate`).

import { RequestError, type JsonValue } from '@palisade/protocol';
import type { FlowStats } from '../flows/flow-shipper.js';
import type { Provider } from '../providers/provider.js';
import { AGENT_VERSION } from '../version.js';
import type { MethodRegistry } from './requests.js';

export interface AgentMethodContext {
  readonly provider: Provider;
  readonly instanceId: string;
  readonly startedAt: number;
  readonly flows: () => FlowStats;
  /** Sends a new inventory snapshot on the live session; returns its revision. */
  readonly resync: () => number;
}

export function registerAgentMethods(registry: MethodRegistry, context: AgentMethodContext): MethodRegistry {
  for (const [method, handler] of Object.entries(context.provider.extraMethods?.() ?? {})) {
    registry.register(method, handler);
  }
  return registry
    .register('agent.health', () => {
      const facts = context.provider.facts();
      return {
        version: AGENT_VERSION,
        instanceId: context.instanceId,
        uptimeMs: Date.now() - context.startedAt,
        provider: context.provider.kind,
        kubernetesVersion: facts.kubernetesVersion,
        calicoVersion: facts.calicoVersion,
        inventory: { ...context.provider.counts() },
        flows: { ...context.flows() },
        problems: context.provider.problems(),
      } satisfies JsonValue;
    })
    .register('agent.methods', () => registry.methods())
    .register('inventory.resync', () => ({ revision: context.resync() }))
    .register('inventory.namespaces', (params) => {
      if (params !== null && (typeof params !== 'object' || Array.isArray(params))) {
        throw new RequestError('bad_request', 'params must be null or an object');
      }
      return context.provider.snapshot().namespaces.map((n) => ({ name: n.name, labels: { ...n.labels } }));
    });
}
