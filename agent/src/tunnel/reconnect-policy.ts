// What the agent does when a session ends, by the reason it ended (decision 0007). The protocol's
// advice per reason (`immediate`, `backoff`, `never`) is the default; the agent refines it where it
// knows more: an enrollment token refused while a stored credential exists is worth one try with the
// credential, a superseded agent steps back for the longest delay instead of fighting the newer one,
// and a gateway's `retryAfterMs` is a floor.

import type { CloseReason } from '@palisade/protocol';

export interface SessionOutcome {
  /** From the gateway's `close` message, else its close code; undefined for a transport failure. */
  readonly reason: CloseReason | undefined;
  readonly retryAfterMs: number | null;
  /** The hello carried an enrollment token (rather than a credential). */
  readonly usedEnrollmentToken: boolean;
  /** A stored credential exists that the agent could present instead. */
  readonly hasCredential: boolean;
}

export type ReconnectDecision =
  | { readonly action: 'stop' }
  /** `spread`: a short random delay; `backoff`: the next step; `longest`: the cap. */
  | {
      readonly action: 'retry';
      readonly delay: 'spread' | 'backoff' | 'longest';
      readonly floorMs: number;
      readonly useCredential: boolean;
    };

export function decideReconnect(outcome: SessionOutcome): ReconnectDecision {
  const floorMs = outcome.retryAfterMs ?? 0;
  const reason = outcome.reason;
  if (reason === undefined) return { action: 'retry', delay: 'backoff', floorMs, useCredential: false };
  if (
    (reason.name === 'unauthenticated' || reason.name === 'token_expired') &&
    outcome.usedEnrollmentToken &&
    outcome.hasCredential
  ) {
    return { action: 'retry', delay: 'spread', floorMs, useCredential: true };
  }
  if (reason.name === 'superseded')
    return { action: 'retry', delay: 'longest', floorMs, useCredential: false };
  switch (reason.reconnect) {
    case 'never':
      return { action: 'stop' };
    case 'immediate':
      return { action: 'retry', delay: 'spread', floorMs, useCredential: false };
    case 'backoff':
      return { action: 'retry', delay: 'backoff', floorMs, useCredential: false };
  }
}
