// /dashboard/settings through app.handle: change password, sessions, webhooks and account deletion, each without
// JavaScript (303s back to the page) and with htmx (the section as a fragment), and never on another user's things.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { findUserByEmail } from "../auth/mod.ts";
import { users, webhookDeliveries } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { Visitor } from "../testing/console_visitor.ts";
import { createTestHub, type TestHub } from "../testing/harness.ts";
import { describeDevice } from "./settings_rows.ts";

const SAME_SITE = { origin: "http://localhost", "sec-fetch-site": "same-origin" };
const HTMX = { ...SAME_SITE, "hx-request": "true" };
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const PASSWORD = "console-password-1";
let addressCount = 0;
const freshAddress = () => `203.0.113.${addressCount++ % 250}`;
const freshEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

describe("console settings", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({ backend: BACKENDS[0]!, env: { WEBHOOK_ALLOW_PRIVATE: "true" } });
  }, 60_000);
  afterAll(() => hub.close());

  /** A new account signed in from one visitor; `login` signs the same account in from another (a second device). */
  async function account() {
    const email = freshEmail("settings");
    const owner = new Visitor(hub, freshAddress());
    expect((await owner.register(email)).status).toBe(303);
    const login = async (password = PASSWORD) => {
      const device = new Visitor(hub, freshAddress());
      await device.open("/login");
      const answer = await device.send("/login", { form: { _csrf: device.token, email, password }, headers: { ...SAME_SITE, "user-agent": FIREFOX } });
      return { device, answer };
    };
    return { email, owner, login };
  }

  test("the page needs a signed-in user and is linked from the nav as the current page", async () => {
    const visitor = new Visitor(hub, freshAddress());
    const anonymous = await visitor.send("/dashboard/settings");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/login");
    await visitor.register(freshEmail("nav"));
    const page = await visitor.open("/dashboard/settings");
    expect(page).toContain('<a href="/dashboard/settings" aria-current="page">账户设置</a>');
    expect(page).toContain('<a href="/dashboard">控制台</a>');
    for (const id of ["password-section", "sessions-section", "webhooks-section", "delete-section"]) expect(page).toContain(`id="${id}"`);
  });

  test("changing the password needs the current one, ends the other sessions and keeps this one", async () => {
    const { owner, login, email } = await account();
    const { device } = await login();
    await owner.open("/dashboard/settings");
    const wrong = await owner.post("/dashboard/settings/password", { current_password: "not it at all", new_password: "a new password 1" });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("当前密码不正确。");
    const short = await owner.post("/dashboard/settings/password", { current_password: PASSWORD, new_password: "short" }, HTMX);
    expect(short.status).toBe(422);
    const fragment = await short.text();
    expect(fragment).toStartWith('<section id="password-section"');
    expect(fragment).toContain("密码长度需为 8 到 1024 个字符。");
    const changed = await owner.post("/dashboard/settings/password", { current_password: PASSWORD, new_password: "a new password 1" });
    expect(changed.status).toBe(303);
    expect(changed.headers.get("location")).toBe("/dashboard/settings?done=password");
    expect(await owner.open("/dashboard/settings?done=password")).toContain("密码已修改，其他设备上的登录已退出。");
    expect((await device.send("/dashboard")).headers.get("location")).toBe("/login");
    const relogin = new Visitor(hub, freshAddress());
    await relogin.open("/login");
    expect((await relogin.post("/login", { email, password: "a new password 1" })).status).toBe(303);
  });

  test("sessions list each device with its address and this device marked; one ends, then all others", async () => {
    const { owner, login } = await account();
    const first = await login();
    const second = await login();
    const page = await owner.open("/dashboard/settings");
    expect(page).toContain("当前设备");
    expect(page).toContain("Firefox · Linux");
    expect(page).toContain(first.device.address);
    const ids = [...page.matchAll(/action="\/dashboard\/settings\/sessions\/([\w-]+)\/end"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);

    const ended = await owner.post(`/dashboard/settings/sessions/${ids[0]}/end`, {});
    expect(ended.status).toBe(303);
    expect(ended.headers.get("location")).toBe("/dashboard/settings?done=session-ended#sessions-section");
    const alive = await Promise.all([first.device.send("/dashboard"), second.device.send("/dashboard")]);
    expect(alive.map((r) => r.status).sort()).toEqual([200, 303]);

    await owner.open("/dashboard/settings");
    const again = await owner.post(`/dashboard/settings/sessions/${ids[0]}/end`, {}, HTMX);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("该会话不存在或已结束。");
    const others = await owner.post("/dashboard/settings/sessions/end-others", {}, HTMX);
    expect(others.status).toBe(200);
    const fragment = await others.text();
    expect(fragment).toStartWith('<section id="sessions-section"');
    expect(fragment).toContain("其他设备已全部下线。");
    expect(fragment).not.toContain("/end\"");
    for (const d of [first, second]) expect((await d.device.send("/dashboard")).status).toBe(303);
    expect((await owner.send("/dashboard")).status).toBe(200);
  });

  test("no one can end another user's session", async () => {
    const victim = await account();
    const { device } = await victim.login();
    const victimPage = await victim.owner.open("/dashboard/settings");
    const id = /action="\/dashboard\/settings\/sessions\/([\w-]+)\/end"/.exec(victimPage)![1]!;
    const attacker = await account();
    await attacker.owner.open("/dashboard/settings");
    expect((await attacker.owner.post(`/dashboard/settings/sessions/${id}/end`, {})).status).toBe(404);
    expect((await device.send("/dashboard")).status).toBe(200);
  });

  test("a webhook is created with its secret shown once, tested, listed with its deliveries and deleted", async () => {
    const { owner } = await account();
    await owner.open("/dashboard/settings");
    const none = await owner.post("/dashboard/settings/webhooks", { url: "http://127.0.0.1:9/hook" }, HTMX);
    expect(none.status).toBe(422);
    expect(await none.text()).toContain("请至少选择一个事件。");
    const badUrl = await owner.post("/dashboard/settings/webhooks", { url: "ftp://example.com/x", "event.key.revoked": "on" });
    expect(badUrl.status).toBe(422);
    expect(await badUrl.text()).toContain('id="webhook_url-error"');

    const created = await owner.post("/dashboard/settings/webhooks", { url: "http://127.0.0.1:9/hook", "event.quota.threshold": "on", "event.key.revoked": "on" });
    expect(created.status).toBe(200);
    const page = await created.text();
    const secret = /id="new-webhook-secret"[^>]*value="(whsec_[\w-]+)"/.exec(page)?.[1];
    expect(page).toMatch(/id="new-webhook-secret"[^>]*aria-label="Webhook 签名密钥"/);
    expect(secret).toBeString();
    expect(page).toContain("quota.threshold, key.revoked");
    const reloaded = await owner.open("/dashboard/settings");
    expect(reloaded).toContain("http://127.0.0.1:9/hook");
    expect(reloaded).not.toContain(secret!);
    const id = /\/dashboard\/settings\/webhooks\/(\d+)\/test/.exec(reloaded)![1]!;

    const tested = await owner.post(`/dashboard/settings/webhooks/${id}/test`, {});
    expect(tested.status).toBe(303);
    const afterTest = await owner.open("/dashboard/settings?done=test-sent");
    expect(afterTest).toContain("测试事件已加入发送队列。");
    expect(afterTest).toContain("webhook.test");
    expect(afterTest).toContain("等待发送");
    // Tried once and refused (the sender retries it): said so, not "waiting to send".
    await hub.runtime.deps.database.db.update(webhookDeliveries).set({ attempts: 1, responseCode: 404, lastError: "HTTP 404" }).where(eq(webhookDeliveries.webhookId, Number(id)));
    const retrying = await owner.open("/dashboard/settings");
    expect(retrying).toContain("发送失败，将重试");
    expect(retrying).not.toContain("等待发送");

    const htmxCreated = await owner.post("/dashboard/settings/webhooks", { url: "http://127.0.0.1:9/other", "event.key.expiring": "on" }, HTMX);
    const fragment = await htmxCreated.text();
    expect(fragment).toStartWith('<section id="webhooks-section"');
    expect(fragment).toContain("whsec_");

    const deleted = await owner.post(`/dashboard/settings/webhooks/${id}/delete`, {}, HTMX);
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).not.toContain("http://127.0.0.1:9/hook");
    expect((await owner.post(`/dashboard/settings/webhooks/${id}/delete`, {})).status).toBe(404);
  });

  test("no one can test or delete another user's webhook", async () => {
    const victim = await account();
    await victim.owner.open("/dashboard/settings");
    await victim.owner.post("/dashboard/settings/webhooks", { url: "http://127.0.0.1:9/victim", "event.key.revoked": "on" });
    const id = /\/dashboard\/settings\/webhooks\/(\d+)\/test/.exec(await victim.owner.open("/dashboard/settings"))![1]!;
    const attacker = await account();
    await attacker.owner.open("/dashboard/settings");
    for (const action of ["test", "delete"]) expect((await attacker.owner.post(`/dashboard/settings/webhooks/${id}/${action}`, {})).status).toBe(404);
    expect(await victim.owner.open("/dashboard/settings")).toContain("http://127.0.0.1:9/victim");
  });

  test("deleting the account needs the confirmation and the password, then logs out everywhere", async () => {
    const { owner, login, email } = await account();
    const { device } = await login();
    await owner.open("/dashboard/settings");
    const unconfirmed = await owner.post("/dashboard/settings/delete", { password: PASSWORD });
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain("请先勾选确认。");
    const wrong = await owner.post("/dashboard/settings/delete", { password: "not the password", confirm: "yes" }, HTMX);
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toStartWith('<section id="delete-section"');
    const deleted = await owner.post("/dashboard/settings/delete", { password: PASSWORD, confirm: "yes" });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("location")).toBe("/login?deleted=1");
    expect(owner.cookies.has("aihub_session")).toBe(false);
    expect(await owner.open("/login?deleted=1")).toContain("您的账户已注销。");
    expect((await device.send("/dashboard")).headers.get("location")).toBe("/login");
    expect((await login()).answer.status).toBe(401);
    void email;
  });

  test("the last active admin's account cannot be deleted: the form says why and nothing changes", async () => {
    const db = hub.runtime.deps.database.db;
    const { owner, email } = await account();
    const row = await findUserByEmail(db, email);
    // Only this account is an admin for this test (the database is shared by this process's suites).
    const others = await db.update(users).set({ role: "user" }).where(eq(users.role, "admin")).returning({ id: users.id });
    await db.update(users).set({ role: "admin" }).where(eq(users.id, row!.id));
    try {
      await owner.open("/dashboard/settings");
      const refused = await owner.post("/dashboard/settings/delete", { password: PASSWORD, confirm: "yes" }, HTMX);
      expect(refused.status).toBe(409);
      const html = await refused.text();
      expect(html).toStartWith('<section id="delete-section"');
      expect(html).toContain('<p class="alert" role="alert">不能降级、停用或注销最后一位管理员');
      owner.cookies.set("aihub_lang", "en");
      expect(await (await owner.post("/dashboard/settings/delete", { password: PASSWORD, confirm: "yes" })).text()).toContain("The last admin cannot be demoted, disabled or deleted");
      expect(owner.cookies.has("aihub_session")).toBe(true);
      expect((await findUserByEmail(db, email))?.deletedAt).toBeNull();
    } finally {
      await db.update(users).set({ role: "user" }).where(eq(users.id, row!.id));
      for (const { id } of others) await db.update(users).set({ role: "admin" }).where(eq(users.id, id));
    }
  });

  test("describeDevice() names the browser and the system, or nothing for an unknown agent", () => {
    expect(describeDevice(FIREFOX)).toBe("Firefox · Linux");
    expect(describeDevice("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")).toBe("Safari · iOS");
    expect(describeDevice("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0")).toBe("Edge · Windows");
    expect(describeDevice("curl/8.5.0")).toBe("curl");
    expect(describeDevice("something else")).toBeNull();
    expect(describeDevice(null)).toBeNull();
  });
});
