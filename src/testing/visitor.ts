// A console visitor for app.handle tests: keeps its cookies and address, reads each page's form token.
import type { TestHub } from "./harness.ts";

/** A browser of one: keeps its cookies and address, and reads the form token from each page. */
export class Visitor {
  cookies = new Map<string, string>();
  token = "";
  constructor(private hub: TestHub, readonly address: string) {}

  async send(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers = new Headers({ host: "localhost", "x-forwarded-for": this.address, ...init.headers });
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    let body: string | undefined;
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form).toString();
    }
    const response = await this.hub.request(path, { method: init.method ?? (init.form ? "POST" : "GET"), headers, body });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, value] = pair!.split("=") as [string, string];
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Opens a page and keeps its form token. */
  async open(path: string): Promise<string> {
    const response = await this.send(path);
    const html = await response.text();
    this.token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    return html;
  }

  /** Posts a form the way the hub's own page does: with its token and the hub's Origin. */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = { origin: "http://localhost", "sec-fetch-site": "same-origin" }): Promise<Response> {
    return this.send(path, { form: { _csrf: this.token, ...form }, headers });
  }

  async register(email: string): Promise<Response> {
    await this.open("/register");
    return await this.post("/register", { email, password: "console-password-1", full_name: "Console User" });
  }
}
