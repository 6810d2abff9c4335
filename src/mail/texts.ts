// The hub's mails in zh-CN and English: a subject, a text body and an HTML body built from the same lines.
import { escapeHtml } from "@kitajs/html";

export type MailLang = "zh-CN" | "en";

/** What a mail says, before it is put in a language. */
export type MailKind =
  | { kind: "verify_email"; url: string }
  | { kind: "password_reset"; url: string }
  | { kind: "quota_threshold"; percent: number; used: number; limit: number; url: string }
  | { kind: "webhook_disabled"; webhookUrl: string; url: string };

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

type Lines = { subject: string; lines: string[]; link: string; action: string };

function linesOf(mail: MailKind, lang: MailLang): Lines {
  const zh = lang === "zh-CN";
  switch (mail.kind) {
    case "verify_email":
      return zh
        ? { subject: "验证您的 AI Hub 邮箱地址", lines: ["感谢注册 AI Hub。请点击下面的链接验证您的邮箱地址：", "如果您没有注册，请忽略此邮件。"], link: mail.url, action: "验证邮箱" }
        : { subject: "Verify your AI Hub email address", lines: ["Thanks for signing up for AI Hub. Follow this link to verify your email address:", "If you did not sign up, ignore this mail."], link: mail.url, action: "Verify email" };
    case "password_reset":
      return zh
        ? { subject: "重置您的 AI Hub 密码", lines: ["我们收到了重置您 AI Hub 密码的请求。此链接在 1 小时内有效，且只能使用一次：", "如果不是您本人操作，请忽略此邮件，您的密码不会改变。"], link: mail.url, action: "重置密码" }
        : { subject: "Reset your AI Hub password", lines: ["We received a request to reset your AI Hub password. This link works once, within 1 hour:", "If it was not you, ignore this mail: your password stays the same."], link: mail.url, action: "Reset password" };
    case "quota_threshold":
      return zh
        ? { subject: `AI Hub 本月配额已使用 ${mail.percent}%`, lines: [`您本月已使用 ${mail.used} / ${mail.limit} 次请求（${mail.percent}%）。`, mail.percent >= 100 ? "配额已用完：在下个月重置前，API 调用将返回 402。" : "配额用完后，API 调用将返回 402，直到下个月重置。"], link: mail.url, action: "查看用量" }
        : { subject: `AI Hub: ${mail.percent}% of this month's quota used`, lines: [`You have used ${mail.used} of ${mail.limit} requests this month (${mail.percent}%).`, mail.percent >= 100 ? "The quota is used up: API calls answer 402 until it resets next month." : "Once the quota is used up, API calls answer 402 until it resets next month."], link: mail.url, action: "See usage" };
    case "webhook_disabled":
      return zh
        ? { subject: "AI Hub 已停用您的 Webhook", lines: [`发送到 ${mail.webhookUrl} 的 Webhook 已连续失败 24 小时，已被停用。`, "请检查接收端后重新创建。"], link: mail.url, action: "打开设置" }
        : { subject: "AI Hub disabled your webhook", lines: [`Deliveries to ${mail.webhookUrl} failed for 24 hours, so the webhook was disabled.`, "Check the receiver, then create it again."], link: mail.url, action: "Open settings" };
  }
}

/** The mail `mail` in `lang`: the link in both bodies, every value escaped in the HTML one. */
export function composeMail(mail: MailKind, lang: string): MailContent {
  const { subject, lines, link, action } = linesOf(mail, lang === "en" ? "en" : "zh-CN");
  const [first, ...rest] = lines;
  const text = [first, "", link, "", ...rest, "", "AI Hub"].join("\n");
  const html = `<!doctype html><html lang="${lang === "en" ? "en" : "zh-CN"}"><body style="font-family:sans-serif">`
    + `<p>${escapeHtml(first)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p><p style="color:#666;font-size:small">${escapeHtml(link)}</p>`
    + rest.map((line) => `<p>${escapeHtml(line)}</p>`).join("") + "<p>AI Hub</p></body></html>";
  return { subject, text, html };
}
