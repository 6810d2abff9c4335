// The hot path's Redis connection: Bun's built-in RedisClient, which costs about 40% of node-redis per command
// here (node-redis runs over Bun's node:net compatibility layer). node-redis still serves the usage stream
// reader and pub/sub. While Redis is down, commands fail at once and one reconnect runs in the background.
// On a Redis Cluster, one such connection per master, and each command goes to its key's slot's master.
import { RedisClient } from "bun";
import { SLOTS, slotOf } from "./slot.ts";

export interface RedisCommands {
  /** Runs one command; on a cluster it goes to the master of its first key's slot (keyless commands: any master). */
  send(command: string, args: string[]): Promise<unknown>;
  /** True on a Redis Cluster: one script may then touch only keys of one slot. */
  readonly cluster: boolean;
  /** One connection per master (a single Redis is its own only master), for keyless commands such as SCAN. */
  masters(): Promise<RedisCommands[]>;
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
  const node: RedisCommands = {
    cluster: false,
    async send(command, args) {
      if (!client.connected) {
        if (!closed) reconnect();
        throw new Error("Redis is not connected");
      }
      return await client.send(command, args);
    },
    async masters() {
      return [node];
    },
    close() {
      closed = true;
      client.close();
    },
  };
  return node;
}

/** The key a command is routed by: EVAL/EVALSHA's first key, else its first argument; null for keyless commands. */
function routingKey(command: string, args: string[]): string | null {
  switch (command.toUpperCase()) {
    case "EVAL":
    case "EVALSHA":
      return Number(args[1]) > 0 ? args[2]! : null;
    case "SCAN":
    case "PING":
    case "TIME":
    case "INFO":
      return null;
    default:
      return args[0] ?? null;
  }
}

const REDIRECTS = 5;

/**
 * Connects to a Redis Cluster through any of `seeds` ("host:port"): reads the slot map (CLUSTER SLOTS), opens one
 * fast connection per master, and sends each command to its slot's master. MOVED updates the map (and refreshes it
 * in the background) and retries; ASK sends ASKING and the command to the importing node once.
 */
export async function connectFastRedisCluster(seeds: string[]): Promise<RedisCommands> {
  const owner: string[] = new Array(SLOTS);
  const nodes = new Map<string, Promise<RedisCommands>>();
  let closed = false;

  const nodeAt = (address: string): Promise<RedisCommands> => {
    let node = nodes.get(address);
    if (!node) {
      node = connectFastRedis(`redis://${address}`);
      nodes.set(address, node);
      // A node that cannot be reached now is tried afresh on its next use.
      node.catch(() => nodes.get(address) === node && nodes.delete(address));
    }
    return node;
  };

  let refreshing: Promise<void> | null = null;
  const refresh = () => refreshing ??= (async () => {
    let lastError: unknown = null;
    for (const address of [...new Set([...owner.filter(Boolean), ...seeds])]) {
      try {
        const ranges = (await (await nodeAt(address)).send("CLUSTER", ["SLOTS"])) as Array<[number, number, [string, number, ...unknown[]]]>;
        for (const [first, last, [host, port]] of ranges) {
          // A node announcing no host is reached at the address we asked.
          const target = `${host && host !== "?" ? host : address.slice(0, address.lastIndexOf(":"))}:${port}`;
          for (let slot = Number(first); slot <= Number(last); slot++) owner[slot] = target;
        }
        return;
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`Redis Cluster: no node of ${seeds.join(", ")} answered CLUSTER SLOTS (${(lastError as Error)?.message})`);
  })().finally(() => {
    refreshing = null;
  });
  await refresh();
  let lastRefresh = Date.now();
  const refreshSoon = () => {
    if (Date.now() - lastRefresh < 1_000) return;
    lastRefresh = Date.now();
    refresh().catch(() => {});
  };

  const anyMaster = () => owner[0] ?? seeds[0]!;
  const cluster: RedisCommands = {
    cluster: true,
    async send(command, args) {
      const key = routingKey(command, args);
      let address = key === null ? anyMaster() : owner[slotOf(key)] ?? anyMaster();
      let asking = false;
      for (let attempt = 0; ; attempt++) {
        if (closed) throw new Error("Redis is not connected");
        let node: RedisCommands;
        try {
          node = await nodeAt(address);
        } catch (error) {
          refreshSoon();
          throw error;
        }
        try {
          if (!asking) return await node.send(command, args);
          const ask = node.send("ASKING", []);
          const reply = node.send(command, args);
          await ask;
          return await reply;
        } catch (error) {
          const message = String((error as Error).message);
          if (attempt >= REDIRECTS) throw error;
          const redirect = /^(?:ERR )?(MOVED|ASK) (\d+) (\S+)/.exec(message);
          if (redirect) {
            address = redirect[3]!;
            asking = redirect[1] === "ASK";
            if (!asking) {
              owner[Number(redirect[2])] = address;
              refresh().catch(() => {});
            }
            continue;
          }
          // The cluster is moving a slot or electing a master: try again shortly.
          if (/^(?:ERR )?(TRYAGAIN|CLUSTERDOWN)/.test(message)) {
            await Bun.sleep(20 * (attempt + 1));
            continue;
          }
          // A master that cannot be reached may have been replaced (failover): the call fails at once (503), and
          // the slot map is read again so later calls find the new master. A server's error reply is the call's own.
          if ((error as { code?: string }).code !== "ERR_REDIS_SERVER_ERROR") refreshSoon();
          throw error;
        }
      }
    },
    async masters() {
      await refresh().catch(() => {});
      return await Promise.all([...new Set(owner.filter(Boolean))].map((address) => nodeAt(address)));
    },
    close() {
      closed = true;
      for (const node of nodes.values()) node.then((n) => n.close(), () => {});
    },
  };
  return cluster;
}
