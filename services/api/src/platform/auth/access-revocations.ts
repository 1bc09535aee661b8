// "This user's access just ended": one Redis pub/sub channel that every API replica listens on, so
// that the GraphQL sockets a user holds are re-checked at once — not at the next periodic round —
// when their sessions are ended (by themselves, an owner or SCIM deactivation) or a membership is
// taken away by SCIM (decision 0110). It only triggers a re-check; the re-check reads the database,
// so a lost message costs nothing but the wait for the periodic round (SUBSCRIPTION_LIMITS).
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisClient } from '../queue/redis.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AccessRevocations implements OnModuleInit, OnModuleDestroy {
  readonly #listeners = new Set<(userId: string) => void>();
  #subscriber: Redis | null = null;

  constructor(@Inject(RedisClient) private readonly redis: RedisClient) {}

  private get channel(): string {
    return this.redis.key('access-revoked');
  }

  async onModuleInit(): Promise<void> {
    this.#subscriber = this.redis.redis.duplicate();
    this.#subscriber.on('message', (_channel: string, userId: string) => {
      if (!UUID.test(userId)) return;
      for (const fn of this.#listeners) fn(userId);
    });
    await this.#subscriber.subscribe(this.channel);
  }

  async onModuleDestroy(): Promise<void> {
    this.#listeners.clear();
    await this.#subscriber?.quit().catch(() => undefined);
  }

  /** Announces, after the change has committed, that `userIds` lost sessions or access. */
  async publish(userIds: Iterable<string>): Promise<void> {
    for (const id of new Set(userIds)) {
      await this.redis.redis.publish(this.channel, id).catch(() => undefined);
    }
  }

  onRevoked(listener: (userId: string) => void): void {
    this.#listeners.add(listener);
  }
}
