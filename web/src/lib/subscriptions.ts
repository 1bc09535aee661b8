// One graphql-ws connection per tab, opened on first use. The browser authenticates it with the
// session cookie (the API accepts cookies on WebSockets only from its own origin, since a socket
// cannot carry the CSRF header). Reconnects with backoff; a subscriber sees `onError` only when a
// subscription is refused.
import { createClient, type Client } from 'graphql-ws/client';
import type { TypedDocumentString } from '../generated/graphql';
import { GRAPHQL_PATH, toApiError, type ApiError } from './graphql-client';

let client: Client | undefined;

function wsUrl(): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function getClient(): Client {
  client ??= createClient({ url: wsUrl(), lazy: true, retryAttempts: Infinity, keepAlive: 20_000 });
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
