// A hub process and Debian's Chromium (driven by playwright-core) for the console's browser suites.
import { afterAll, beforeAll } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { type HubProcess, spawnHub } from "./process.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SHOTS = resolve("test-output/screenshots");

export interface ConsoleBrowser {
  hub: HubProcess;
  browser: Browser;
  /** Registers a new user in `page` and lands on the dashboard. */
  register(page: Page, options?: { name?: string; mail?: string }): Promise<void>;
  /** One chat call with `secret`; its status. */
  chat(secret: string): Promise<number>;
  close(): Promise<void>;
}

/** A fresh email address tagged `tag`. */
export const email = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

/** Starts a hub on the embedded default (with `env` on top) and a headless Chromium with this machine's flags. */
export async function openConsoleBrowser(env: Record<string, string> = {}): Promise<ConsoleBrowser> {
  mkdirSync(SHOTS, { recursive: true });
  // Every browser user registers from 127.0.0.1: more than the default registrations per address per hour.
  const hub = await spawnHub({ DATA_DIR: mkdtempSync(join(tmpdir(), "aihub-browser-")), DEMO_CHUNK_DELAY_MS: "5", REGISTRATIONS_PER_HOUR_PER_ADDRESS: "1000", ...env });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  return {
    hub,
    browser,
    async register(page, options = {}) {
      await page.goto(`${hub.base}/register`);
      await page.fill("#full_name", options.name ?? "Newcomer");
      await page.fill("#email", options.mail ?? email("web"));
      await page.fill("#password", "browser-password-1");
      await Promise.all([page.waitForURL(`${hub.base}/dashboard`), page.click("button[type=submit]")]);
    },
    async chat(secret) {
      const r = await fetch(`${hub.base}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "from the browser test" }] }),
      });
      await r.text();
      return r.status;
    },
    async close() {
      await browser.close();
      await hub.stop();
    },
  };
}

/**
 * Opens a hub and Chromium before a test file's tests and closes them after: the returned object reads the
 * opened one (its properties are there once beforeAll ran). `env` (or a function giving it, called when they
 * open) configures the hub on top of the defaults.
 */
export function useConsoleBrowser(env: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) = {}): ConsoleBrowser {
  let opened: ConsoleBrowser | null = null;
  beforeAll(async () => {
    opened = await openConsoleBrowser(typeof env === "function" ? await env() : env);
  }, 60_000);
  afterAll(async () => {
    await opened?.close();
  });
  return new Proxy({} as ConsoleBrowser, { get: (_, name) => opened![name as keyof ConsoleBrowser] });
}
