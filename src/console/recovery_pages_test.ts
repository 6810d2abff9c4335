// The console's recovery pages through app.handle, with a real SMTP server: forgot password → mail → reset → log in,
// email verification and its resend banner, each without JavaScript (303s) and with htmx (fragments).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { linkIn, startTestSmtp, type TestSmtp } from "../testing/smtp.ts";

const HTMX = { origin: "http://localhost", "sec-fetch-site": "same-origin", "hx-request": "true" };
let addressCount = 0;
const freshAddress = () => `198.51.100.${addressCount++ % 250}`;
const freshEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

describe("console recovery pages", () => {
  let smtp: TestSmtp;
  let hub: TestHub;
  beforeAll(async () => {
    smtp = await startTestSmtp();
    hub = await createTestHub({ backend: BACKENDS[0]!, env: { SMTP_URL: smtp.url, PUBLIC_URL: "http://localhost", NOTIFY_WORKERS: "on", NOTIFY_POLL_MS: "50" } });
  }, 60_000);
  afterAll(async () => {
    await hub.close();
    await smtp.close();
  });

  async function forgot(email: string, headers?: Record<string, string>): Promise<Response> {
    const visitor = new Visitor(hub, freshAddress());
    await visitor.open("/forgot-password");
    return await visitor.post("/forgot-password", { email }, headers);
  }

  test("the login page links to /forgot-password, which asks for an email in zh-CN by default", async () => {
    const visitor = new Visitor(hub, freshAddress());
    expect(await visitor.open("/login")).toContain('href="/forgot-password"');
    const page = await visitor.open("/forgot-password");
    expect(page).toContain("找回密码");
    expect(page).toContain('name="_csrf"');
  });

  test("without JavaScript, forgot password answers 303 to the same message for a known and an unknown address", async () => {
    const known = new Visitor(hub, freshAddress());
    const email = freshEmail("known");
    expect((await known.register(email)).status).toBe(303);
    const answers = [await forgot(email), await forgot(freshEmail("nobody"))];
    for (const answer of answers) {
      expect(answer.status).toBe(303);
      expect(answer.headers.get("location")).toBe("/forgot-password?sent=1");
    }
    const sent = await new Visitor(hub, freshAddress()).open("/forgot-password?sent=1");
    expect(sent).toContain("我们已向该邮箱发送了重置链接（如果该邮箱已注册）。");
    await smtp.waitFor((m) => m.to.includes(email) && m.text.includes("/reset-password"));
  });

  test("with htmx, forgot password answers the sent block as a fragment, alike for known and unknown addresses", async () => {
    const email = freshEmail("htmx-known");
    await new Visitor(hub, freshAddress()).register(email);
    const [known, unknown] = [await forgot(email, HTMX), await forgot(freshEmail("htmx-nobody"), HTMX)];
    expect([known.status, unknown.status]).toEqual([200, 200]);
    const [a, b] = [await known.text(), await unknown.text()];
    expect(a).toBe(b);
    expect(a).toStartWith('<div id="forgot-block">');
    expect(a).not.toContain("<html");
  });

  test("the mailed link opens a form; a new password ends every session and logs in; the link then works no more", async () => {
    const owner = new Visitor(hub, freshAddress());
    const email = freshEmail("reset");
    await owner.register(email);
    await forgot(email);
    const mail = await smtp.waitFor((m) => m.to.includes(email) && m.text.includes("/reset-password"));
    const link = linkIn(mail, "/reset-password");
    expect(link.origin).toBe("http://localhost");

    const stranger = new Visitor(hub, freshAddress());
    const form = await stranger.open(`${link.pathname}${link.search}`);
    expect(form).toContain("重置密码");
    expect(form).toContain(`value="${link.searchParams.get("token")}"`);
    const short = await stranger.post("/reset-password", { token: link.searchParams.get("token")!, password: "short" });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain("密码长度需为 8 到 1024 个字符。");
    const done = await stranger.post("/reset-password", { token: link.searchParams.get("token")!, password: "a fresh password 1" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/reset-password?done=1");
    const said = await stranger.open("/reset-password?done=1");
    expect(said).toContain("密码已重置");
    expect(said).toContain('href="/login"');

    // The owner's old session ended with the reset.
    expect((await owner.send("/dashboard")).headers.get("location")).toBe("/login");
    await stranger.open(`${link.pathname}${link.search}`);
    const again = await stranger.post("/reset-password", { token: link.searchParams.get("token")!, password: "another password 1" });
    expect(again.status).toBe(400);
    const refused = await again.text();
    expect(refused).toContain("该重置链接无效、已过期或已被使用。");
    expect(refused).toContain('href="/forgot-password"');

    const login = new Visitor(hub, freshAddress());
    await login.open("/login");
    const signedIn = await login.post("/login", { email, password: "a fresh password 1" });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/dashboard");
  });

  test("a tampered or missing reset token is a clear 400 with a link to ask again, in English too", async () => {
    const visitor = new Visitor(hub, freshAddress());
    visitor.cookies.set("aihub_lang", "en");
    const missing = await visitor.send("/reset-password");
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("This reset link is invalid, has expired or has already been used.");
    await visitor.open("/reset-password?token=not-a-real-token-at-all-000000");
    const htmx = await visitor.post("/reset-password", { token: "not-a-real-token-at-all-000000", password: "long enough 1" }, HTMX);
    expect(htmx.status).toBe(400);
    const fragment = await htmx.text();
    expect(fragment).toStartWith('<div id="reset-block">');
    expect(fragment).toContain("Ask for a new link");
  });

  test("a verification link verifies once; the dashboard banner offers a resend, throttled", async () => {
    const visitor = new Visitor(hub, freshAddress());
    const email = freshEmail("verify");
    await visitor.register(email);
    const dashboard = await visitor.open("/dashboard");
    expect(dashboard).toContain("您的邮箱尚未验证");
    expect(dashboard).toContain('action="/verify-email/resend"');
    const resent = await visitor.post("/verify-email/resend", {});
    expect(resent.status).toBe(303);
    expect(resent.headers.get("location")).toBe("/dashboard?verify=sent");
    expect(await visitor.open("/dashboard?verify=sent")).toContain("验证邮件已发送，请查收。");
    // Three mails an hour: two more go out, the fourth is refused with the time to wait.
    const fragments = [];
    for (let i = 0; i < 3; i++) fragments.push(await (await visitor.post("/verify-email/resend", {}, HTMX)).text());
    expect(fragments[0]).toStartWith('<div id="verify-banner"');
    expect(fragments[1]).toContain("验证邮件已发送");
    expect(fragments[2]).toMatch(/发送过于频繁，请在 \d+ 秒后重试。/);

    await smtp.waitFor((m) => m.to.includes(email) && m.text.includes("/verify-email"));
    const link = linkIn(smtp.mails.findLast((m) => m.to.includes(email) && m.text.includes("/verify-email"))!, "/verify-email");
    const verified = await visitor.send(`${link.pathname}${link.search}`);
    expect(verified.status).toBe(200);
    expect(await verified.text()).toContain("邮箱验证成功");
    expect(await visitor.open("/dashboard")).not.toContain("您的邮箱尚未验证");
    const reused = await visitor.send(`${link.pathname}${link.search}`);
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("该验证链接无效、已过期或已被使用。");
  });
});

describe("console recovery pages on a hub that sends no mail", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]! });
  }, 60_000);
  afterAll(() => hub.close());

  test("forgot password says to ask the operator for a reset link, and never that one was mailed", async () => {
    const visitor = new Visitor(hub, freshAddress());
    const page = await visitor.open("/forgot-password");
    expect(page).toContain("此服务没有配置邮件发送，无法通过邮件发送重置链接。请联系管理员为你生成重置链接。");
    expect(page).not.toContain('name="email"');
    // A form posted anyway (from a tab opened before, with a valid form token) gets the same answer, with or without htmx.
    await visitor.open("/login");
    for (const headers of [undefined, HTMX]) {
      const answer = await visitor.post("/forgot-password", { email: freshEmail("nomail") }, headers);
      const text = await answer.text();
      expect(text).toContain("请联系管理员为你生成重置链接");
      expect(text).not.toContain("我们已向该邮箱发送了重置链接");
    }
  });
});
