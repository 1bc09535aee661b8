// Reaches a cluster from the API, one hop through Redis to the gateway that holds its tunnel
// (docs/decisions/0006): reads the cluster's lease, publishes the request on that gateway's control
// channel and waits on this API instance's reply channel. Also publishes revocations.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { AppError } from '../../platform/errors/app-error.js';
import { RedisClient } from '../../platform/queue/redis.js';
import { clusterKeys, parseLease, readLeases, type ClusterLease } from './cluster-keys.js';

interface Reply {
  requestId: string;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

@Injectable()
export class ClusterRouter implements OnModuleInit, OnModuleDestroy {
  private readonly keys;
  private readonly instanceId: string;
  private subscriber: Redis | null = null;
  private readonly pending = new Map<string, Pending>();

  constructor(
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.keys = clusterKeys(redis.prefix);
    this.instanceId = env.API_INSTANCE_ID ?? randomUUID();
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.redis.duplicate();
    this.subscriber.on('message', (_channel: string, message: string) => this.onReply(message));
    await this.subscriber.subscribe(this.keys.apiReplies(this.instanceId));
  }

  async onModuleDestroy(): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new AppError('UNAVAILABLE', 'the API is shutting down'));
      this.pending.delete(id);
    }
    await this.subscriber?.quit().catch(() => undefined);
  }

  async lease(clusterId: string): Promise<ClusterLease | null> {
    return parseLease(await this.redis.redis.get(this.keys.lease(clusterId)));
  }

  leases(clusterIds: readonly string[]): Promise<Map<string, ClusterLease>> {
    return readLeases(this.redis, clusterIds);
  }

  /** Sends `method` to the cluster's agent and returns its result, or throws UNAVAILABLE. */
  async request(
    clusterId: string,
    clusterName: string,
    method: string,
    params: unknown = {},
  ): Promise<unknown> {
    const lease = await this.lease(clusterId);
    if (!lease) throw new AppError('UNAVAILABLE', `cluster ${clusterName} is offline: no agent is connected`);
    const requestId = randomUUID();
    const timeoutMs = this.env.CLUSTER_REQUEST_TIMEOUT;
    const result = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(
          new AppError('UNAVAILABLE', `cluster ${clusterName} did not answer within ${timeoutMs / 1000}s`),
        );
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
    });
    const receivers = await this.redis.redis.publish(
      this.keys.gatewayControl(lease.gatewayId),
      JSON.stringify({
        kind: 'request',
        requestId,
        clusterId,
        method,
        params,
        replyTo: this.keys.apiReplies(this.instanceId),
        timeoutMs,
      }),
    );
    if (receivers === 0) {
      const p = this.pending.get(requestId);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(requestId);
      }
      throw new AppError('UNAVAILABLE', `cluster ${clusterName} is offline: its gateway is not reachable`);
    }
    return result;
  }

  /** Tells whichever gateway holds the cluster's tunnel to close it now. */
  async revoke(clusterId: string): Promise<void> {
    const lease = await this.lease(clusterId);
    const msg = JSON.stringify({ kind: 'revoke', clusterId });
    if (lease) await this.redis.redis.publish(this.keys.gatewayControl(lease.gatewayId), msg);
    await this.redis.redis.publish(this.keys.revocations(), msg);
  }

  private onReply(message: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(message) as Reply;
    } catch {
      return;
    }
    const p = this.pending.get(reply.requestId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(reply.requestId);
    if (reply.ok) p.resolve(reply.result ?? null);
    else
      p.reject(
        new AppError(
          'UNAVAILABLE',
          `the agent answered with an error: ${reply.error?.message ?? reply.error?.code ?? 'unknown'}`,
        ),
      );
  }
}
