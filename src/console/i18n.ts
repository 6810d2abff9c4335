// Console texts in zh-CN (the default, in the seed's wording) and English.
import { ACCOUNT_EN, ACCOUNT_ZH } from "./i18n_account.ts";
import { A11Y_EN, A11Y_ZH } from "./i18n_a11y.ts";

import { ADMIN_EN, ADMIN_ZH } from "./i18n_admin.ts";
import { DOCS_EN, DOCS_ZH } from "./i18n_docs.ts";
import { ERRORS_EN, ERRORS_ZH } from "./i18n_errors.ts";
import { PAGES_EN, PAGES_ZH } from "./i18n_pages.ts";
import { LOGS_EN, LOGS_ZH } from "./i18n_logs.ts";
import { KEYS_EN, KEYS_ZH } from "./i18n_keys.ts";
import { PLAYGROUND_EN, PLAYGROUND_ZH } from "./i18n_playground.ts";

export type Lang = "zh-CN" | "en";
export const LANGS: readonly Lang[] = ["zh-CN", "en"];
export const LANG_COOKIE = "aihub_lang";

const zh = {
  ...ACCOUNT_ZH,
  ...A11Y_ZH,
  ...ERRORS_ZH,
  ...LOGS_ZH,
  ...KEYS_ZH,
  ...PLAYGROUND_ZH,
  "app.name": "AI Hub",
  "nav.dashboard": "控制台",
  "nav.keys": "API密钥",
  "nav.usage": "用量统计",
  "nav.playground": "在线调试",
  "nav.reference": "API参考",
  "nav.logout": "退出登录",
  "nav.skip": "跳到主要内容",
  "lang.switch": "English",
  "login.title": "登录到 AI Hub",
  "login.submit": "登录",
  "login.noAccount": "还没有账户?",
  "login.register": "立即注册",
  "register.title": "注册 AI Hub 账户",
  "register.submit": "注册",
  "register.haveAccount": "已有账户？",
  "register.login": "立即登录",
  "field.email": "邮箱地址",
  "field.password": "密码",
  "field.passwordHint": "至少 8 个字符",
  "field.fullName": "姓名 (可选)",
  "dashboard.title": "控制台",
  "dashboard.plan": "当前套餐",
  "dashboard.quota": "本月配额",
  "dashboard.requests": "本月请求",
  "dashboard.tokens": "本月 Tokens",
  "dashboard.cost": "本月费用",
  "dashboard.recent": "最近调用",
  "dashboard.noCalls": "还没有调用记录。创建一个密钥，然后调用 API。",
  "dashboard.noUpstream": "未配置上游模型服务：当前使用内置的离线 demo 模型。设置 OPENROUTER_API_KEY 或 UPSTREAM_BASE_URL 以连接真实模型。",
  "quota.of": "已用 {used} / {total} 次请求",
  "quota.reset": "{date} 重置",
  "keys.title": "API密钥管理",
  "keys.create": "创建新密钥",
  "keys.name": "密钥名称",
  "keys.description": "描述 (可选)",
  "keys.rateLimit": "速率限制 (次/分钟, 可选, 最多 {max})",
  "keys.expires": "有效期 (天, 可选)",
  "keys.submit": "创建",
  "keys.created": "密钥创建成功",
  "keys.warning": "⚠️ 请立即复制此密钥，它只会显示一次！",
  "keys.copy": "复制",
  "keys.copied": "已复制到剪贴板",
  "keys.saved": "我已保存",
  "keys.revoke": "撤销",
  "keys.revoked": "已撤销",
  "keys.expired": "已过期",
  "keys.active": "有效",
  "keys.confirmRevoke": "确定要撤销此API密钥吗？此操作不可撤销。",
  "keys.empty": "还没有API密钥",
  "keys.emptyHint": "创建第一个密钥",
  "keys.col.name": "名称",
  "keys.col.prefix": "前缀",
  "keys.col.status": "状态",
  "keys.col.requests": "总请求",
  "keys.col.created": "创建于",
  "keys.col.lastUsed": "最后使用",
  "keys.col.actions": "操作",
  "keys.never": "从未",
  "usage.title": "用量统计",
  "usage.range": "时间范围",
  "usage.days": "{n} 天",
  "usage.requests": "请求数",
  "usage.cost": "费用 (USD)",
  "usage.chartAlt": "过去 {n} 天每日请求数与费用",
  "usage.byKey": "按密钥",
  "usage.byModel": "按模型",
  "usage.csv": "下载 CSV",
  "usage.total": "合计: {requests} 次请求, ${cost}",
  "usage.none": "这段时间没有调用。",
  "usage.col.day": "日期",
  "usage.col.key": "密钥",
  "usage.col.model": "模型",
  "usage.col.tokens": "Tokens",
  "playground.title": "在线调试",
  "playground.key": "使用的密钥",
  "playground.model": "模型",
  "playground.message": "消息",
  "playground.send": "发送",
  "playground.answer": "回复",
  "playground.needKey": "在线调试需要一个有效的API密钥。",
  "playground.charged": "调试调用计入所选密钥的配额和用量。",
  "reference.title": "API参考",
  "error.generic": "出错了: {message}",
  "error.csrf": "表单已过期，请刷新页面后重试。",
  "table.none": "无",
  "common.cancel": "取消",
  ...ADMIN_ZH,
  ...PAGES_ZH,
  ...DOCS_ZH,
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  ...ACCOUNT_EN,
  ...A11Y_EN,
  ...ERRORS_EN,
  ...LOGS_EN,
  ...KEYS_EN,
  ...PLAYGROUND_EN,
  "app.name": "AI Hub",
  "nav.dashboard": "Dashboard",
  "nav.keys": "API keys",
  "nav.usage": "Usage",
  "nav.playground": "Playground",
  "nav.reference": "API reference",
  "nav.logout": "Log out",
  "nav.skip": "Skip to main content",
  "lang.switch": "中文",
  "login.title": "Log in to AI Hub",
  "login.submit": "Log in",
  "login.noAccount": "No account yet?",
  "login.register": "Sign up",
  "register.title": "Create your AI Hub account",
  "register.submit": "Sign up",
  "register.haveAccount": "Already have an account?",
  "register.login": "Log in",
  "field.email": "Email address",
  "field.password": "Password",
  "field.passwordHint": "At least 8 characters",
  "field.fullName": "Full name (optional)",
  "dashboard.title": "Dashboard",
  "dashboard.plan": "Plan",
  "dashboard.quota": "Monthly quota",
  "dashboard.requests": "Requests this month",
  "dashboard.tokens": "Tokens this month",
  "dashboard.cost": "Cost this month",
  "dashboard.recent": "Recent calls",
  "dashboard.noCalls": "No calls yet. Create a key, then call the API.",
  "dashboard.noUpstream": "No upstream is configured: the built-in offline demo model answers. Set OPENROUTER_API_KEY or UPSTREAM_BASE_URL to reach real models.",
  "quota.of": "{used} of {total} requests used",
  "quota.reset": "resets {date}",
  "keys.title": "API keys",
  "keys.create": "Create a new key",
  "keys.name": "Key name",
  "keys.description": "Description (optional)",
  "keys.rateLimit": "Rate limit (requests/minute, optional, at most {max})",
  "keys.expires": "Expires in (days, optional)",
  "keys.submit": "Create",
  "keys.created": "Key created",
  "keys.warning": "⚠️ Copy this key now: it is shown only once!",
  "keys.copy": "Copy",
  "keys.copied": "Copied to the clipboard",
  "keys.saved": "I have saved it",
  "keys.revoke": "Revoke",
  "keys.revoked": "Revoked",
  "keys.expired": "Expired",
  "keys.active": "Active",
  "keys.confirmRevoke": "Revoke this API key? This cannot be undone.",
  "keys.empty": "No API keys yet",
  "keys.emptyHint": "Create your first key",
  "keys.col.name": "Name",
  "keys.col.prefix": "Prefix",
  "keys.col.status": "Status",
  "keys.col.requests": "Requests",
  "keys.col.created": "Created",
  "keys.col.lastUsed": "Last used",
  "keys.col.actions": "Actions",
  "keys.never": "Never",
  "usage.title": "Usage",
  "usage.range": "Range",
  "usage.days": "{n} days",
  "usage.requests": "Requests",
  "usage.cost": "Cost (USD)",
  "usage.chartAlt": "Daily requests and cost over the last {n} days",
  "usage.byKey": "By key",
  "usage.byModel": "By model",
  "usage.csv": "Download CSV",
  "usage.total": "Total: {requests} requests, ${cost}",
  "usage.none": "No calls in this period.",
  "usage.col.day": "Day",
  "usage.col.key": "Key",
  "usage.col.model": "Model",
  "usage.col.tokens": "Tokens",
  "playground.title": "Playground",
  "playground.key": "Key to use",
  "playground.model": "Model",
  "playground.message": "Message",
  "playground.send": "Send",
  "playground.answer": "Answer",
  "playground.needKey": "The playground needs an active API key.",
  "playground.charged": "Playground calls count toward the chosen key's quota and usage.",
  "reference.title": "API reference",
  "error.generic": "Something went wrong: {message}",
  "error.csrf": "This form has expired. Reload the page and try again.",
  "table.none": "None",
  "common.cancel": "Cancel",
  ...ADMIN_EN,
  ...PAGES_EN,
  ...DOCS_EN,
};

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { "zh-CN": zh, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A translator for `lang`; `{name}` placeholders are filled from `params`. */
export function translator(lang: Lang): Translate {
  const dictionary = DICTIONARIES[lang];
  return (key, params) => {
    let text = dictionary[key];
    if (params) for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  };
}

/** The language: the saved choice, else the first supported one in Accept-Language, else zh-CN. */
export function pickLang(saved: string | undefined, acceptLanguage: string | null): Lang {
  if (saved === "en" || saved === "zh-CN") return saved;
  const wanted = (acceptLanguage ?? "").split(",").map((part) => part.split(";")[0]!.trim().toLowerCase()).filter(Boolean);
  for (const tag of wanted) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return "zh-CN";
}
