// A minimal agent for tests and the tunnel benchmark: a real WebSocket client speaking the protocol
// with @palisade/protocol's codec, with no reconnect logic of its own. It records every message
// and the close, and lets a test send well-formed or deliberately broken frames.
import {
  PROTOCOL_VERSION,
  closeReasonByCode,
  decodeMessage,
  encodeMessage,
  type AgentAuth,
  type CloseMessage,
  type GatewayMessage,
  type HelloMessage,
  type MessageOf,
  type TunnelMessage,
  type WelcomeMessage,
} from '@palisade/protocol';
import WebSocket from 'ws';

export interface ClientClose {
  code: number;
  /** The reason name for 4000–4999 codes, else the close frame's text. */
  reason: string;
  message: CloseMessage | undefined;
}

type GatewayType = GatewayMessage['type'];

export class TestTunnelClient {
  readonly received: GatewayMessage[] = [];
  readonly closed: Promise<ClientClose>;
  #cursor = 0;
  #isClosed = false;
  #waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const decoded = decodeMessage(data, undefined, 'gateway');
      if (decoded.ok) this.received.push(decoded.message);
      this.#wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.#isClosed = true;
        const message = this.received.find((m): m is CloseMessage => m.type === 'close');
        resolve({ code, reason: closeReasonByCode(code)?.name ?? reason.toString(), message });
        this.#wake();
      });
    });
    socket.on('error', () => undefined);
  }

  static connect(url: string, options: { autoPong?: boolean } = {}): Promise<TestTunnelClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { autoPong: options.autoPong ?? true, perMessageDeflate: false });
      socket.once('open', () => resolve(new TestTunnelClient(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  send(message: TunnelMessage): void {
    this.socket.send(encodeMessage(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  hello(auth: AgentAuth, overrides: Partial<HelloMessage> = {}): void {
    this.send({ ...helloMessage(auth), ...overrides });
  }

  /** The next message of `type` after those already taken, within the timeout. */
  async next<T extends GatewayType>(type: T, timeoutMs = 10_000): Promise<MessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.received.length) {
        const message = this.received[this.#cursor++];
        if (message?.type === type) return message as MessageOf<T>;
      }
      if (this.#isClosed) throw new Error(`closed before a ${type} arrived`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${String(timeoutMs)} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async closeAndWait(): Promise<ClientClose> {
    this.socket.close(1000, 'bye');
    return this.closed;
  }

  /** Abrupt end, like a killed agent. */
  destroy(): void {
    this.socket.terminate();
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}

export function helloMessage(auth: AgentAuth): HelloMessage {
  return {
    type: 'hello',
    protocol: { min: 1, max: PROTOCOL_VERSION },
    agentVersion: '0.1.0-test',
    instanceId: 'test-instance',
    auth,
    cluster: { provider: 'simulated', kubernetesVersion: 'v1.31.0', calicoVersion: 'v3.29.0' },
  };
}

/** Connects and says hello; resolves with the welcome (or rejects with the close if refused). */
export async function connectAgent(
  url: string,
  auth: AgentAuth,
  options: { autoPong?: boolean } = {},
): Promise<{ client: TestTunnelClient; welcome: WelcomeMessage }> {
  const client = await TestTunnelClient.connect(url, options);
  client.hello(auth);
  const welcome = await Promise.race([
    client.next('welcome'),
    client.closed.then((c) => Promise.reject(new Error(`refused: ${c.reason}`))),
  ]);
  return { client, welcome };
}
