// Mail over a real SMTP server on loopback: verification and reset mails in both languages with working links,
// reset tokens refused when expired, reused or tampered, and an SMTP outage that delays mail without losing any.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accountTokens } from "../db/schema/mod.ts";
import { BACKENDS } from "../testing/databases.ts";
import { createTestHub, registerUser, type TestHub } from "../testing/harness.ts";
import { linkIn, startTestSmtp, type TestSmtp } from "../testing/smtp.ts";

for (const backend of BACKENDS) {
  describe(`mail on ${backend}`, () => {
    let smtp: TestSmtp;
    let hub: TestHub;
    beforeAll(async () => {
      smtp = await startTestSmtp();
      hub = await createTestHub({ backend, env: { SMTP_URL: smtp.url, MAIL_FROM: "AI Hub <hub@example.com>", PUBLIC_URL: "http://hub.test", NOTIFY_WORKERS: "on", NOTIFY_POLL_MS: "50", NOTIFY_RETRY_BASE_MS: "100" } });
    }, 60_000);
    afterAll(async () => {
      await hub.close();
      await smtp.close();
    });

    const register = (email: string, lang: string) =>
      hub.request("/api/v1/auth/register", { method: "POST", headers: { "accept-language": lang }, json: { email, password: "correct horse battery" } });

    test("registration mails a verification link in the user's language; following it verifies the email once", async () => {
      for (const [lang, subject] of [["en", "Verify your AI Hub email address"], ["zh-CN,zh;q=0.9", "验证您的 AI Hub 邮箱地址"]] as const) {
        const email = `verify-${lang.slice(0, 2)}-${Date.now()}@example.com`;
        const created = await register(email, lang);
        const { access_token: token } = await created.json() as { access_token: string };
        const mail = await smtp.waitFor((m) => m.to.includes(email));
        expect(mail.subject).toBe(subject);
        expect(mail.html).toContain("/verify-email?token=");
        const link = linkIn(mail, "/verify-email");
        expect(link.origin).toBe("http://hub.test");
        const me = async () => (await (await hub.request("/api/v1/auth/me", { token })).json() as { email_verified: boolean }).email_verified;
        expect(await me()).toBe(false);
        const verified = await hub.request("/api/v1/auth/verify-email", { method: "POST", json: { token: link.searchParams.get("token") } });
        expect(verified.status).toBe(200);
        expect(await me()).toBe(true);
        expect((await hub.request("/api/v1/auth/verify-email", { method: "POST", json: { token: link.searchParams.get("token") } })).status).toBe(400);
      }
    });

    test("forgot password answers known and unknown addresses alike; the mailed link resets once and ends every session", async () => {
      const { email, token } = await registerUser(hub);
      const known = await hub.request("/api/v1/auth/password/forgot", { method: "POST", json: { email } });
      const unknown = await hub.request("/api/v1/auth/password/forgot", { method: "POST", json: { email: `nobody-${Date.now()}@example.com` } });
      expect([known.status, unknown.status]).toEqual([202, 202]);
      expect(await known.text()).toBe(await unknown.text());
      const mail = await smtp.waitFor((m) => m.to.includes(email) && m.text.includes("/reset-password"));
      expect(mail.subject).toBe("重置您的 AI Hub 密码");
      const resetToken = linkIn(mail, "/reset-password").searchParams.get("token")!;
      const tampered = resetToken.slice(0, -2) + (resetToken.endsWith("AA") ? "BB" : "AA");
      expect((await hub.request("/api/v1/auth/password/reset", { method: "POST", json: { token: tampered, password: "a brand new password" } })).status).toBe(400);
      const reset = await hub.request("/api/v1/auth/password/reset", { method: "POST", json: { token: resetToken, password: "a brand new password" } });
      expect(reset.status).toBe(200);
      expect((await hub.request("/api/v1/auth/me", { token })).status).toBe(401);
      const reused = await hub.request("/api/v1/auth/password/reset", { method: "POST", json: { token: resetToken, password: "yet another password" } });
      expect(reused.status).toBe(400);
      expect(await reused.json()).toEqual({ detail: "Invalid or expired token" });
      const login = await hub.request("/api/v1/auth/login", { method: "POST", json: { email, password: "a brand new password" } });
      expect(login.status).toBe(200);
    });

    test("an expired reset token is refused", async () => {
      const { email } = await registerUser(hub);
      await hub.request("/api/v1/auth/password/forgot", { method: "POST", json: { email } });
      const mail = await smtp.waitFor((m) => m.to.includes(email) && m.text.includes("/reset-password"));
      const resetToken = linkIn(mail, "/reset-password").searchParams.get("token")!;
      await hub.runtime.deps.database.db.update(accountTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accountTokens.purpose, "password_reset"));
      expect((await hub.request("/api/v1/auth/password/reset", { method: "POST", json: { token: resetToken, password: "a brand new password" } })).status).toBe(400);
    });

    test("mails queued while the SMTP server is down arrive once it is back", async () => {
      const port = smtp.port;
      await smtp.close();
      const email = `outage-${Date.now()}@example.com`;
      expect((await register(email, "en")).status).toBe(201);
      await Bun.sleep(600);
      smtp = await startTestSmtp(port);
      const mail = await smtp.waitFor((m) => m.to.includes(email), 15_000);
      expect(mail.subject).toBe("Verify your AI Hub email address");
    }, 30_000);
  });
}
