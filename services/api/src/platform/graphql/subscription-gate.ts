// Who may hold a GraphQL WebSocket (subscriptions), and for how long. Mercurius authorises a
// socket once, at `connection_init`; this gate sits on the WebSocket server itself so that it
// (issue 20, decision 0056):
//  - closes a socket that does not send `connection_init` in time (4408, as graphql-ws does);
//  - authenticates `connection_init` from the payload's `authorization` (automation) or from the
//    session cookie, which counts only on a socket opened by the console's own origin (a WebSocket
//    carries no CSRF header, so Origin is the cross-site defence); anything else is refused with
//    4401 and never acknowledged;
//  - re-checks every open socket periodically: the credential (a revoked or expired token, a
//    signed-out or expired session: 4401) and every organisation the socket's subscriptions reached
//    (a removed member: 4403; a changed role: 4403 too, since the subscription was authorised for the
//    old one). The close reason says which, for the client to show;
//  - refuses a subscription whose query text nests too deeply (4400), before Mercurius parses it;
//  - re-checks a user's sockets at once when AccessRevocations says their sessions or access ended
//    (decision 0110), so ending a session or deactivating a user closes their sockets within a
//    second rather than at the next round. A re-check is not activity: it never touches the session.
// It never serves anything itself; Mercurius reads the result through `contextFor`.
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { SUBSCRIPTION_LIMITS } from '../../config/limits.js';
import type { Env } from '../../config/env.js';
import { ENV } from '../../config/env.module.js';
import { OrgAccessService } from '../access/org-access.service.js';
import type { OrgScope, Principal } from '../access/principal.js';
import { AccessRevocations } from '../auth/access-revocations.js';
import { Authenticator, type AuthResult } from '../auth/authenticator.js';
import { AppError } from '../errors/app-error.js';
import { logInternalError } from '../errors/internal-error.js';
import { LOGGER } from '../http/logger.js';
import { RequestLimits } from '../rate-limit/request-limits.js';
import { guardQueryText } from './text-guard.js';

/** The parts of a `ws` socket and server the gate uses (Mercurius owns the ws dependency). */
export interface GuardedSocket {
  close(code: number, reason: string): void;
  on(event: 'message', listener: (data: unknown) => void): unknown;
  off(event: 'message', listener: (data: unknown) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}
export interface GuardedServer {
  on(event: 'connection', listener: (socket: GuardedSocket, req: IncomingMessage) => void): unknown;
}

/** graphql-ws close codes. */
export const WS_CLOSE = {
  BAD_REQUEST: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  INIT_TIMEOUT: 4408,
} as const;

interface Connection {
  /** The headers a re-check authenticates with again (never the CSRF header: none on a socket). */
  credentials: Record<string, string> | null;
  auth: Promise<AuthResult>;
  /** The organisation scopes the socket's subscriptions resolved (shared with their contexts). */
  orgScopes: Map<string, Promise<OrgScope>>;
  closed: boolean;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function connectionInitPayload(data: unknown): Record<string, unknown> | null | undefined {
  try {
    const msg = JSON.parse(String(data)) as { type?: unknown; payload?: unknown };
    if (msg.type !== 'connection_init') return undefined;
    return msg.payload && typeof msg.payload === 'object' ? (msg.payload as Record<string, unknown>) : null;
  } catch {
    return undefined;
  }
}

function subscribeQuery(data: unknown): string | undefined {
  try {
    const msg = JSON.parse(String(data)) as { type?: unknown; payload?: { query?: unknown } };
    return msg.type === 'subscribe' && typeof msg.payload?.query === 'string' ? msg.payload.query : undefined;
  } catch {
    return undefined;
  }
}

@Injectable()
export class SubscriptionGate implements OnModuleDestroy {
  readonly #connections = new Map<GuardedSocket, Connection>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(OrgAccessService) private readonly access: OrgAccessService,
    @Inject(ENV) private readonly env: Env,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(RequestLimits) private readonly limits: RequestLimits,
    @Inject(AccessRevocations) private readonly revocations: AccessRevocations,
  ) {}

  /** Starts guarding `wss` (called once the server exists, after Mercurius registered it). */
  attach(wss: GuardedServer): void {
    wss.on('connection', (socket: GuardedSocket, req: IncomingMessage) => this.#guard(socket, req));
    if (!this.#timer) this.revocations.onRevoked((userId) => void this.#recheckUser(userId));
    this.#timer ??= setInterval(() => void this.#recheckAll(), SUBSCRIPTION_LIMITS.reauthorizeIntervalMs);
    this.#timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.#timer);
  }

  /** The Mercurius subscription context of `socket`: its caller, as authenticated at init. */
  async contextFor(socket: GuardedSocket): Promise<{
    principal: Principal | null;
    authError: AuthResult['error'];
    orgScopes: Map<string, Promise<OrgScope>>;
  }> {
    const conn = this.#connections.get(socket);
    if (!conn) return { principal: null, authError: null, orgScopes: new Map() };
    const { principal, error } = await conn.auth;
    return { principal, authError: error, orgScopes: conn.orgScopes };
  }

  #guard(socket: GuardedSocket, req: IncomingMessage): void {
    const timeout = setTimeout(
      () => socket.close(WS_CLOSE.INIT_TIMEOUT, 'Connection initialisation timeout'),
      SUBSCRIPTION_LIMITS.connectionInitTimeoutMs,
    );
    socket.once('close', () => {
      clearTimeout(timeout);
      const conn = this.#connections.get(socket);
      if (conn) conn.closed = true;
      this.#connections.delete(socket);
    });
    // Runs before Mercurius's own handler (registered later), so the authentication is under way
    // when Mercurius asks for the context.
    const onMessage = (data: unknown): void => {
      const payload = connectionInitPayload(data);
      if (payload === undefined) return; // Mercurius refuses anything before connection_init.
      socket.off('message', onMessage);
      clearTimeout(timeout);
      const credentials = this.#credentialsOf(req, payload);
      const conn: Connection = {
        credentials,
        auth: this.#authenticate(credentials, req.socket.remoteAddress ?? ''),
        orgScopes: new Map(),
        closed: false,
      };
      this.#connections.set(socket, conn);
      void conn.auth.then(({ principal, error }) => {
        if (principal) return;
        socket.close(
          WS_CLOSE.UNAUTHORIZED,
          error
            ? error.message.slice(0, 120)
            : 'sign in, or send an API token as connection_init authorization',
        );
      });
    };
    socket.on('message', onMessage);
    // Mercurius parses a subscription's query before any hook runs; the text guard refuses a
    // hostile one first (4400), so graphql-js's recursion never sees it and no engine message leaks.
    socket.on('message', (data: unknown) => {
      const query = subscribeQuery(data);
      if (query === undefined) return;
      try {
        guardQueryText(query);
      } catch (err) {
        socket.close(WS_CLOSE.BAD_REQUEST, (err as Error).message.slice(0, 120));
      }
    });
  }

  /** The bearer token of the payload, else the session cookie of a socket from the console's origin. */
  #credentialsOf(
    req: IncomingMessage,
    payload: Record<string, unknown> | null,
  ): Record<string, string> | null {
    const authorization = payload?.['authorization'];
    if (typeof authorization === 'string') return { authorization };
    const cookie = headerOf(req, 'cookie');
    const fromConsole = headerOf(req, 'origin') === new URL(this.env.PUBLIC_ORIGIN).origin;
    return cookie && fromConsole ? { cookie } : null;
  }

  /** Authenticates, within the client IP's failed-authentication limit (decision 0058). */
  async #authenticate(credentials: Record<string, string> | null, ip: string): Promise<AuthResult> {
    if (!credentials) return { principal: null, error: null };
    const limited = await this.limits.beforeAuthentication({ headers: credentials, ip });
    if (limited) return { principal: null, error: limited };
    const result = await this.auth
      .authenticate({ headers: credentials }, { requireCsrf: false })
      .catch((err: unknown) => ({
        principal: null,
        error: logInternalError(this.log, err, 'authentication'),
      }));
    if (result.error && result.error.code !== 'INTERNAL') await this.limits.authenticationFailed(ip);
    return result;
  }

  async #recheckAll(): Promise<void> {
    await Promise.all([...this.#connections].map(([socket, conn]) => this.#recheck(socket, conn)));
  }

  async #recheckUser(userId: string): Promise<void> {
    const mine: [GuardedSocket, Connection][] = [];
    for (const [socket, conn] of this.#connections) {
      const { principal } = await conn.auth;
      if (principal?.kind === 'user' && principal.userId === userId) mine.push([socket, conn]);
    }
    await Promise.all(mine.map(([socket, conn]) => this.#recheck(socket, conn)));
  }

  async #recheck(socket: GuardedSocket, conn: Connection): Promise<void> {
    try {
      const before = await conn.auth;
      if (!before.principal || conn.closed) return;
      const now = await this.auth.authenticate(
        { headers: conn.credentials ?? {} },
        { requireCsrf: false, touch: false },
      );
      if (!now.principal) {
        socket.close(WS_CLOSE.UNAUTHORIZED, (now.error?.message ?? 'signed out').slice(0, 120));
        return;
      }
      const principal = now.principal;
      const scopes = await Promise.allSettled(conn.orgScopes.values());
      const seen = new Set<string>();
      for (const s of scopes) {
        if (s.status !== 'fulfilled' || seen.has(s.value.orgId)) continue;
        seen.add(s.value.orgId);
        let ended: string | null = null;
        const reason = await this.access.resolve(principal, { orgId: s.value.orgId }).then(
          (fresh) =>
            fresh.role === s.value.role
              ? null
              : `your role in ${s.value.slug} changed from ${s.value.role} to ${fresh.role}; subscribe again`,
          (err: unknown) => {
            // The organisation's session policy ended the session itself: that is a 4401.
            if (err instanceof AppError && err.code === 'UNAUTHENTICATED') ended = err.message;
            return `you no longer have access to ${s.value.slug}`;
          },
        );
        if (ended !== null) {
          socket.close(WS_CLOSE.UNAUTHORIZED, String(ended).slice(0, 120));
          return;
        }
        if (reason) {
          socket.close(WS_CLOSE.FORBIDDEN, reason.slice(0, 120));
          return;
        }
      }
    } catch (err) {
      // A database hiccup must not close sockets; the next round checks again.
      logInternalError(this.log, err, 'subscription re-authorisation');
    }
  }
}
