// Liveness and readiness probes.
import { Elysia, t } from "elysia";
import type { Logger } from "../log.ts";
import { operation } from "./operation.ts";

export const healthSchema = t.Object({ status: t.Literal("ok") });
export const readySchema = t.Object({
  status: t.UnionEnum(["ready", "unavailable", "draining"], { default: undefined }),
  checks: t.Record(t.String(), t.String(), { description: "Each dependency: ok, or unavailable: why" }),
}, { $id: "Readiness" });

/**
 * GET /health answers while the process runs; GET /ready only when every dependency answers. The public
 * body names which dependency is down and nothing more: drivers' messages carry hosts and ports, so
 * they go to the log.
 */
export function healthRoutes(checks: Record<string, () => Promise<void>>, options: { log?: Logger; draining?: () => boolean } = {}) {
  return new Elysia()
    .get("/health", () => ({ status: "ok" as const }), {
      response: { 200: healthSchema },
      detail: operation({ operationId: "health", summary: "200 while the process runs", tag: "operations", access: "public" }),
    })
    .get("/ready", async ({ set }) => {
      // Shutting down: load balancers must stop sending here at once, whatever the dependencies say.
      if (options.draining?.()) {
        set.status = 503;
        return { status: "draining" as const, checks: {} };
      }
      const results: Record<string, "ok" | "unavailable"> = {};
      await Promise.all(Object.entries(checks).map(async ([name, check]) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timed out after 2 s")), 2_000)))]);
          results[name] = "ok";
        } catch (error) {
          results[name] = "unavailable";
          options.log?.warn("readiness check failed", { check: name, error });
        } finally {
          clearTimeout(timer);
        }
      }));
      const ready = Object.values(results).every((r) => r === "ok");
      set.status = ready ? 200 : 503;
      return { status: ready ? "ready" as const : "unavailable" as const, checks: results };
    }, {
      response: { 200: readySchema, 503: readySchema },
      detail: operation({ operationId: "ready", summary: "200 when the database (and Redis, when configured) answer, else 503", tag: "operations", access: "public", success: { description: "Ready" }, errors: { 503: "A dependency is unavailable, or the hub is shutting down" } }),
    });
}
