// The first frame of every connection: what this agent speaks, who it is, how it proves it, and
// what it runs on.

import { SUPPORTED_VERSIONS, type AgentAuth, type ClusterFacts, type HelloMessage } from '@palisade/protocol';

export function buildHello(input: {
  agentVersion: string;
  instanceId: string;
  auth: AgentAuth;
  facts: ClusterFacts;
}): HelloMessage {
  return {
    type: 'hello',
    protocol: { min: SUPPORTED_VERSIONS.min, max: SUPPORTED_VERSIONS.max },
    agentVersion: input.agentVersion,
    instanceId: input.instanceId,
    auth: input.auth,
    cluster: input.facts,
  };
}
