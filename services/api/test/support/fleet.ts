// Test tooling for cluster end-to-end suites: real cluster gateways on the test context's database
// (as the palisade_gateway role) and Redis prefix, real simulated agents, and a GraphQL
// subscription client (graphql-ws over a real WebSocket).
import { waitFor } from '@palisade/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startGateway, type RunningGateway } from '@palisade/cluster-gateway';
import { startSimulatedAgent } from '@palisade/agent/simulated';
import type { TestContext } from '../context.js';

export const SHOP_EXAMPLE = new URL('../../../../agent/examples/shop.yaml', import.meta.url).pathname;

export function gatewayDatabaseUrl(ctx: TestContext): string {
  const u = new URL(ctx.env.DATABASE_URL);
  u.username = 'palisade_gateway';
  return u.toString();
}

export async function startTestGateway(
  ctx: TestContext,
  port = 0,
  gatewayId?: string,
): Promise<RunningGateway> {
  return startGateway({
    databaseUrl: gatewayDatabaseUrl(ctx),
    redisUrl: ctx.env.REDIS_URL,
    redisPrefix: ctx.env.REDIS_PREFIX,
    host: '127.0.0.1',
    port,
    logLevel: 'silent',
    ...(gatewayId ? { gatewayId } : {}),
  });
}

export type TestAgent = Awaited<ReturnType<typeof startSimulatedAgent>>;

export async function startTestAgent(opts: {
  port: number;
  token?: string | null;
  stateDir?: string;
  file?: string;
}): Promise<TestAgent> {
  return startSimulatedAgent({
    file: opts.file ?? SHOP_EXAMPLE,
    gatewayUrl: `ws://127.0.0.1:${opts.port}/v1/tunnel`,
    enrollmentToken: opts.token ?? null,
    stateDir: opts.stateDir ?? mkdtempSync(join(tmpdir(), 'palisade-agent-')),
    watch: false,
  });
}

/** Polls `check` until it returns a value (not undefined, null or false), or fails after `timeoutMs`. */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  return waitFor(check, what, timeoutMs, 100);
}

/** A live GraphQL subscription collecting every event it receives. */
export class Subscription<T> {
  readonly events: T[] = [];
  readonly errors: unknown[] = [];
  private readonly client: Client;
  private readonly dispose: () => void;

  constructor(ctx: TestContext, token: string, query: string, variables: Record<string, unknown>) {
    this.client = createClient({
      url: `${ctx.origin.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    this.dispose = this.client.subscribe<T>(
      { query, variables },
      {
        next: (v) => {
          if (v.errors) this.errors.push(v.errors);
          else if (v.data) this.events.push(v.data);
        },
        error: (e) => this.errors.push(e),
        complete: () => undefined,
      },
    );
  }

  async close(): Promise<void> {
    this.dispose();
    await this.client.dispose();
  }
}
