// Console form errors in the page's language, through app.handle; the JSON API keeps its contract messages.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { HttpError } from "../http/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { errorText } from "./error_text.ts";
import { type Lang, LANG_COOKIE, translator } from "./i18n.ts";

let addressCount = 0;
const freshAddress = () => `198.51.100.${addressCount++ % 250}`;
const freshEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
const PASSWORD = "console-password-1";

/** The words each case shows, per language. */
type Words = Record<"email" | "password" | "taken" | "wrong" | "throttled" | "keyName" | "ceiling" | "model", string>;
const WORDS: Record<Lang, Words> = {
  "zh-CN": {
    email: "请输入有效的邮箱地址",
    password: "密码长度需为 8 到 1024 个字符",
    taken: "该邮箱已被注册",
    wrong: "邮箱或密码不正确",
    throttled: "登录失败次数过多，请在",
    keyName: "请输入密钥名称",
    ceiling: "速率限制需为 1 到 60 之间的整数",
    model: "模型 “no-such-model” 不存在",
  },
  en: {
    email: "Enter a valid email address.",
    password: "The password must be 8 to 1,024 characters long.",
    taken: "This email is already registered.",
    wrong: "The email or password is incorrect.",
    throttled: "Too many failed login attempts. Try again in",
    keyName: "Enter a key name",
    ceiling: "from 1 to 60 requests per minute (your plan&#x27;s limit)",
    model: "The model “no-such-model” does not exist.",
  },
};

describe("errorText()", () => {
  test("says a known refusal for people by its reason and keeps an unknown error's English message", () => {
    const t = translator("zh-CN");
    expect(errorText(t, new HttpError("validation", "Invalid field 'email': not a valid email address", { param: "email" }))).toBe("请输入有效的邮箱地址。");
    expect(errorText(t, new HttpError("forbidden", "Maximum number of API keys (5) reached for your plan", { reason: { kind: "key_limit", max: 5 } }))).toContain("最多可创建 5 个");
    expect(errorText(t, new HttpError("rate_limited", "Too many failed login attempts. Try again in 42 seconds.", { reason: { kind: "login_throttled", seconds: 42 } }))).toContain("42 秒");
    expect(errorText(t, new HttpError("validation", "Invalid field 'name': must not contain control characters (such as NUL)", { param: "name", reason: { kind: "control_characters" } }))).toBe("不能包含控制字符（例如 NUL）。");
    expect(errorText(t, new HttpError("conflict", "Cannot demote or disable the last admin: promote another admin first", { reason: { kind: "last_admin" } }))).toContain("最后一位管理员");
    expect(errorText(t, new HttpError("insufficient_quota", "Quota exceeded. Used 10/10 requests this month.", { reason: { kind: "quota_exceeded", used: 10, limit: 10 } }))).toContain("已用 10 / 10 次请求");
    expect(errorText(t, new HttpError("rate_limited", "Rate limit exceeded. Maximum 7 requests per minute.", { reason: { kind: "rate_limited", limit: 7 } }))).toContain("每分钟最多 7 次");
    expect(errorText(t, new HttpError("validation", "Cannot create API key: rate_limit must be an integer from 1 to 60 (your plan's limit)", { param: "rate_limit", reason: { kind: "rate_limit_above_plan", ceiling: 60 } }))).toContain("1 到 60");
    expect(errorText(t, new HttpError("model_not_found", "The model 'x' does not exist.", { param: "model", reason: { kind: "model_not_found", model: "gpt-9" } }))).toContain("“gpt-9”");
    expect(errorText(t, new HttpError("conflict", "Something new"))).toBe("Something new");
  });

  test("reads the reason, not the English text: a changed message still translates, a bare message does not", () => {
    const t = translator("en");
    expect(errorText(t, new HttpError("unauthorized", "Wrong login (reworded)", { reason: { kind: "wrong_credentials" } }))).toBe("The email or password is incorrect.");
    expect(errorText(t, new HttpError("bad_request", "Address in use", { reason: { kind: "email_taken" } }))).toContain("already registered");
    expect(errorText(t, new HttpError("unauthorized", "Incorrect email or password"))).toBe("Incorrect email or password");
    expect(errorText(t, new HttpError("upstream_failed", "Upstream x failed: 503"))).toBe("The upstream model service failed. Try again shortly.");
  });

  test("says bad playground parameters (temperature, max tokens, stop) in both languages", () => {
    const zh = translator("zh-CN");
    const en = translator("en");
    const temperature = new HttpError("validation", "Invalid field 'temperature': must be a number from 0 to 2", { param: "temperature" });
    expect(errorText(zh, temperature)).toContain("0 到 2");
    expect(errorText(en, temperature)).toContain("from 0 to 2");
    const maxTokens = new HttpError("validation", "Invalid field 'max_tokens': must be an integer from 1", { param: "max_tokens" });
    expect(errorText(zh, maxTokens)).toContain("最大 Tokens");
    expect(errorText(en, maxTokens)).toContain("Max tokens");
    expect(errorText(en, new HttpError("validation", "Invalid field 'stop': …", { param: "stop" }))).toContain("stop sequences");
  });
});

describe(`console form errors on ${BACKENDS[0]}`, () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  /** A visitor reading the console in `lang` (the language cookie, as the switch sets it). */
  const visitorIn = (lang: Lang) => {
    const visitor = new Visitor(hub, freshAddress());
    visitor.cookies.set(LANG_COOKIE, lang);
    return visitor;
  };

  for (const lang of ["zh-CN", "en"] as const) {
    const words = WORDS[lang];

    test(`register shows a bad email, a short password and a taken email in ${lang}`, async () => {
      const visitor = visitorIn(lang);
      await visitor.open("/register");
      const badEmail = await visitor.post("/register", { email: "not-an-email", password: PASSWORD });
      expect(badEmail.status).toBe(422);
      expect(await badEmail.text()).toContain(words.email);
      const short = await visitor.post("/register", { email: freshEmail("short"), password: "short" });
      expect(await short.text()).toContain(words.password);
      const email = freshEmail("taken");
      expect((await visitorIn(lang).register(email)).status).toBe(303);
      const taken = await visitor.post("/register", { email, password: PASSWORD });
      expect(taken.status).toBe(400);
      const html = await taken.text();
      expect(html).toContain(words.taken);
      expect(html).not.toContain("Email already registered");
    });

    test(`login shows a wrong password, then the lock-out with its wait, in ${lang}`, async () => {
      const email = freshEmail("login");
      expect((await visitorIn(lang).register(email)).status).toBe(303);
      const visitor = visitorIn(lang);
      await visitor.open("/login");
      const wrong = await visitor.post("/login", { email, password: "wrong-password-1" });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain(words.wrong);
      let last = wrong;
      for (let i = 0; i < 6 && last.status !== 429; i++) last = await visitor.post("/login", { email, password: "wrong-password-1" });
      expect(last.status).toBe(429);
      expect(await last.text()).toContain(`${words.throttled} ${last.headers.get("retry-after")} `);
    });

    test(`key creation shows a blank name and a rate limit above the plan in ${lang}`, async () => {
      const visitor = visitorIn(lang);
      expect((await visitor.register(freshEmail("keys"))).status).toBe(303);
      await visitor.open("/dashboard/api-keys");
      const blank = await visitor.post("/dashboard/api-keys", { name: "   " });
      expect(blank.status).toBe(422);
      expect(await blank.text()).toContain(words.keyName);
      const above = await visitor.post("/dashboard/api-keys", { name: "fast", rate_limit: "100000" });
      expect(above.status).toBe(422);
      expect(await above.text()).toContain(words.ceiling);
    });

    test(`the playground shows an unknown model as an error in ${lang}`, async () => {
      const visitor = visitorIn(lang);
      expect((await visitor.register(freshEmail("play"))).status).toBe(303);
      await visitor.open("/dashboard/api-keys");
      await visitor.post("/dashboard/api-keys", { name: "play key" });
      const keyId = /api-keys\/(\d+)\/revoke/.exec(await visitor.open("/dashboard/api-keys"))?.[1];
      expect(keyId).toBeDefined();
      await visitor.open("/dashboard/playground");
      const answer = await visitor.post("/dashboard/playground", { key_id: keyId!, model: "no-such-model", message: "hello" });
      expect(answer.status).toBe(404);
      expect(await answer.text()).toContain(words.model);
      // The streaming form (JavaScript on) gets the same words as plain text for its alert.
      const streamed = await visitor.post("/dashboard/playground/stream", { key_id: keyId!, model: "no-such-model", message: "hello" });
      expect(streamed.status).toBe(404);
      expect(await streamed.text()).toContain(words.model);
    });
  }

  test("the JSON API still answers the contract's English messages", async () => {
    const register = (body: unknown) => hub.request("/api/v1/auth/register", { method: "POST", headers: { "content-type": "application/json", "accept-language": "zh-CN", "x-forwarded-for": freshAddress() }, body: JSON.stringify(body) });
    expect(await (await register({ email: "not-an-email", password: PASSWORD })).json()).toEqual({ detail: "Invalid field 'email': not a valid email address" });
    const email = freshEmail("api");
    expect((await register({ email, password: PASSWORD })).status).toBe(201);
    expect(await (await register({ email, password: PASSWORD })).json()).toEqual({ detail: "Email already registered" });
    const login = await hub.request("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": freshAddress() }, body: JSON.stringify({ email, password: "wrong-password-1" }) });
    expect(await login.json()).toEqual({ detail: "Incorrect email or password" });
  });
});
