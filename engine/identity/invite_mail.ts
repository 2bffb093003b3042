import nodemailer, { type Transporter } from "nodemailer";
import type { Invite } from "./invites.ts";

/** One plain-text e-mail. */
export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends e-mail; rejects when the server refuses or cannot be reached. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** The invite or password-reset e-mail for `invite` with its `link`. */
export function inviteMail(invite: Invite, link: string, factoryName?: string): Mail {
  const until = new Date(invite.expiresAt).toISOString().replace("T", " ").slice(0, 16) + " UTC";
  if (invite.kind === "invite") {
    const where = factoryName ?? invite.factory ?? "Millwright";
    return {
      to: invite.email,
      subject: `You are invited to ${where} on Millwright`,
      text: [
        `${invite.createdBy} invited you to ${where} on Millwright as ${invite.role}.`,
        "",
        "Choose your name and password here (the link works once, until " + until + "):",
        link,
        "",
        "If you did not expect this, ignore this e-mail.",
      ].join("\n"),
    };
  }
  return {
    to: invite.email,
    subject: "Reset your Millwright password",
    text: [
      `${invite.createdBy} started a password reset for your Millwright account.`,
      "",
      "Choose a new password here (the link works once, until " + until + "):",
      link,
      "",
      "Setting it signs you out everywhere. If you did not expect this, tell your administrator.",
    ].join("\n"),
  };
}

/**
 * A {@link Mailer} over SMTP with `npm:nodemailer`, configured like the
 * e-mail notification channels (`SMTP_URL`, `SMTP_FROM`).
 *
 * @example
 * ```ts
 * import type { Config } from "../config.ts";
 * declare const config: Config;
 * const mailer = config.smtp ? new SmtpMailer(config.smtp) : undefined;
 * ```
 */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(
    smtp: {
      host: string;
      port: number;
      secure?: boolean;
      requireTls?: boolean;
      user?: string;
      password?: string;
      from: string;
    },
    options: { timeoutMs?: number } = {},
  ) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.#from = smtp.from;
    this.#transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure ?? false,
      requireTLS: smtp.requireTls ?? false,
      auth: smtp.user !== undefined ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(mail: Mail): Promise<void> {
    await this.#transport.sendMail({
      from: this.#from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
    });
  }

  close(): void {
    this.#transport.close();
  }
}
