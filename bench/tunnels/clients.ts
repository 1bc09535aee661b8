// A child process of bench/tunnels: holds many simulated agent tunnels at once. Each is a real
// WebSocket speaking the protocol with @palisade/protocol's codec (hello with a credential, a
// heartbeat every 10 s, automatic pongs), without inventory. On a close it reconnects like the
// agent does: exponential backoff from 1 s to 30 s with jitter. It reports how many tunnels are
// welcomed to the parent over IPC, starts connecting on 'go' and exits on 'stop'.
// Usage (by run.ts): clients.ts <url> <seed> <from> <to>
import {
  HEARTBEAT_INTERVAL_MS,
  PROTOCOL_VERSION,
  decodeMessage,
  encodeMessage,
  type HelloMessage,
} from '@palisade/protocol';
import WebSocket from 'ws';

const [url = '', seed = '', fromArg = '0', toArg = '0'] = process.argv.slice(2);
const from = Number(fromArg);
const to = Number(toArg);
/** Handshakes in flight during the first connect wave; reconnects are paced by backoff alone. */
const INITIAL_CONCURRENCY = 256;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
const TICK_MS = 1_000;

interface Tunnel {
  readonly index: number;
  socket: WebSocket | undefined;
  welcomed: boolean;
  attempt: number;
}

const tunnels: Tunnel[] = [];
for (let i = from; i < to; i++) tunnels.push({ index: i, socket: undefined, welcomed: false, attempt: 0 });
let welcomed = 0;
let stopping = false;

function hello(index: number): string {
  const message: HelloMessage = {
    type: 'hello',
    protocol: { min: 1, max: PROTOCOL_VERSION },
    agentVersion: '0.0.0-bench',
    instanceId: `bench-${String(index)}`,
    auth: { kind: 'credential', credential: `pcc_bench_${seed}_${String(index)}` },
    cluster: { provider: 'simulated', kubernetesVersion: 'v1.31.0', calicoVersion: null },
  };
  return encodeMessage(message);
}

/** Resolves once the tunnel is welcomed or has failed (then a reconnect is scheduled). */
function connect(tunnel: Tunnel): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    tunnel.socket = socket;
    socket.on('open', () => socket.send(hello(tunnel.index)));
    socket.on('message', (data: Buffer) => {
      const decoded = decodeMessage(data, undefined, 'gateway');
      if (decoded.ok && decoded.message.type === 'welcome' && !tunnel.welcomed) {
        tunnel.welcomed = true;
        tunnel.attempt = 0;
        welcomed++;
        resolve();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (tunnel.welcomed) welcomed--;
      tunnel.welcomed = false;
      tunnel.socket = undefined;
      resolve();
      if (!stopping) scheduleReconnect(tunnel);
    });
  });
}

function scheduleReconnect(tunnel: Tunnel): void {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** tunnel.attempt);
  tunnel.attempt = Math.min(tunnel.attempt + 1, 16);
  const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
  setTimeout(() => {
    if (!stopping) void connect(tunnel);
  }, delay);
}

async function connectAll(): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tunnels.length) {
      const tunnel = tunnels[next++];
      if (tunnel !== undefined) await connect(tunnel);
    }
  };
  await Promise.all(Array.from({ length: Math.min(INITIAL_CONCURRENCY, tunnels.length) }, worker));
}

// Heartbeats: each tick sends for the tenth of the tunnels whose slot is due, so each tunnel sends
// one every HEARTBEAT_INTERVAL_MS, spread evenly.
const slots = Math.max(1, Math.round(HEARTBEAT_INTERVAL_MS / TICK_MS));
let slot = 0;
const ticker = setInterval(() => {
  const sentAtMs = Date.now();
  const beat = encodeMessage({ type: 'heartbeat', sentAtMs });
  for (let i = slot; i < tunnels.length; i += slots) {
    const tunnel = tunnels[i];
    if (tunnel?.welcomed && tunnel.socket?.readyState === WebSocket.OPEN) tunnel.socket.send(beat);
  }
  slot = (slot + 1) % slots;
  process.send?.({ welcomed });
}, TICK_MS);

const reporter = setInterval(() => process.send?.({ welcomed }), 100);

process.on('message', (message: unknown) => {
  if (message === 'go') {
    void connectAll();
    return;
  }
  if (message !== 'stop') return;
  stopping = true;
  clearInterval(ticker);
  clearInterval(reporter);
  for (const tunnel of tunnels) tunnel.socket?.terminate();
  process.send?.({ welcomed: 0 }, () => process.exit(0));
});

process.send?.({ welcomed, ready: true });
