// One graphql-ws connection per tab, opened on first use. The browser authenticates it with the
// session cookie (the API accepts cookies on WebSockets only from its own origin, since a socket
// cannot carry the CSRF header). Reconnects with backoff; a subscriber sees `onError` only when a
// subscription is refused. Whether the socket is up feeds live-connection.ts: a drop (or a ping
// the API does not answer within PONG_TIMEOUT_MS) marks every live status stale until it is back.
import { createClient, type Client } from 'graphql-ws/client';
import type { TypedDocumentString } from '../generated/graphql';
import { GRAPHQL_PATH, toApiError, type ApiError } from './graphql-client';
import { markIdle, markLive, markLiveDropped } from './live-connection';

let client: Client | undefined;

/** A ping every KEEP_ALIVE_MS; no pong within PONG_TIMEOUT_MS means the API is gone: close and retry. */
const KEEP_ALIVE_MS = 10_000;
const PONG_TIMEOUT_MS = 5_000;
/** Reconnect backoff: doubling from 1 s, capped so a returning API is noticed within seconds. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 10_000;

function retryWait(retries: number): Promise<void> {
  const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(retries, 10)) + Math.random() * 1_000;
  return new Promise((resolve) => setTimeout(resolve, delay));
}

function wsUrl(): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function getClient(): Client {
  let socket: WebSocket | undefined;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  client ??= createClient({
    url: wsUrl(),
    lazy: true,
    retryAttempts: Infinity,
    retryWait,
    // A refused connection (the API is restarting) is an error event, not a close event, which
    // graphql-ws treats as fatal by default: the live feed would then never come back.
    shouldRetry: () => true,
    keepAlive: KEEP_ALIVE_MS,
    on: {
      opened: (s) => {
        socket = s as WebSocket;
      },
      connected: () => markLive(),
      ping: (received) => {
        if (received) return;
        pongTimer = setTimeout(() => {
          if (socket?.readyState === WebSocket.OPEN) socket.close(4408, 'no pong from the API');
        }, PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        // 1000 is the client's own lazy close once nothing subscribes: nothing was lost.
        if ((event as CloseEvent | undefined)?.code === 1000) markIdle();
        else markLiveDropped();
      },
    },
  });
  return client;
}

export interface SubscriptionHandlers<T> {
  next(data: T): void;
  error?(err: ApiError): void;
}

/** Subscribes; returns the function that ends the subscription. */
export function subscribe<TResult, TVariables extends Record<string, unknown>>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  handlers: SubscriptionHandlers<TResult>,
): () => void {
  return getClient().subscribe<TResult, TVariables>(
    { query: document.toString(), variables },
    {
      next: (msg) => {
        if (msg.errors?.[0]) handlers.error?.(toApiError(msg.errors[0]));
        else if (msg.data) handlers.next(msg.data);
      },
      error: (err: unknown) => {
        if (Array.isArray(err) && err[0]) handlers.error?.(toApiError(err[0] as { message: string }));
      },
      complete: () => undefined,
    },
  );
}
