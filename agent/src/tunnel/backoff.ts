// The reconnect schedule: exponential from 1 s, capped at 30 s, each delay drawn at random from the
// upper part of its step so that agents cut off together (a gateway restart) do not return together.
// Pure: the random source is injected, so the schedule is testable without waiting for it.

import { BACKOFF_INITIAL_MS, BACKOFF_JITTER_RATIO, BACKOFF_MAX_MS } from '../limits.js';

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** 0 ≤ ratio ≤ 1: a delay lies in [step × (1 − ratio), step]. */
  readonly jitterRatio?: number;
  /** Uniform in [0, 1). */
  readonly random?: () => number;
}

/** The step for attempt n (0-based), before jitter: initial × 2ⁿ, at most max. */
export function backoffStep(attempt: number, initialMs = BACKOFF_INITIAL_MS, maxMs = BACKOFF_MAX_MS): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 52));
}

export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #jitterRatio: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? BACKOFF_INITIAL_MS;
    this.#maxMs = options.maxMs ?? BACKOFF_MAX_MS;
    this.#jitterRatio = Math.min(1, Math.max(0, options.jitterRatio ?? BACKOFF_JITTER_RATIO));
    this.#random = options.random ?? Math.random;
  }

  /** Failed attempts since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt; each call moves one step up the schedule. */
  next(): number {
    const step = backoffStep(this.#attempt++, this.#initialMs, this.#maxMs);
    return Math.round(step * (1 - this.#jitterRatio * this.#random()));
  }

  /** The largest delay the schedule can produce, with the same jitter (for `superseded`). */
  longest(): number {
    return Math.round(this.#maxMs * (1 - this.#jitterRatio * this.#random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
