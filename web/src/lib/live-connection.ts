// What the console can still vouch for. Live statuses (cluster connected, policy sync) are only as
// true as the connection they arrive on: when the API cannot be reached or the live subscription
// socket dropped, the page must say so and mark what it shows as stale, never keep "now" on a
// value nobody has confirmed since (issue 20 item 5, decision 0083). One store per tab, fed by the
// subscription client (subscriptions.ts) and the HTTP client (graphql-client.ts).
import { useSyncExternalStore } from 'react';

export type LiveProblem = 'api-unreachable' | 'live-dropped';

export type LiveState =
  /** Nothing live is open (no page subscribes), or the first connection is being made. */
  | { readonly kind: 'idle' }
  /** The live socket is open and acknowledged. */
  | { readonly kind: 'live'; readonly since: number }
  /** Statuses cannot be vouched for since `since` (the moment the link was lost, not the latest retry). */
  | { readonly kind: 'down'; readonly since: number; readonly problem: LiveProblem };

// Two facts, each with the moment it went wrong: the live socket and the HTTP API.
let socket:
  | { readonly kind: 'idle' }
  | { readonly kind: 'live'; readonly since: number }
  | { readonly kind: 'dropped'; readonly since: number } = {
  kind: 'idle',
};
let apiUnreachableSince: number | null = null;
let state: LiveState = { kind: 'idle' };
const listeners = new Set<() => void>();

function derive(): void {
  const prev = state;
  const dropped = socket.kind === 'dropped' ? socket.since : null;
  let next: LiveState;
  if (apiUnreachableSince !== null)
    next = {
      kind: 'down',
      problem: 'api-unreachable',
      since: Math.min(apiUnreachableSince, dropped ?? Infinity),
    };
  else if (socket.kind === 'dropped') next = { kind: 'down', problem: 'live-dropped', since: socket.since };
  else next = socket;
  if (
    next.kind === prev.kind &&
    ('since' in next ? next.since : 0) === ('since' in prev ? prev.since : 0) &&
    (next.kind !== 'down' || prev.kind !== 'down' || next.problem === prev.problem)
  )
    return;
  state = next;
  for (const l of listeners) l();
}

export function liveState(): LiveState {
  return state;
}

/** Called on every change, e.g. to refetch what may have changed while the link was down. */
export function onLiveChange(listener: (next: LiveState, prev: LiveState) => void): () => void {
  let prev = state;
  const wrapped = () => {
    const next = state;
    listener(next, prev);
    prev = next;
  };
  listeners.add(wrapped);
  return () => listeners.delete(wrapped);
}

/** The live socket is open and acknowledged. */
export function markLive(now = Date.now()): void {
  if (socket.kind !== 'live') socket = { kind: 'live', since: now };
  derive();
}

/** The live socket closed unexpectedly; the first moment is kept while it retries. */
export function markLiveDropped(now = Date.now()): void {
  if (socket.kind !== 'dropped') socket = { kind: 'dropped', since: now };
  derive();
}

/** The client closed the socket itself because nothing subscribes any more: nothing was lost. */
export function markIdle(): void {
  socket = { kind: 'idle' };
  derive();
}

/** An HTTP request got no answer at all. */
export function markApiUnreachable(now = Date.now()): void {
  apiUnreachableSince ??= now;
  derive();
}

/** An HTTP request was answered (whatever the answer). */
export function markApiReachable(): void {
  apiUnreachableSince = null;
  derive();
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    liveState,
    liveState,
  );
}

/** For tests: back to the state of a fresh tab. */
export function resetLiveState(): void {
  socket = { kind: 'idle' };
  apiUnreachableSince = null;
  derive();
}

/** When live statuses stopped being vouched for, or null while they are (or nothing is live). */
export function useStaleSince(): number | null {
  const live = useLiveState();
  return live.kind === 'down' ? live.since : null;
}
