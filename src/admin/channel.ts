// The local admin channel: a running hub takes operator commands on loopback from whoever can read its token file
// (DATA_DIR/admin-channel.json, mode 0600), so `npm run admin` works while the hub owns the embedded database.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import { CommandError, type CommandDeps, runAdminCommand } from "./commands.ts";

export const CHANNEL_FILE = "admin-channel.json";

interface ChannelFile {
  port: number;
  token: string;
  pid: number;
}

export interface AdminChannel {
  port: number;
  stop(): void;
}

function tokenMatches(expected: string, header: string | null): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Listens on 127.0.0.1 (a free port) for commands and writes the token file; stop() removes it. */
export function startAdminChannel(deps: CommandDeps, options: { dataDir: string; log: Logger }): AdminChannel {
  const token = randomBytes(32).toString("base64url");
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      if (request.method !== "POST" || new URL(request.url).pathname !== "/command") return new Response("Not found", { status: 404 });
      if (!tokenMatches(token, request.headers.get("authorization"))) return Response.json({ error: "Invalid admin channel token" }, { status: 401 });
      let args: unknown;
      try {
        args = ((await request.json()) as { args?: unknown }).args;
      } catch {
        return Response.json({ error: "The body must be JSON {args: string[]}" }, { status: 400 });
      }
      if (!Array.isArray(args) || args.length > 20 || !args.every((a) => typeof a === "string" && a.length <= 1000)) return Response.json({ error: "args must be a list of strings" }, { status: 400 });
      try {
        const { output } = await runAdminCommand(deps, args);
        options.log.info("admin command", { command: args[0] ?? "help" });
        return Response.json({ output });
      } catch (error) {
        if (error instanceof CommandError) return Response.json({ error: error.message }, { status: 400 });
        options.log.error("admin command failed", { error });
        return Response.json({ error: "The command failed inside the hub; see its log" }, { status: 500 });
      }
    },
  });
  const file = join(options.dataDir, CHANNEL_FILE);
  mkdirSync(options.dataDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ port: server.port!, token, pid: process.pid } satisfies ChannelFile), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return {
    port: server.port!,
    stop() {
      server.stop(true);
      // Another hub may have taken the file over since (several hubs on one data directory with PostgreSQL).
      try {
        if ((JSON.parse(readFileSync(file, "utf8")) as ChannelFile).pid === process.pid) rmSync(file, { force: true });
      } catch {}
    },
  };
}

/**
 * Sends a command to the hub running on `dataDir`: its output, or null when no hub answers there (no token file, or
 * nothing listening), so the caller opens the database itself. A refused command throws CommandError.
 */
export async function sendToRunningHub(dataDir: string, args: string[]): Promise<string | null> {
  const file = join(dataDir, CHANNEL_FILE);
  if (!existsSync(file)) return null;
  let channel: ChannelFile;
  try {
    channel = JSON.parse(readFileSync(file, "utf8")) as ChannelFile;
  } catch {
    return null;
  }
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${channel.port}/command`, {
      method: "POST",
      headers: { authorization: `Bearer ${channel.token}`, "content-type": "application/json" },
      body: JSON.stringify({ args }),
    });
  } catch {
    return null;
  }
  const body = (await response.json().catch(() => ({}))) as { output?: string; error?: string };
  if (!response.ok) throw new CommandError(body.error ?? `The hub refused the command (${response.status})`);
  return body.output ?? "";
}
