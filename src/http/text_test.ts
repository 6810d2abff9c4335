// Text fields refuse NUL and control characters with a 422 naming the field, on the API and in console forms.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SESSION_COOKIE } from "../auth/session_plugin.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { hasControlCharacters } from "./text.ts";

describe("hasControlCharacters()", () => {
  test("finds NUL, C0 controls and DEL; tab and line breaks only in one-line text", () => {
    for (const c of ["\u0000", "\u0001", "\u0008", "\u000B", "\u000C", "\u001B", "\u001F", "\u007F"]) {
      expect(hasControlCharacters(`a${c}b`)).toBe(true);
      expect(hasControlCharacters(`a${c}b`, { multiline: true })).toBe(true);
    }
    for (const c of ["\t", "\n", "\r"]) {
      expect(hasControlCharacters(`a${c}b`)).toBe(true);
      expect(hasControlCharacters(`a${c}b`, { multiline: true })).toBe(false);
    }
    expect(hasControlCharacters("Ada Lovelace – 数学家 🧮")).toBe(false);
  });
});

/** The cookies a response set, as one Cookie header value merged over `previous`. */
function cookiesFrom(response: Response, previous = ""): string {
  const jar = new Map(previous.split("; ").filter(Boolean).map((c) => c.split("=") as [string, string]));
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

for (const backend of BACKENDS) {
  describe(`control characters in text fields on ${backend}`, () => {
    let hub: TestHub;
    let token: string;
    beforeAll(async () => {
      hub = await createTestHub({ backend });
      ({ token } = await registerUser(hub));
    }, 60_000);
    afterAll(() => hub.close());

    const post = (path: string, json: unknown, auth?: string) => hub.request(path, { method: "POST", json, token: auth });

    test("register refuses NUL in email and full_name with 422 naming the field", async () => {
      const email = await post("/api/v1/auth/register", { email: "nul\u0000@example.com", password: "long enough" });
      expect(email.status).toBe(422);
      expect(await email.json()).toEqual({ detail: "Invalid field 'email': must not contain control characters (such as NUL)" });
      const name = await post("/api/v1/auth/register", { email: `ok-${Date.now()}@example.com`, password: "long enough", full_name: "Ada\u0000" });
      expect(name.status).toBe(422);
      expect(await name.json()).toEqual({ detail: "Invalid field 'full_name': must not contain control characters (such as NUL)" });
    });

    test("login refuses NUL in email with 422, not a database error", async () => {
      const response = await post("/api/v1/auth/login", { email: "a\u0000@example.com", password: "whatever123" });
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ detail: "Invalid field 'email': must not contain control characters (such as NUL)" });
    });

    test("key creation refuses control characters in name and description; a description may span lines", async () => {
      const name = await post("/api/v1/developer/api-keys", { name: "k\u0000" }, token);
      expect(name.status).toBe(422);
      expect(await name.json()).toEqual({ detail: "Invalid field 'name': must not contain control characters (such as NUL)" });
      const tab = await post("/api/v1/developer/api-keys", { name: "a\tb" }, token);
      expect(tab.status).toBe(422);
      const description = await post("/api/v1/developer/api-keys", { name: "ok", description: "x\u0000y" }, token);
      expect(description.status).toBe(422);
      expect(await description.json()).toEqual({ detail: "Invalid field 'description': must not contain control characters (such as NUL)" });
      const multiline = await post("/api/v1/developer/api-keys", { name: "ok", description: "line one\n\tline two\r\n" }, token);
      expect(multiline.status).toBe(201);
    });

    test("console forms refuse NUL in email, full name and key fields with a 422 page, not a 500", async () => {
      const form = async (path: string, cookies: string, fields: Record<string, string>) => {
        const page = await hub.request(path === "/dashboard/api-keys" ? "/dashboard/api-keys" : path, { headers: { cookie: cookies } });
        const jar = cookiesFrom(page, cookies);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
        return await hub.request(path, { method: "POST", headers: { cookie: jar, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf, ...fields }).toString() });
      };
      const register = await form("/register", "", { email: "form\u0000@example.com", password: "long enough", full_name: "Ada" });
      expect(register.status).toBe(422);
      const fullName = await form("/register", "", { email: `form-${Date.now()}@example.com`, password: "long enough", full_name: "Ada\u0000" });
      expect(fullName.status).toBe(422);
      const login = await form("/login", "", { email: "form\u0000@example.com", password: "long enough" });
      expect(login.status).toBe(422);
      const session = `${SESSION_COOKIE}=${token}`;
      const keyName = await form("/dashboard/api-keys", session, { name: "k\u0000" });
      expect(keyName.status).toBe(422);
      // No language is sent, so the console says it in zh-CN, for people (console/error_text.ts).
      expect(await keyName.text()).toContain("不能包含控制字符（例如 NUL）");
      const keyDescription = await form("/dashboard/api-keys", session, { name: "ok", description: "x\u0000" });
      expect(keyDescription.status).toBe(422);
    });

    test("/static/__proto__, /static/constructor and friends are 404, not 500", async () => {
      for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"]) {
        const response = await hub.request(`/static/${name}`);
        expect(response.status).toBe(404);
      }
      expect((await hub.request("/static/app.css")).status).toBe(200);
    });
  });
}
