// Reports the cluster's nodes over one session (decision 0091): the whole list right after the
// welcome and again whenever it changes, as `inventory.nodes` — only on sessions of protocol version
// 3 or later (an older gateway would close the tunnel on an unknown message) and only for a provider
// that can see nodes. An unchanged list is not sent twice. The list is sent whole: a frame holds at
// most `maxInventoryItemsPerFrame` nodes, and a larger cluster reports its first ones, logged.
import { isInVersion, type AgentMessage, type NodeInfo, type ProtocolLimits } from '@palisade/protocol';
import type { Logger } from '../log.js';
import type { Provider } from '../providers/provider.js';

export function attachNodeReport(options: {
  provider: Provider;
  send: (message: AgentMessage) => boolean;
  protocolVersion: number;
  limits: ProtocolLimits;
  log: Logger;
}): () => void {
  const { provider, send, limits, log } = options;
  if (!isInVersion('inventory.nodes', options.protocolVersion) || !provider.nodes || !provider.onNodes)
    return () => undefined;
  const read = provider.nodes.bind(provider);
  let last = '';
  const report = (): void => {
    let nodes: NodeInfo[] = read();
    if (nodes.length > limits.maxInventoryItemsPerFrame) {
      log.warn({ nodes: nodes.length }, 'more nodes than one frame holds; reporting the first ones');
      nodes = nodes.slice(0, limits.maxInventoryItemsPerFrame);
    }
    const text = JSON.stringify(nodes);
    if (text === last) return;
    if (send({ type: 'inventory.nodes', nodes })) last = text;
  };
  report();
  return provider.onNodes(report);
}
