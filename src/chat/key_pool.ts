// Upstream key pools: keys rotate per call; a refused key (401/403) is set aside, a throttled one (429) rests.
import type { UpstreamConfig } from "../config.ts";

/** A key that is out of rotation, named by its position in the pool (never by its secret). */
export interface KeyState {
  key: string;
  state: "set_aside" | "resting";
  reason: string;
  /** When it rests until (ISO time), for a resting key. */
  until: string | null;
}

export interface KeyPool {
  /** The next usable key of `upstream` ("" when it has none configured), or null when every key is out. */
  next(upstream: UpstreamConfig): string | null;
  /** Takes a refused key out of rotation until the hub restarts (operators see it). */
  setAside(upstream: UpstreamConfig, key: string, reason: string): void;
  /** Rests a throttled key for `ms`. */
  rest(upstream: UpstreamConfig, key: string, ms: number): void;
  /** The keys out of rotation, for operators. */
  view(upstream: UpstreamConfig): KeyState[];
}

/** The keys of an upstream's pool. */
export function poolKeys(upstream: UpstreamConfig): readonly string[] {
  return upstream.apiKeys ?? (upstream.apiKey ? [upstream.apiKey] : []);
}

/** Creates the in-process key pools of every upstream. */
export function createKeyPool(options: { now?: () => number } = {}): KeyPool {
  const now = options.now ?? Date.now;
  const cursor = new Map<string, number>();
  const setAside = new Map<string, string>();
  const resting = new Map<string, number>();
  const slot = (upstream: UpstreamConfig, key: string) => `${upstream.name}\u0000${key}`;
  return {
    next(upstream) {
      const keys = poolKeys(upstream);
      if (keys.length === 0) return "";
      const start = cursor.get(upstream.name) ?? 0;
      const t = now();
      for (let i = 0; i < keys.length; i++) {
        const index = (start + i) % keys.length;
        const s = slot(upstream, keys[index]!);
        if (setAside.has(s) || (resting.get(s) ?? 0) > t) continue;
        resting.delete(s);
        cursor.set(upstream.name, index + 1);
        return keys[index]!;
      }
      return null;
    },
    setAside(upstream, key, reason) {
      if (key) setAside.set(slot(upstream, key), reason);
    },
    rest(upstream, key, ms) {
      if (key) resting.set(slot(upstream, key), now() + ms);
    },
    view(upstream) {
      const t = now();
      return poolKeys(upstream).flatMap((key, i): KeyState[] => {
        const s = slot(upstream, key);
        const aside = setAside.get(s);
        if (aside) return [{ key: `#${i + 1}`, state: "set_aside", reason: aside, until: null }];
        const until = resting.get(s) ?? 0;
        return until > t ? [{ key: `#${i + 1}`, state: "resting", reason: "HTTP 429", until: new Date(until).toISOString() }] : [];
      });
    },
  };
}
