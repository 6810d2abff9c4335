// Mail: texts in the user's language, the durable outbox and its SMTP sender loop.
export { backoffMs, createMailer, startLoop, startMailSender } from "./outbox.ts";
export type { Mailer, MailSenderOptions, Sender } from "./outbox.ts";
export { composeMail } from "./texts.ts";
export type { MailContent, MailKind } from "./texts.ts";
