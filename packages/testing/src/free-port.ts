// A loopback port nothing listens on right now, for a server that must know its port before it
// starts (an OIDC redirect URI, an origin). Another process could take it in between; on a test
// machine that is rare enough, and the server's listen would then fail loudly.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
