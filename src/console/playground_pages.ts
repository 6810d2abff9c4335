// Console pages for trying the API: the playground (through the developer API's own runCall) and the reference.
import { Elysia } from "elysia";
import type { User } from "../auth/mod.ts";
import { parseSeedChat } from "../chat/mod.ts";
import { runCall, seedChatPlan, startCall } from "../gateway/mod.ts";
import { HttpError, plainHost } from "../http/mod.ts";
import { isExpired, listApiKeys, verifyOwnedKey } from "../keys/mod.ts";
import { PlaygroundPage } from "../../views/pages/playground.tsx";
import { ReferencePage } from "../../views/pages/reference.tsx";
import type { PageContext } from "../../views/types.ts";
import { errorText } from "./error_text.ts";
import { type ConsoleDeps, consoleSession, requireUser } from "./session.ts";

interface Selected {
  keyId: number;
  model: string;
  message: string;
}

function selectedOf(body: unknown): Selected {
  const form = body as Record<string, string>;
  return { keyId: Number(form.key_id), model: String(form.model ?? ""), message: String(form.message ?? "") };
}

/** The playground and API reference pages. */
export function playgroundPages(deps: ConsoleDeps) {
  const { database: { db }, config } = deps;

  async function playgroundProps(page: PageContext, user: User, selected: Partial<Selected>) {
    const keys = (await listApiKeys(db, user.id)).filter((k) => k.isActive && !isExpired(k));
    return { ctx: page, keys: keys.map((k) => ({ id: k.id, name: k.name, prefix: k.keyPrefix })), models: config.models.map((m) => ({ id: m.id, name: m.name })), selected };
  }

  /** A playground message runs through the developer API's own path and input rules, charged to the chosen key. */
  async function playgroundCall(user: User, selected: Selected, stream: boolean, signal: AbortSignal): Promise<Response> {
    const verdict = Number.isSafeInteger(selected.keyId) ? await verifyOwnedKey(db, user.id, selected.keyId) : { valid: false as const, code: "NOT_FOUND" as const };
    if (!verdict.valid) throw new HttpError("invalid_api_key", "Invalid or expired API key");
    const call = startCall(verdict.key, "/playground");
    return await runCall(deps, call, () => seedChatPlan(deps, call, parseSeedChat({ message: selected.message.trim(), model: selected.model || undefined, stream }), signal));
  }

  return new Elysia()
    .use(consoleSession(deps))
    .onBeforeHandle(requireUser)
    .get("/dashboard/playground", async ({ page, user, html }) => html(PlaygroundPage(await playgroundProps(page, user!, {}))))
    .post("/dashboard/playground", async ({ page, user, body, request, html, set }) => {
      const selected = selectedOf(body);
      try {
        const response = await playgroundCall(user!, selected, false, request.signal);
        const json = await response.json() as { response: string; model: string; tokens_used: number; cost: number };
        return html(PlaygroundPage({ ...(await playgroundProps(page, user!, selected)), answer: { text: json.response, meta: `${json.model} · ${json.tokens_used} tokens · $${json.cost}` } }));
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        set.status = error.status;
        return html(PlaygroundPage({ ...(await playgroundProps(page, user!, selected)), errors: { form: errorText(page.t, error) } }));
      }
    })
    .post("/dashboard/playground/stream", async ({ page, user, body, request }) => {
      try {
        return await playgroundCall(user!, selectedOf(body), true, request.signal);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return new Response(errorText(page.t, error), { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" } });
      }
    })
    .get("/reference", ({ page, request, html }) => {
      // Only a plain host name makes it into the page's examples; anything else reads as localhost.
      const baseUrl = config.publicOrigin ?? `http://${plainHost(request) ?? `localhost:${config.port}`}`;
      return html(ReferencePage({ ctx: page, baseUrl, models: config.models.map((m) => m.id) }));
    });
}
