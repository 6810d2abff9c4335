// A real SMTP server on loopback for tests (smtp-server, STARTTLS offered with its built-in certificate): it keeps
// every mail it accepts, decoded enough to read subjects and links.
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface TestSmtp {
  port: number;
  /** The SMTP_URL of this server (the test certificate is self-signed). */
  url: string;
  mails: ReceivedMail[];
  /** Waits for a mail matching `match`, up to `timeoutMs`. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === "b" ? Buffer.from(data, "base64").toString("utf8") : decodeQp(data.replaceAll("_", " ")));
}

function decodeQp(body: string): string {
  const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, "%25"));
}

/** The text and HTML parts of a raw MIME message. */
export function parseMail(raw: string): Omit<ReceivedMail, "to"> {
  const [head = "", ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const subject = decodeWords(/^subject: (.*)$/im.exec(unfolded)?.[1] ?? "");
  const parts: Record<string, string> = {};
  const body = rest.join("\r\n\r\n");
  for (const chunk of body.split(/\r?\n--[^\r\n]+/)) {
    const [partHead = "", ...partBody] = chunk.split(/\r?\n\r?\n/);
    const type = /content-type: (text\/(?:plain|html))/i.exec(partHead)?.[1]?.toLowerCase();
    if (!type) continue;
    const content = partBody.join("\r\n\r\n");
    const encoding = /content-transfer-encoding: ([\w-]+)/i.exec(partHead)?.[1]?.toLowerCase();
    parts[type] = encoding === "base64" ? Buffer.from(content, "base64").toString("utf8") : encoding === "quoted-printable" ? decodeQp(content) : content;
  }
  return { subject, text: parts["text/plain"] ?? "", html: parts["text/html"] ?? "" };
}

/** Starts the server on `port` (a free one when 0). */
export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), ...parseMail(Buffer.concat(chunks).toString("utf8")) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const bound = (server.server.address() as { port: number }).port;
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}/?tls.rejectUnauthorized=false`,
    mails,
    async waitFor(match, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = mails.find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching mail within ${timeoutMs} ms; got: ${mails.map((m) => `${m.to} ${m.subject}`).join("; ")}`);
        await Bun.sleep(25);
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The link to `path` in a mail's text body. */
export function linkIn(mail: ReceivedMail, path: string): URL {
  const match = new RegExp(`https?://\\S+${path}\\?token=[\\w-]+`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  return new URL(match[0]);
}
