// A raw graphql-transport-ws client for tests that watch a live subscription end: it opens the
// socket as the console would (session cookie from the console's origin, or a bearer token in
// connection_init), subscribes, and exposes the close code and reason.
import { waitFor } from '@palisade/testing';
import WebSocket from 'ws';
import type { TestContext } from '../context.js';

export interface LiveSocket {
  ws: WebSocket;
  messages: { type: string; payload?: unknown }[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a socket with `cookie` from the console's origin and subscribes to cluster status of `slug`. */
export async function liveSubscription(ctx: TestContext, cookie: string, slug: string): Promise<LiveSocket> {
  const ws = new WebSocket(`${ctx.origin.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
    headers: { cookie, origin: new URL(ctx.env.PUBLIC_ORIGIN).origin },
  });
  const messages: LiveSocket['messages'] = [];
  ws.on('message', (d: Buffer) =>
    messages.push(JSON.parse(d.toString('utf8')) as LiveSocket['messages'][number]),
  );
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await waitFor(() => messages.some((m) => m.type === 'connection_ack'), 'connection_ack', 5_000);
  ws.send(
    JSON.stringify({
      id: '1',
      type: 'subscribe',
      payload: {
        query: 'subscription($s: String!) { clusterStatusChanged(orgSlug: $s) { clusterId status } }',
        variables: { s: slug },
      },
    }),
  );
  // Accepted: no error for it after a moment.
  await new Promise((r) => setTimeout(r, 200));
  if (messages.some((m) => m.type === 'error'))
    throw new Error(`subscription refused: ${JSON.stringify(messages)}`);
  return { ws, messages, closed };
}

/** The close of `s` if it comes within `withinMs`, else an error saying it stayed open. */
export function closeWithin(s: LiveSocket, withinMs: number): Promise<{ code: number; reason: string }> {
  return Promise.race([
    s.closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`the socket stayed open for ${withinMs} ms`)), withinMs).unref(),
    ),
  ]);
}
