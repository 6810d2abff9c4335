// The durable mail outbox: requests only insert a row; each instance's sender loop delivers due rows over SMTP,
// retrying with backoff, so an SMTP outage delays mail but loses none and never blocks a request.
import { and, asc, eq, inArray, isNull, lte } from "drizzle-orm";
import nodemailer from "nodemailer";
import type { Db } from "../db/mod.ts";
import { mailOutbox } from "../db/schema/mod.ts";
import type { Logger } from "../log.ts";
import { composeMail, type MailKind } from "./texts.ts";

/** Queues mails; without SMTP_URL it is disabled and queues nothing. */
export interface Mailer {
  readonly enabled: boolean;
  /** Writes `mail`, in `lang`, to the outbox for `to` (nothing without SMTP). */
  send(to: string, lang: string, mail: MailKind): Promise<void>;
}

/** A mailer writing to the outbox of `db`; `onQueued` wakes this instance's sender. */
export function createMailer(db: Db, options: { enabled: boolean; onQueued?: () => void }): Mailer {
  return {
    enabled: options.enabled,
    async send(to, lang, mail) {
      if (!options.enabled) return;
      const content = composeMail(mail, lang);
      await db.insert(mailOutbox).values({ recipient: to, subject: content.subject.slice(0, 300), text: content.text, html: content.html });
      options.onQueued?.();
    },
  };
}

export interface MailSenderOptions {
  smtpUrl: string;
  from: string;
  log: Logger;
  /** First retry delay; doubles with each failure up to an hour. */
  retryBaseMs: number;
  pollMs: number;
}

export interface Sender {
  /** Looks for due work now rather than at the next poll. */
  wake(): void;
  /** Delivers what is due now (tests); resolves once the round is done. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

// How long a claimed row is hidden from other instances while this one talks to the server.
const CLAIM_MS = 120_000;
const GIVE_UP_MS = 3 * 24 * 3600_000;
const BATCH = 20;

/** Delay before retry number `attempts` (1-based): base × 2^(attempts − 1), at most `maxMs`. */
export function backoffMs(baseMs: number, attempts: number, maxMs = 3600_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** Claims up to BATCH due rows: FOR UPDATE SKIP LOCKED, so instances never take the same row. */
async function claimDue(db: Db): Promise<Array<typeof mailOutbox.$inferSelect>> {
  return await db.transaction(async (tx) => {
    const due = await tx.select().from(mailOutbox)
      .where(and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt), lte(mailOutbox.nextAttemptAt, new Date())))
      .orderBy(asc(mailOutbox.id)).limit(BATCH).for("update", { skipLocked: true });
    if (due.length > 0) await tx.update(mailOutbox).set({ nextAttemptAt: new Date(Date.now() + CLAIM_MS) }).where(inArray(mailOutbox.id, due.map((r) => r.id)));
    return due;
  });
}

/** A polling loop with a wake-up, one round at a time: the shape of both the mail and the webhook senders. */
export function startLoop(round: () => Promise<number>, options: { pollMs: number; log: Logger; name: string }): Sender {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<number> | null = null;
  let again = false;
  const runOnce = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = round().catch((error) => {
      options.log.warn(`${options.name} round failed`, { error: (error as Error).message });
      return 0;
    }).finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        schedule(0);
      }
    });
    return running;
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(async () => {
      timer = null;
      const done = await runOnce();
      // A full batch may have left more behind: go on at once.
      schedule(done >= BATCH ? 0 : options.pollMs);
    }, ms);
  };
  schedule(options.pollMs);
  return {
    wake: () => schedule(0),
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** Starts this instance's mail sender over the SMTP server of `smtpUrl` (STARTTLS when offered, auth from the URL). */
export function startMailSender(db: Db, options: MailSenderOptions): Sender {
  const transport = nodemailer.createTransport(options.smtpUrl, { from: options.from });
  // Timeouts keep one dead server from holding a round for minutes.
  Object.assign(transport.options, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  const round = async () => {
    const due = await claimDue(db);
    for (const mail of due) {
      try {
        await transport.sendMail({ from: options.from, to: mail.recipient, subject: mail.subject, text: mail.text, html: mail.html });
        await db.update(mailOutbox).set({ sentAt: new Date(), attempts: mail.attempts + 1, lastError: null }).where(eq(mailOutbox.id, mail.id));
      } catch (error) {
        const attempts = mail.attempts + 1;
        const giveUp = Date.now() - mail.createdAt.getTime() > GIVE_UP_MS;
        options.log.warn("mail not sent; will retry", { mail: mail.id, attempts, error: (error as Error).message });
        await db.update(mailOutbox).set({
          attempts,
          lastError: (error as Error).message.slice(0, 500),
          nextAttemptAt: new Date(Date.now() + backoffMs(options.retryBaseMs, attempts)),
          failedAt: giveUp ? new Date() : null,
        }).where(eq(mailOutbox.id, mail.id));
      }
    }
    return due.length;
  };
  const loop = startLoop(round, { pollMs: options.pollMs, log: options.log, name: "mail sender" });
  return { ...loop, stop: async () => (await loop.stop(), transport.close()) };
}
