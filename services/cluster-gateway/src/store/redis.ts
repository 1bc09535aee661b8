// The gateway's two Redis connections: one for commands (auto-pipelined, so the renewals of many
// tunnels in one sweep share round trips) and one in subscriber mode for the control channels.
import { Redis } from 'ioredis';

export interface RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;
}

export function connectRedis(url: string, gatewayId: string): RedisConnections {
  const options = { maxRetriesPerRequest: 2, enableAutoPipelining: true, connectionName: gatewayId };
  return {
    commands: new Redis(url, options),
    subscriber: new Redis(url, { ...options, maxRetriesPerRequest: null }),
  };
}

/** Graceful: QUIT after pending replies. */
export async function quitRedis(connections: RedisConnections): Promise<void> {
  await Promise.allSettled([connections.commands.quit(), connections.subscriber.quit()]);
}

/** Abrupt: drop the sockets, as a crashed process would. */
export function dropRedis(connections: RedisConnections): void {
  connections.commands.disconnect();
  connections.subscriber.disconnect();
}
