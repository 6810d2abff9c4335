// Liveness and readiness probes.
import { Elysia } from "elysia";

/** GET /health answers while the process runs; GET /ready only when every dependency answers. */
export function healthRoutes(checks: Record<string, () => Promise<void>>) {
  return new Elysia()
    .get("/health", () => ({ status: "ok" }))
    .get("/ready", async ({ set }) => {
      const results: Record<string, string> = {};
      await Promise.all(Object.entries(checks).map(async ([name, check]) => {
        try {
          await Promise.race([check(), Bun.sleep(2_000).then(() => Promise.reject(new Error("timed out")))]);
          results[name] = "ok";
        } catch (error) {
          results[name] = `unavailable: ${(error as Error).message}`;
        }
      }));
      const ready = Object.values(results).every((r) => r === "ok");
      set.status = ready ? 200 : 503;
      return { status: ready ? "ready" : "unavailable", checks: results };
    });
}
