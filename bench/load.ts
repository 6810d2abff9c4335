// A closed-loop HTTP load generator: C concurrent clients for D seconds, each reading the whole response.

export interface LoadResult {
  requests: number;
  errors: number;
  nonOk: number;
  rps: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `connections` loops POSTing `body` to `url` for `seconds`; latencies in ms. */
export async function runLoad(url: string, options: { body: string; headers?: Record<string, string>; connections: number; seconds: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let nonOk = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const headers = { "content-type": "application/json", ...options.headers };
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await fetch(url, { method: "POST", headers, body: options.body });
        await response.arrayBuffer();
        if (response.status !== 200) nonOk++;
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, nonOk, rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
