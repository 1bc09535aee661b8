// Wires one established session to the agent's controllers: inventory streaming, request handling,
// desired state (reassembled per session by a DesiredStateReceiver, applied by the agent-wide
// DesiredStateController, attached for the session's lifetime), and flows (the agent-wide
// FlowShipper, attached for the session's lifetime, fed the gateway's acks). Built afresh for every
// session, so nothing from a dead connection leaks into the next one.

import type { GatewayMessage } from '@palisade/protocol';
import type { FlowShipper } from '../flows/flow-shipper.js';
import type { Logger } from '../log.js';
import type { Provider } from '../providers/provider.js';
import type { EstablishedSession, SessionRouter } from '../tunnel/tunnel-session.js';
import { registerAgentMethods } from './agent-methods.js';
import { DesiredStateReceiver } from './desired-receiver.js';
import type { DesiredStateController } from './desired-state.js';
import { InventorySync, type RevisionCounter } from './inventory-sync.js';
import { MethodRegistry, RequestDispatcher } from './requests.js';
import { attachNodeReport } from './node-report.js';

export interface SessionRouterDeps {
  readonly provider: Provider;
  readonly instanceId: string;
  readonly startedAt: number;
  readonly revisions: RevisionCounter;
  readonly desired: DesiredStateController;
  readonly flows: FlowShipper;
  readonly log: Logger;
  /** This session's first inventory snapshot went out whole (the agent's readiness). */
  readonly onInitialSync?: () => void;
}

export function createSessionRouter(session: EstablishedSession, deps: SessionRouterDeps): SessionRouter {
  const log = deps.log.child({ sessionId: session.welcome.sessionId });
  const sync = new InventorySync({
    provider: deps.provider,
    send: session.send,
    limits: session.limits,
    log,
    revisions: deps.revisions,
    ...(deps.onInitialSync === undefined ? {} : { onSnapshotSent: deps.onInitialSync }),
  });
  const registry = registerAgentMethods(new MethodRegistry(), {
    provider: deps.provider,
    instanceId: deps.instanceId,
    startedAt: deps.startedAt,
    flows: () => deps.flows.stats(),
    resync: () => sync.resync('requested-by-method'),
  });
  const requests = new RequestDispatcher({ registry, send: session.send, limits: session.limits, log });
  sync.start();
  const detachDesired = deps.desired.attach(session.send, {
    protocolVersion: session.welcome.protocolVersion,
    limits: session.limits,
  });
  const detachFlows = deps.flows.attach(session.send, session.limits);
  const detachNodes = attachNodeReport({
    provider: deps.provider,
    send: session.send,
    protocolVersion: session.welcome.protocolVersion,
    limits: session.limits,
    log,
  });
  const desired = new DesiredStateReceiver({
    protocolVersion: session.welcome.protocolVersion,
    desired: deps.desired,
    send: session.send,
    log,
  });

  return {
    handle(message: GatewayMessage): void {
      switch (message.type) {
        case 'inventory.resync':
          log.info({ reason: message.reason }, 'the gateway asked for an inventory resync');
          sync.resync(message.reason);
          return;
        case 'request':
          requests.handle(message);
          return;
        case 'response':
          // The agent sends no requests of its own yet; a response can only be late or stray.
          log.debug({ id: message.id }, 'ignoring a response to no pending request');
          return;
        case 'desired.state':
        case 'desired.state.chunk':
          desired.receive(message);
          return;
        case 'flow.ack':
          deps.flows.acknowledge(message.sequence);
          return;
        default:
          log.debug({ type: message.type }, 'ignoring a message the session router does not handle');
      }
    },
    detach(): void {
      detachFlows();
      detachNodes();
      detachDesired();
      sync.stop();
      requests.close();
    },
  };
}
