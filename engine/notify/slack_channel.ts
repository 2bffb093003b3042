import { type Clock, systemClock } from "../clock.ts";
import type { AlertNotification } from "./alert_notification.ts";
import type { DeliveryContext, DeliveryOutcome } from "./delivery_outcome.ts";
import type { NotificationChannel } from "./notification_channel.ts";
import type { NotificationMessage } from "./notification_message.ts";
import {
  FLAPPING_NOTE,
  formatInstant,
  formatValues,
  notificationSubject,
  transitionWord,
} from "./notification_text.ts";
import { postForOutcome } from "./_http_delivery.ts";
import { checkHttpUrl, checkTimeout } from "./_channel_options.ts";

/** Options of {@link SlackChannel}. */
export interface SlackChannelOptions {
  readonly id: string;
  /** The incoming-webhook URL (`https://hooks.slack.com/services/…`); it is the secret. */
  readonly url: string;
  /** Time zone the times are shown in (default UTC). */
  readonly timeZone?: string;
  readonly timeoutMs?: number;
  readonly clock?: Clock;
}

/** A digest lists this many transitions as blocks; the rest are counted (Slack allows 50 blocks). */
export const SLACK_DIGEST_LIST_LIMIT = 20;

// Slack mrkdwn reserves exactly these three characters.
function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function alertSection(a: AlertNotification, timeZone: string): Record<string, unknown> {
  return {
    type: "section",
    text: {
      type: "mrkdwn",
      text: clip(
        `*<${a.link}|${escape(a.ruleName)}>* ${transitionWord(a.transition).toLowerCase()} on ` +
          `*${escape(a.machine)}* (${escape(a.factory)}) · ${a.severity} · ${
            formatInstant(a.at, timeZone)
          }\n${escape(a.explanation)}`,
        3000,
      ),
    },
  };
}

/**
 * The Slack incoming-webhook JSON of a message: `text` (the notification
 * fallback) plus Block Kit `blocks` — header, details, and an "Open alert"
 * button; a digest lists up to {@link SLACK_DIGEST_LIST_LIMIT} transitions.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const alert: AlertNotification;
 *
 * const payload = slackPayload({ kind: "alert", alert }, "UTC");
 * payload.text; // "[HIGH] Raised: Oil too hot — press-01 (demo)"
 * ```
 */
export function slackPayload(
  message: NotificationMessage,
  timeZone: string,
): { text: string; blocks: Array<Record<string, unknown>> } {
  const subject = notificationSubject(message);
  const blocks: Array<Record<string, unknown>> = [
    { type: "header", text: { type: "plain_text", text: clip(subject, 150), emoji: true } },
  ];
  if (message.kind === "alert") {
    const a = message.alert;
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`*Why:* ${escape(a.explanation)}`, 3000) },
      fields: [
        { type: "mrkdwn", text: `*Severity*\n${a.severity}` },
        { type: "mrkdwn", text: `*Machine*\n${escape(a.machine)} (${escape(a.factory)})` },
        { type: "mrkdwn", text: `*Rule*\n${escape(a.ruleName)}` },
        { type: "mrkdwn", text: `*At*\n${formatInstant(a.at, timeZone)}` },
      ],
    });
    const context = [];
    if (Object.keys(a.values).length > 0) context.push(`Values: ${formatValues(a.values)}`);
    if (a.transition === "flapping") context.push(FLAPPING_NOTE);
    if (context.length > 0) {
      blocks.push({
        type: "context",
        elements: context.map((text) => ({ type: "mrkdwn", text: clip(escape(text), 3000) })),
      });
    }
    blocks.push({
      type: "actions",
      elements: [{
        type: "button",
        text: { type: "plain_text", text: "Open alert" },
        url: a.link,
        action_id: "open_alert",
      }],
    });
    return { text: subject, blocks };
  }
  for (const a of message.alerts.slice(0, SLACK_DIGEST_LIST_LIMIT)) {
    blocks.push(alertSection(a, timeZone));
  }
  const notes = [];
  const more = message.alerts.length - SLACK_DIGEST_LIST_LIMIT;
  if (more > 0) notes.push(`…and ${more} more.`);
  if (message.sentIndividually > 0) {
    notes.push(`${message.sentIndividually} earlier ones were sent one by one.`);
  }
  if (notes.length > 0) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: notes.join(" ") }] });
  }
  return { text: subject, blocks };
}

/**
 * Posts messages to a Slack incoming webhook (or anything that accepts its
 * JSON: Mattermost, Rocket.Chat). Statuses are classified as for webhooks;
 * Slack's 429 carries `Retry-After`.
 *
 * @example
 * ```ts
 * const channel = new SlackChannel({ id: "ops-slack", url: Deno.env.get("SLACK_WEBHOOK_URL")! });
 * ```
 */
export class SlackChannel implements NotificationChannel {
  readonly id: string;
  readonly kind = "slack";
  readonly #url: string;
  readonly #timeZone: string;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(options: SlackChannelOptions) {
    checkHttpUrl("slack", options.id, "url", options.url);
    this.id = options.id;
    this.#url = options.url;
    this.#timeZone = options.timeZone ?? "UTC";
    this.#timeoutMs = checkTimeout("slack", options.id, options.timeoutMs);
    this.#clock = options.clock ?? systemClock;
  }

  async send(message: NotificationMessage, context: DeliveryContext): Promise<DeliveryOutcome> {
    return await postForOutcome(this.#url, {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(slackPayload(message, this.#timeZone)),
    }, { timeoutMs: this.#timeoutMs, now: this.#clock.now(), signal: context.signal });
  }
}
