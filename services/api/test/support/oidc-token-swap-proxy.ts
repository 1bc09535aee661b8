// TEST TOOLING — a man in the middle in front of a real OIDC provider, for the SSO tests that
// prove a token from the wrong issuer or for the wrong audience is refused. The provider is
// started with this proxy's origin as its issuer; the proxy forwards every request unchanged,
// except that when told to, it replaces the id_token in the next token-endpoint response with a
// genuine token the test obtained elsewhere (another issuer, or another client of this one).
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class TokenSwapProxy {
  /** The id_token to put in the next token response instead of the real one. */
  nextIdToken: string | null = null;
  target = '';

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<TokenSwapProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TokenSwapProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      // node:http rather than fetch: the Host header must pass unchanged, since the provider builds
      // its endpoint URLs from it.
      const target = new URL(proxy.target);
      const up = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstream) => {
          const isToken =
            (req.url ?? '').startsWith('/token') && upstream.statusCode === 200 && proxy.nextIdToken;
          if (!isToken) {
            res.writeHead(upstream.statusCode ?? 502, upstream.headers);
            upstream.pipe(res);
            return;
          }
          const chunks: Buffer[] = [];
          upstream.on('data', (c: Buffer) => chunks.push(c));
          upstream.on('end', () => {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
            json['id_token'] = proxy.nextIdToken;
            proxy.nextIdToken = null;
            const headers = { ...upstream.headers };
            delete headers['content-length'];
            res.writeHead(200, headers).end(JSON.stringify(json));
          });
        },
      );
      up.on('error', (err) => res.writeHead(502).end(String(err)));
      req.pipe(up);
    });
    return proxy;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
