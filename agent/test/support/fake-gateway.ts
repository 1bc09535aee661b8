// A scripted stand-in for the cluster gateway, speaking the protocol over a real loopback WebSocket:
// it decodes every frame the agent sends with the protocol's own strict decoder, answers hellos with
// a welcome (issuing a credential for an enrollment token), and lets a test send anything else.
// The real gateway is exercised in gateway-e2e.test.ts; this one lets tests cause what a real one
// rarely does on demand (rotations, odd close reasons, silence).

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  DEFAULT_LIMITS,
  closeFrame,
  decodeMessage,
  encodeMessage,
  type AgentMessage,
  type CloseReason,
  type GatewayMessage,
  type HelloMessage,
} from '@palisade/protocol';

export interface FakeConnection {
  readonly socket: WebSocket;
  readonly hello: HelloMessage;
  readonly received: AgentMessage[];
  send(message: GatewayMessage): void;
  close(reason: CloseReason, detail?: string, retryAfterMs?: number | null): void;
}

export interface FakeGatewayOptions {
  readonly port?: number;
  readonly heartbeatIntervalMs?: number;
  readonly deadPeerTimeoutMs?: number;
  /** The version the welcome settles on (default 1) and the frame size it allows. */
  readonly protocolVersion?: number;
  readonly maxFrameBytes?: number;
  /** The largest flow batch the welcome allows (default 1,000). */
  readonly maxFlowsPerBatch?: number;
  /** Decide how to answer a hello; the default welcomes everyone. */
  readonly onHello?: (hello: HelloMessage, connection: FakeConnection) => 'welcome' | 'ignore';
}

export class FakeGateway {
  readonly connections: FakeConnection[] = [];
  readonly decodeFailures: string[] = [];
  #server: WebSocketServer;
  #issued = 0;

  private constructor(
    server: WebSocketServer,
    readonly options: FakeGatewayOptions,
  ) {
    this.#server = server;
    server.on('connection', (socket) => this.#accept(socket));
  }

  static async start(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0, path: '/v1/tunnel' });
    await once(server, 'listening');
    return new FakeGateway(server, options);
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${String(this.port)}/v1/tunnel`;
  }

  last(): FakeConnection | undefined {
    return this.connections.at(-1);
  }

  /** Every message of `type` received on any connection. */
  all<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.connections.flatMap((c) =>
      c.received.filter((m): m is Extract<AgentMessage, { type: T }> => m.type === type),
    );
  }

  async stop(): Promise<void> {
    for (const client of this.#server.clients) client.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    let connection: FakeConnection | undefined;
    const received: AgentMessage[] = [];
    socket.on('message', (data: Buffer) => {
      const decoded = decodeMessage(data, DEFAULT_LIMITS, 'agent');
      if (!decoded.ok) {
        this.decodeFailures.push(decoded.detail);
        return;
      }
      const message = decoded.message;
      if (connection === undefined) {
        if (message.type !== 'hello') {
          this.decodeFailures.push(`${message.type} before hello`);
          return;
        }
        connection = this.#connection(socket, message, received);
        this.connections.push(connection);
        if ((this.options.onHello?.(message, connection) ?? 'welcome') === 'welcome')
          this.#welcome(connection);
        return;
      }
      received.push(message);
    });
  }

  #connection(socket: WebSocket, hello: HelloMessage, received: AgentMessage[]): FakeConnection {
    return {
      socket,
      hello,
      received,
      send: (message) => socket.send(encodeMessage(message)),
      close: (reason, detail, retryAfterMs = null) => {
        socket.send(
          encodeMessage({
            type: 'close',
            reason: reason.name,
            message: detail ?? reason.message,
            retryAfterMs,
          }),
        );
        const frame = closeFrame(reason, detail);
        socket.close(frame.code, frame.reason);
      },
    };
  }

  #welcome(connection: FakeConnection): void {
    const enrolling = connection.hello.auth.kind === 'enrollment';
    connection.send({
      type: 'welcome',
      protocolVersion: this.options.protocolVersion ?? 1,
      clusterId: 'cluster-1',
      sessionId: `session-${String(this.connections.length)}`,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 10_000,
      deadPeerTimeoutMs: this.options.deadPeerTimeoutMs ?? 30_000,
      limits: {
        maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_LIMITS.maxFrameBytes,
        maxInventoryItemsPerFrame: 5_000,
        maxFlowsPerBatch: this.options.maxFlowsPerBatch ?? 1_000,
      },
      credential: enrolling ? `pcc_issued_credential_${String(++this.#issued)}` : null,
    });
  }
}
