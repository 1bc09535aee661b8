// Finds out why a gRPC connection to Goldmane failed when gRPC cannot say. Under TLS 1.3 the server
// checks the client certificate after the client has finished its side of the handshake, so a
// refused client certificate reaches grpc-js only as "Failed to connect". One plain TLS handshake
// with the same material and ALPN `h2` (as gRPC offers), followed by the HTTP/2 preface, tells the
// cases apart: a server that accepted the client answers with its HTTP/2 SETTINGS; one that refused
// it sends an alert (Go's TLS, as Goldmane's) or hangs up without a word (Node's); so the operator
// is told "bad certificate" instead of a bare connection failure. Used only after a failure.

import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { GOLDMANE_TLS_PROBE_TIMEOUT_MS } from '../../../limits.js';
import type { GoldmaneTlsMaterial } from './goldmane-tls.js';

/** The HTTP/2 connection preface and an empty SETTINGS frame: what a gRPC client sends first. */
const HTTP2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

export const REFUSED_AFTER_HANDSHAKE =
  'the server closed the connection right after the TLS handshake, as a server does that refuses the client certificate';

/** Why the TLS connection fails, or null when it works (or the probe cannot tell). */
export function probeTls(
  address: string,
  material: GoldmaneTlsMaterial,
  serverName: string | null,
): Promise<string | null> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) return Promise.resolve(null);
  const name = serverName ?? (isIP(host) === 0 ? host : undefined);
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      ca: material.ca,
      cert: material.cert,
      key: material.key,
      ALPNProtocols: ['h2'],
      ...(name === undefined ? {} : { servername: name }),
    });
    const done = (result: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    let secured = false;
    const timer = setTimeout(() => done(null), GOLDMANE_TLS_PROBE_TIMEOUT_MS);
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.message || error.code || 'TLS error'));
    socket.on('data', () => done(null));
    socket.on('close', () => done(secured ? REFUSED_AFTER_HANDSHAKE : null));
    socket.on('secureConnect', () => {
      secured = true;
      socket.write(HTTP2_PREFACE);
    });
  });
}
