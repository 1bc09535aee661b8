// A real gRPC server on loopback, serving `goldmane.Flows/Stream` from the agent's vendored proto
// over mTLS (the client certificate must verify against the given CA, as Goldmane requires), with
// Goldmane's stream semantics reduced to what a client can observe: the test publishes whole
// buckets of flows, an open stream receives each bucket as it is published, and a new stream with
// `start_time_gte` > 0 is first backfilled, in time order, with every kept bucket whose start time
// is at or after it (0 = from now on: no backfill). The bucket history outlives `restart()`, as the
// agent's view of a Goldmane that was only unreachable for a while.

import * as grpc from '@grpc/grpc-js';
import {
  goldmanePackage,
  type GoldmaneFlow,
  type GoldmaneFlowResult,
} from '../../src/providers/kubernetes/goldmane/goldmane-api.js';

export interface StreamRequestSeen {
  readonly start_time_gte: number;
  readonly aggregation_interval: number;
}

export interface GoldmaneServerTls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

type StreamCall = grpc.ServerWritableStream<
  { start_time_gte: string; aggregation_interval: string },
  GoldmaneFlowResult
>;

export class GoldmaneServer {
  readonly requests: StreamRequestSeen[] = [];
  /** Buckets by Goldmane start time, kept sorted by it. */
  readonly #buckets = new Map<number, GoldmaneFlow[]>();
  readonly #calls = new Set<StreamCall>();
  readonly #tls: GoldmaneServerTls;
  #server: grpc.Server | null = null;
  #port = 0;
  #nextId = 1;

  private constructor(tls: GoldmaneServerTls) {
    this.#tls = tls;
  }

  static async start(tls: GoldmaneServerTls, port = 0): Promise<GoldmaneServer> {
    const server = new GoldmaneServer(tls);
    await server.#listen(port);
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  openStreams(): number {
    return this.#calls.size;
  }

  /** Keeps a bucket and sends it to every open stream. */
  publish(startTime: number, flows: GoldmaneFlow[]): void {
    this.#buckets.set(startTime, flows);
    for (const call of this.#calls) this.#send(call, flows);
  }

  /** Drops every connection and stops listening (Goldmane's pod going away). */
  stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#calls.clear();
    server?.forceShutdown();
    return Promise.resolve();
  }

  /** Listens again on the same port, with the same bucket history. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#listen(this.#port);
  }

  async #listen(port: number): Promise<void> {
    const server = new grpc.Server();
    server.addService(goldmanePackage().Flows.service, {
      Stream: (call: StreamCall) => this.#stream(call),
    } satisfies grpc.UntypedServiceImplementation);
    const credentials = grpc.ServerCredentials.createSsl(
      this.#tls.ca,
      [{ cert_chain: this.#tls.cert, private_key: this.#tls.key }],
      true,
    );
    this.#port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
    this.#server = server;
  }

  #stream(call: StreamCall): void {
    const request = {
      start_time_gte: Number(call.request.start_time_gte),
      aggregation_interval: Number(call.request.aggregation_interval),
    };
    this.requests.push(request);
    if (request.start_time_gte > 0) {
      const starts = [...this.#buckets.keys()]
        .filter((t) => t >= request.start_time_gte)
        .sort((a, b) => a - b);
      for (const start of starts) this.#send(call, this.#buckets.get(start)!);
    }
    this.#calls.add(call);
    call.on('cancelled', () => this.#calls.delete(call));
    call.on('close', () => this.#calls.delete(call));
  }

  #send(call: StreamCall, flows: readonly GoldmaneFlow[]): void {
    for (const flow of flows) call.write({ id: String(this.#nextId++), flow });
  }
}
