// Every console page for the browser sweeps (layout at phone/desktop widths, axe-core), and the data that fills them.
import type { Browser, BrowserContext } from "playwright-core";
import { call } from "./process.ts";

/** Who looks at a page: nobody signed in, a developer with keys and calls, or an operator. */
export type Viewer = "visitor" | "user" | "admin";

/** What the fixture made, for paths that name a record. */
export interface SweepFixture {
  userId: number;
  logId: string;
  keyIds: number[];
}

export interface ConsolePage {
  /** The screenshot's name: `<name>-<lang>-<width>[-nojs].png`. */
  name: string;
  as: Viewer;
  path: string | ((fixture: SweepFixture) => string);
  /** A selector that is on screen once the page is ready (JavaScript on only; e.g. what a script renders). */
  ready?: string;
  /** The status the page answers with (200 unless said). */
  status?: number;
}

/** Every page of the console. A new page is one more line here. */
export const CONSOLE_PAGES: ConsolePage[] = [
  { name: "landing", as: "visitor", path: "/" },
  { name: "models", as: "visitor", path: "/models" },
  { name: "login", as: "visitor", path: "/login" },
  { name: "register", as: "visitor", path: "/register" },
  { name: "forgot-password", as: "visitor", path: "/forgot-password" },
  { name: "reset-password", as: "visitor", path: "/reset-password?token=sweep-token-that-is-not-real" },
  { name: "verify-email", as: "visitor", path: "/verify-email?token=sweep-token-that-is-not-real", status: 400 },
  { name: "docs", as: "visitor", path: "/docs" },
  { name: "docs-quickstart", as: "visitor", path: "/docs/quickstart" },
  { name: "docs-api", as: "visitor", path: "/docs/api", ready: ".swagger-ui .info .title" },
  { name: "not-found", as: "visitor", path: "/no-such-page", status: 404 },
  { name: "dashboard", as: "user", path: "/dashboard" },
  { name: "api-keys", as: "user", path: "/dashboard/api-keys" },
  { name: "api-key", as: "user", path: (f) => `/dashboard/api-keys/${f.keyIds[0]}` },
  { name: "usage", as: "user", path: "/dashboard/usage?days=30" },
  { name: "logs", as: "user", path: "/dashboard/logs" },
  { name: "log-detail", as: "user", path: (f) => `/dashboard/logs/${encodeURIComponent(f.logId)}` },
  { name: "playground", as: "user", path: "/dashboard/playground" },
  { name: "reference", as: "user", path: "/reference" },
  { name: "settings", as: "user", path: "/dashboard/settings" },
  { name: "admin", as: "admin", path: "/admin" },
  { name: "admin-users", as: "admin", path: "/admin/users" },
  { name: "admin-user", as: "admin", path: (f) => `/admin/users/${f.userId}` },
  { name: "admin-plans", as: "admin", path: "/admin/plans" },
  { name: "admin-catalog", as: "admin", path: "/admin/catalog" },
  { name: "admin-audit", as: "admin", path: "/admin/audit" },
];

export interface SweepSetup {
  fixture: SweepFixture;
  /** Cookies (a console session) for each viewer; the visitor's is empty. */
  states: Record<Viewer, Awaited<ReturnType<BrowserContext["storageState"]>>>;
}

const PASSWORD = "sweep-password-1";

async function jsonOf(response: Response): Promise<any> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Logs `email` in through the console's form in a fresh context; its cookies. */
async function signIn(browser: Browser, base: string, email: string) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill("#email", email);
    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click("main button[type=submit]")]);
    return await context.storageState();
  } finally {
    await context.close();
  }
}

/**
 * A developer with an active and a revoked key, successful and failed calls and a webhook, and an operator
 * (`adminEmail` must be among the hub's ADMIN_EMAILS); both signed in.
 */
export async function setUpSweep(browser: Browser, base: string, adminEmail: string): Promise<SweepSetup> {
  const userEmail = `sweep-${Date.now().toString(36)}@example.com`;
  const user = await jsonOf(await call(base, "/api/v1/auth/register", { json: { email: userEmail, password: PASSWORD, full_name: "张伟 (Sweep)" } }));
  await jsonOf(await call(base, "/api/v1/auth/register", { json: { email: adminEmail, password: PASSWORD, full_name: "Operator" } }));
  const token = user.access_token as string;
  const main = await jsonOf(await call(base, "/api/v1/developer/api-keys", { token, json: { name: "production backend", description: "the main service, with a description long enough to wrap on a phone" } }));
  const old = await jsonOf(await call(base, "/api/v1/developer/api-keys", { token, json: { name: "old laptop" } }));
  await jsonOf(await call(base, `/api/v1/developer/api-keys/${old.id}`, { token, method: "DELETE" }));
  for (const model of ["demo", "demo", "demo", "no-such-model"]) {
    await (await call(base, "/v1/chat/completions", { token: main.key, json: { model, messages: [{ role: "user", content: "hello from the sweep" }] } })).text();
  }
  await jsonOf(await call(base, "/api/v1/developer/webhooks", { token, json: { url: "http://127.0.0.1:9/aihub-hook", events: ["quota.threshold", "key.revoked"] } }));
  const [userState, adminState] = await Promise.all([signIn(browser, base, userEmail), signIn(browser, base, adminEmail)]);
  // Usage records are written in batches: wait until the log lists the calls.
  let logId = "";
  for (let i = 0; i < 300 && !logId; i++) {
    const context = await browser.newContext({ storageState: userState });
    const html = await (await context.request.get(`${base}/dashboard/logs`)).text();
    await context.close();
    logId = decodeURIComponent(/href="\/dashboard\/logs\/([^"?]+)"/.exec(html)?.[1] ?? "");
    if (!logId) await Bun.sleep(100);
  }
  if (!logId) throw new Error("the request log stayed empty");
  return {
    fixture: { userId: user.user.id, logId, keyIds: [main.id, old.id] },
    states: { visitor: { cookies: [], origins: [] }, user: userState, admin: adminState },
  };
}
