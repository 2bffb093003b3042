import nodemailer, { type Transporter } from "nodemailer";
import { Buffer } from "node:buffer";
import type { AlertNotification, Severity } from "./alert_notification.ts";
import type { DeliveryContext, DeliveryOutcome } from "./delivery_outcome.ts";
import type { NotificationChannel } from "./notification_channel.ts";
import type { NotificationMessage } from "./notification_message.ts";
import {
  digestIntro,
  FLAPPING_NOTE,
  formatInstant,
  notificationSubject,
  notificationText,
  transitionWord,
} from "./notification_text.ts";
import { renderSparklinePng } from "./sparkline_png.ts";
import { checkTimeout } from "./_channel_options.ts";

/** Where and how to submit mail. */
export interface SmtpServer {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when offered. */
  readonly secure?: boolean;
  /** Refuse to send unless the server offers STARTTLS. */
  readonly requireTls?: boolean;
  readonly user?: string;
  readonly password?: string;
}

/** Options of {@link EmailChannel}. */
export interface EmailChannelOptions {
  readonly id: string;
  readonly smtp: SmtpServer;
  /** Sender, `"Millwright <alerts@factory.example>"`. */
  readonly from: string;
  /** Recipients of every message of this channel. */
  readonly to: readonly string[];
  /** Time zone the times are shown in (default UTC). */
  readonly timeZone?: string;
  /** Bound on connecting, greeting and each socket read, ms (default 10 000). */
  readonly timeoutMs?: number;
}

/** A rendered e-mail. */
export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The inline chart, referenced from the HTML as `cid:` + {@link CHART_CID}. */
  readonly chart?: Uint8Array;
}

/** Content-ID of the inline chart image. */
export const CHART_CID = "chart@millwright";

const SEVERITY_COLOUR: Record<Severity, string> = {
  low: "#57606a",
  medium: "#9a6700",
  high: "#d1242f",
  critical: "#82071e",
};

function html(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function row(label: string, value: string): string {
  return `<tr><td style="padding:2px 12px 2px 0;color:#57606a">${html(label)}</td><td>${
    html(value)
  }</td></tr>`;
}

function alertHtml(a: AlertNotification, timeZone: string, chart: boolean): string {
  const values = Object.entries(a.values).map(([k, v]) => `${k}=${v}`).join(", ");
  return [
    `<h2 style="margin:0 0 8px;color:${SEVERITY_COLOUR[a.severity]}">${
      html(`${a.ruleName} — ${transitionWord(a.transition).toLowerCase()}`)
    }</h2>`,
    `<p style="margin:0 0 12px">${html(a.explanation)}</p>`,
    '<table style="border-collapse:collapse;margin:0 0 12px">',
    row("Severity", a.severity),
    row("Machine", `${a.machine} (factory ${a.factory})`),
    row("Rule", `${a.ruleName} (${a.ruleId})`),
    row("At", formatInstant(a.at, timeZone)),
    values ? row("Values", values) : "",
    "</table>",
    chart && a.series
      ? `<p style="margin:0 0 12px"><img src="cid:${CHART_CID}" width="300" height="80" alt="${
        html(`${a.series.metric}, recent values`)
      }" style="border:1px solid #d0d7de"></p>`
      : "",
    a.transition === "flapping" ? `<p style="margin:0 0 12px">${html(FLAPPING_NOTE)}</p>` : "",
    `<p><a href="${html(a.link)}" style="color:#0969da">Open the alert</a></p>`,
  ].join("\n");
}

/**
 * Renders a message as an e-mail: subject, plain text, and HTML with the
 * alert link and — when the alert carries a series of at least two samples —
 * an inline PNG sparkline (drawn in TypeScript, so no browser is needed).
 * Digests render as a table with one linked row per transition.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const alert: AlertNotification;
 *
 * const mail = renderEmail({ kind: "alert", alert }, "Europe/Berlin");
 * mail.subject; // "[HIGH] Raised: Oil too hot — press-01 (demo)"
 * ```
 */
export function renderEmail(message: NotificationMessage, timeZone: string): RenderedEmail {
  const subject = notificationSubject(message);
  const text = notificationText(message, timeZone);
  let body: string;
  let chart: Uint8Array | undefined;
  if (message.kind === "alert") {
    chart = message.alert.series ? renderSparklinePng(message.alert.series) : undefined;
    body = alertHtml(message.alert, timeZone, chart !== undefined);
  } else {
    body = [
      `<h2 style="margin:0 0 8px">${html(subject)}</h2>`,
      `<p>${html(digestIntro(message))}</p>`,
      message.sentIndividually > 0
        ? `<p>${message.sentIndividually} earlier ones were sent one by one.</p>`
        : "",
      '<table style="border-collapse:collapse">',
      ...message.alerts.map((a) =>
        `<tr><td style="padding:2px 8px 2px 0;white-space:nowrap">${
          html(formatInstant(a.at, timeZone))
        }</td><td style="padding:2px 8px;color:${SEVERITY_COLOUR[a.severity]}">${
          html(a.severity)
        }</td><td style="padding:2px 8px"><a href="${html(a.link)}">${html(a.ruleName)}</a> ${
          html(transitionWord(a.transition).toLowerCase())
        } on ${html(a.machine)} (${html(a.factory)}): ${html(a.explanation)}</td></tr>`
      ),
      "</table>",
    ].join("\n");
  }
  const page =
    `<!doctype html>\n<html><body style="font-family:sans-serif;font-size:14px">\n${body}\n</body></html>\n`;
  return chart ? { subject, text, html: page, chart } : { subject, text, html: page };
}

/** SMTP failures that cannot succeed on a retry, by nodemailer error code. */
const PERMANENT_CODES = new Set(["EAUTH", "ENOAUTH", "EOAUTH2", "EMESSAGE", "ETLS"]);

function classify(error: unknown): DeliveryOutcome {
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code !== "string") {
    throw error;
  }
  const { code, responseCode } = error as Error & { code: string; responseCode?: number };
  const text = `SMTP ${code}${responseCode ? ` ${responseCode}` : ""}: ${error.message}`;
  if (typeof responseCode === "number") {
    // RFC 5321: 4yz is a transient failure, 5yz a permanent one.
    return responseCode >= 500 ? { status: "permanent", error: text } : {
      status: "retryable",
      error: text,
    };
  }
  return PERMANENT_CODES.has(code)
    ? { status: "permanent", error: text }
    : { status: "retryable", error: text };
}

/**
 * Sends messages as e-mail over SMTP with `npm:nodemailer` (plain text + HTML,
 * inline chart). SMTP 4xx replies, connection errors and timeouts are
 * retryable; 5xx replies and authentication failures are permanent.
 *
 * @example
 * ```ts
 * declare const password: string;
 *
 * const channel = new EmailChannel({
 *   id: "maintenance-mail",
 *   smtp: { host: "smtp.factory.example", port: 587, user: "alerts", password },
 *   from: "Millwright <alerts@factory.example>",
 *   to: ["maintenance@factory.example"],
 *   timeZone: "Europe/Berlin",
 * });
 * ```
 */
export class EmailChannel implements NotificationChannel {
  readonly id: string;
  readonly kind = "email";
  readonly #transport: Transporter;
  readonly #from: string;
  readonly #to: readonly string[];
  readonly #timeZone: string;

  constructor(options: EmailChannelOptions) {
    const { smtp } = options;
    if (!Number.isInteger(smtp.port) || smtp.port < 1 || smtp.port > 65_535) {
      throw new RangeError(
        `Cannot create email channel '${options.id}': 'smtp.port' must be an integer 1..65535: current value is ${smtp.port}`,
      );
    }
    if (options.to.length === 0) {
      throw new RangeError(
        `Cannot create email channel '${options.id}': 'to' must list at least one recipient`,
      );
    }
    const timeoutMs = checkTimeout("email", options.id, options.timeoutMs);
    this.id = options.id;
    this.#from = options.from;
    this.#to = options.to;
    this.#timeZone = options.timeZone ?? "UTC";
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

  async send(message: NotificationMessage, context: DeliveryContext): Promise<DeliveryOutcome> {
    const mail = renderEmail(message, this.#timeZone);
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: [...this.#to],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The same Message-ID on every retry lets mail clients fold duplicates.
        messageId: `<notification-${context.deliveryId}@millwright>`,
        attachments: mail.chart
          ? [{
            filename: "chart.png",
            content: Buffer.from(mail.chart),
            contentType: "image/png",
            cid: CHART_CID,
          }]
          : [],
      });
      return { status: "sent" };
    } catch (error) {
      return classify(error);
    }
  }

  /** Closes pooled connections (none are kept today; call it on shutdown anyway). */
  close(): void {
    this.#transport.close();
  }
}
