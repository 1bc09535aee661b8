// Enqueues catalogue jobs from the API (the worker consumes them). One BullMQ connection per
// process, under REDIS_PREFIX like every other key; options come from the catalogue, so a job is
// retried the same way wherever it is enqueued.
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { JOB_OPTIONS, JOB_QUEUE, type JobName, type JobPayloads, type QueueName } from './catalogue.js';

/** The BullMQ key prefix under a deployment's REDIS_PREFIX (the worker uses the same). */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

export class JobQueue {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly ownsConnection: boolean,
  ) {}

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  /** Adds a job; with `jobId`, a job of that id already waiting or running is not added again. */
  async add<N extends JobName>(name: N, payload: JobPayloads[N], jobId?: string): Promise<void> {
    await this.queue(JOB_QUEUE[name]).add(name, payload, {
      ...JOB_OPTIONS[name],
      ...(jobId ? { jobId } : {}),
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    if (this.ownsConnection) this.connection.disconnect();
  }
}

@Injectable()
export class ApiJobQueue extends JobQueue {
  constructor(@Inject(ENV) env: Env) {
    super(
      new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true }),
      bullPrefix(env.REDIS_PREFIX),
      true,
    );
  }
}

@Global()
@Module({ providers: [ApiJobQueue], exports: [ApiJobQueue] })
export class JobQueueModule implements OnApplicationShutdown {
  constructor(@Inject(ApiJobQueue) private readonly jobs: ApiJobQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.jobs.close();
  }
}
