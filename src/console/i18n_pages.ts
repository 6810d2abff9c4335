// Console texts for the public pages (landing, model catalogue) and the 404/500 pages, spread into i18n.ts.

export const PAGES_ZH = {
  "nav.models": "模型列表",
  "errorPage.notFound": "页面不存在",
  "errorPage.notFoundHint": "找不到 {path}。请检查地址，或从首页重新进入。",
  "errorPage.internal": "服务器出错了",
  "errorPage.internalHint": "处理请求时发生了意外错误。请稍后重试；如果问题持续，请把下面的请求 ID 发给管理员。",
  "errorPage.requestId": "请求 ID:",
  "errorPage.home": "返回首页",
} as const;

export const PAGES_EN: Record<keyof typeof PAGES_ZH, string> = {
  "nav.models": "Models",
  "errorPage.notFound": "Page not found",
  "errorPage.notFoundHint": "There is nothing at {path}. Check the address, or start again from the home page.",
  "errorPage.internal": "Server error",
  "errorPage.internalHint": "Something unexpected went wrong while handling this request. Try again shortly; if it keeps happening, send the request id below to the operator.",
  "errorPage.requestId": "Request id:",
  "errorPage.home": "Home page",
};
