// Test helpers for operators: an admin account, and a user's view through the admin API.
import { changeUser } from "../admin/users.ts";
import { registerUser, type TestHub } from "./harness.ts";

/** Registers a user and makes it an admin (straight in the database, as `npm run admin -- promote` would). */
export async function registerAdmin(hub: TestHub) {
  const admin = await registerUser(hub);
  const changed = await changeUser(hub.runtime.deps.database.db, admin.user.id, { role: "admin" });
  if (!changed.ok) throw new Error(changed.message);
  return admin;
}

/** A JSON call as `token`; its status and parsed body. */
export async function json(hub: TestHub, path: string, init: { method?: string; token?: string; json?: unknown } = {}) {
  const response = await hub.request(path, { method: init.method ?? (init.json === undefined ? "GET" : "POST"), token: init.token, json: init.json });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as any, text };
}
