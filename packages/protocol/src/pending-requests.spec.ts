import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_REQUEST_TIMEOUT_MS,
  PendingRequests,
  RequestError,
  type RequestMessage,
  type Timers,
} from './index.js';

class ManualTimers implements Timers {
  now = 0;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 0;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = ++this.#next;
    this.#timers.set(handle, { at: this.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get active(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [handle, timer] of [...this.#timers]) {
      if (timer.at <= this.now) {
        this.#timers.delete(handle);
        timer.callback();
      }
    }
  }
}

function setup(options: { maxPending?: number; send?: (r: RequestMessage) => void } = {}) {
  const timers = new ManualTimers();
  const sent: RequestMessage[] = [];
  const pending = new PendingRequests({
    send: options.send ?? ((request) => sent.push(request)),
    idPrefix: 'g',
    defaultTimeoutMs: 1_000,
    maxPending: options.maxPending ?? 8,
    timers,
  });
  return { timers, sent, pending };
}

async function failure(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('PendingRequests', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a request with a fresh id and resolves it with the matching response', async () => {
    const { sent, pending } = setup();
    const first = pending.request('agent.health', { verbose: true });
    const second = pending.request('agent.health', null, 500);
    expect(sent).toEqual([
      { type: 'request', id: 'g1', method: 'agent.health', params: { verbose: true }, timeoutMs: 1_000 },
      { type: 'request', id: 'g2', method: 'agent.health', params: null, timeoutMs: 500 },
    ]);
    expect(pending.settle({ type: 'response', id: 'g2', ok: true, result: 'two' })).toBe(true);
    expect(pending.settle({ type: 'response', id: 'g1', ok: true, result: 'one' })).toBe(true);
    await expect(first).resolves.toBe('one');
    await expect(second).resolves.toBe('two');
    expect(pending.size).toBe(0);
  });

  it('rejects with the remote error code and message', async () => {
    const { pending } = setup();
    const call = pending.request('cluster.reboot', null);
    pending.settle({
      type: 'response',
      id: 'g1',
      ok: false,
      error: { code: 'method_not_found', message: 'nope' },
    });
    const error = await failure(call);
    expect([error.code, error.message]).toEqual(['method_not_found', 'nope']);
  });

  it('times out, clears the entry and ignores a late response', async () => {
    const { timers, pending } = setup();
    const call = pending.request('agent.health', null, 250);
    timers.advance(249);
    expect(pending.size).toBe(1);
    timers.advance(1);
    const error = await failure(call);
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('agent.health got no response within 250 ms');
    expect(pending.size).toBe(0);
    expect(pending.settle({ type: 'response', id: 'g1', ok: true, result: null })).toBe(false);
  });

  it('settles each request once and clears its timer', async () => {
    const { timers, pending } = setup();
    const call = pending.request('agent.health', null);
    expect(timers.active).toBe(1);
    expect(pending.settle({ type: 'response', id: 'g1', ok: true, result: 1 })).toBe(true);
    expect(timers.active).toBe(0);
    expect(pending.settle({ type: 'response', id: 'g1', ok: true, result: 2 })).toBe(false);
    await expect(call).resolves.toBe(1);
  });

  it('ignores responses to ids it never issued', () => {
    const { pending } = setup();
    expect(pending.settle({ type: 'response', id: 'a1', ok: true, result: null })).toBe(false);
  });

  it('rejects everything pending on close, and every later request', async () => {
    const { timers, pending } = setup();
    const calls = [pending.request('a.b', null), pending.request('a.c', null)];
    pending.close('heartbeat_timeout');
    pending.close('again');
    for (const call of calls) {
      const error = await failure(call);
      expect([error.code, error.message]).toEqual(['unavailable', 'connection closed: heartbeat_timeout']);
    }
    expect(timers.active).toBe(0);
    expect(pending.closed).toBe(true);
    expect((await failure(pending.request('a.d', null))).code).toBe('unavailable');
  });

  it('refuses more than maxPending outstanding requests', async () => {
    const { sent, pending } = setup({ maxPending: 2 });
    void pending.request('a.b', null);
    void pending.request('a.b', null);
    expect((await failure(pending.request('a.b', null))).code).toBe('rate_limited');
    expect(sent).toHaveLength(2);
  });

  it('refuses a timeout the peer would reject', async () => {
    const { pending } = setup();
    expect((await failure(pending.request('a.b', null, 0))).code).toBe('bad_request');
    expect((await failure(pending.request('a.b', null, MAX_REQUEST_TIMEOUT_MS + 1))).code).toBe(
      'bad_request',
    );
  });

  it('fails the request at once when sending throws', async () => {
    const { timers, pending } = setup({
      send: () => {
        throw new Error('socket closed');
      },
    });
    const error = await failure(pending.request('a.b', null));
    expect([error.code, error.message]).toEqual(['unavailable', 'sending a.b failed: socket closed']);
    expect(pending.size).toBe(0);
    expect(timers.active).toBe(0);
  });

  it('uses the global timers by default', async () => {
    vi.useFakeTimers();
    const pending = new PendingRequests({ send: () => undefined, defaultTimeoutMs: 100 });
    const call = pending.request('a.b', null);
    vi.advanceTimersByTime(100);
    expect((await failure(call)).code).toBe('timeout');
  });
});
