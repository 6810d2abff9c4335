// The hot path's Redis connection: Bun's built-in RedisClient, which costs about 40% of node-redis per command
// here (node-redis runs over Bun's node:net compatibility layer). node-redis still serves the usage stream
// reader and pub/sub. While Redis is down, commands fail at once and one reconnect runs in the background.
import { RedisClient } from "bun";

export interface RedisCommands {
  send(command: string, args: string[]): Promise<unknown>;
  close(): void;
}

/** Connects Bun's RedisClient to `url`; calls fail fast while disconnected and the client reconnects on its own. */
export async function connectFastRedis(url: string): Promise<RedisCommands> {
  const client = new RedisClient(url, { enableOfflineQueue: false, autoReconnect: true, connectionTimeout: 2_000, maxRetries: 1_000_000 });
  await client.connect();
  let reconnecting: Promise<void> | null = null;
  let closed = false;
  const reconnect = () => {
    reconnecting ??= client.connect().catch(() => {}).finally(() => {
      reconnecting = null;
    });
  };
  return {
    async send(command, args) {
      if (!client.connected) {
        if (!closed) reconnect();
        throw new Error("Redis is not connected");
      }
      return await client.send(command, args);
    },
    close() {
      closed = true;
      client.close();
    },
  };
}
