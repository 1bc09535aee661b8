// Prometheus metrics of one gateway. Each gateway has its own registry, so several gateways in one
// process (tests) never share counters. Labels are closed sets (close reason names, outcomes), so
// cardinality stays bounded whatever peers send.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly tunnelsOpen = new Gauge({
    name: 'palisade_gateway_tunnels_open',
    help: 'Authenticated tunnels currently open on this gateway',
    registers: [this.registry],
  });
  readonly connects = new Counter({
    name: 'palisade_gateway_connects_total',
    help: 'WebSocket connections accepted at /v1/tunnel, and of those the ones authenticated',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly closes = new Counter({
    name: 'palisade_gateway_closes_total',
    help: 'Tunnels closed, by close reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly framesIn = new Counter({
    name: 'palisade_gateway_frames_in_total',
    help: 'Frames received from agents',
    registers: [this.registry],
  });
  readonly framesOut = new Counter({
    name: 'palisade_gateway_frames_out_total',
    help: 'Frames sent to agents',
    registers: [this.registry],
  });
  readonly requestsRouted = new Counter({
    name: 'palisade_gateway_requests_routed_total',
    help: 'Requests forwarded from the control channel to agents, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly flowBatches = new Counter({
    name: 'palisade_gateway_flow_batches_total',
    help: 'Flow batches received, by outcome (stored, duplicate, failed, rate_limited)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly flowRecords = new Counter({
    name: 'palisade_gateway_flow_records_total',
    help: 'Flow records received in batches that were stored, by outcome (accepted, rejected)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly flowRejections = new Counter({
    name: 'palisade_gateway_flow_records_rejected_total',
    help: 'Flow records rejected, by the field at fault (a closed set); per cluster in cluster_flow_status',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly flowAgentDropped = new Counter({
    name: 'palisade_gateway_flow_records_dropped_by_agents_total',
    help: 'Flow records agents report they dropped because their buffer was full (increase of droppedTotal)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'palisade_gateway_' });
  }
}
