import { type Clock, systemClock } from "../clock.ts";
import type { Severity } from "./alert_notification.ts";
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

/** Options of {@link TeamsChannel}. */
export interface TeamsChannelOptions {
  readonly id: string;
  /** The Teams workflow ("When a Teams webhook request is received") URL; it is the secret. */
  readonly url: string;
  /** Time zone the times are shown in (default UTC). */
  readonly timeZone?: string;
  readonly timeoutMs?: number;
  readonly clock?: Clock;
}

/** A digest lists this many transitions; the rest are counted. */
export const TEAMS_DIGEST_LIST_LIMIT = 30;

const COLOUR: Record<Severity, string> = {
  low: "Default",
  medium: "Warning",
  high: "Attention",
  critical: "Attention",
};

/**
 * The Teams incoming-webhook JSON of a message: a `message` with one Adaptive
 * Card 1.4 attachment (title, a FactSet of details, an "Open alert" action).
 * Adaptive Cards are what Teams workflow webhooks accept; the older
 * MessageCard belongs to the retired Office 365 connectors.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const alert: AlertNotification;
 *
 * const payload = teamsPayload({ kind: "alert", alert }, "UTC");
 * payload.attachments[0].contentType; // "application/vnd.microsoft.card.adaptive"
 * ```
 */
export function teamsPayload(message: NotificationMessage, timeZone: string): {
  type: "message";
  attachments: Array<{ contentType: string; contentUrl: null; content: Record<string, unknown> }>;
} {
  const subject = notificationSubject(message);
  const body: Array<Record<string, unknown>> = [];
  const actions: Array<Record<string, unknown>> = [];
  if (message.kind === "alert") {
    const a = message.alert;
    body.push(
      {
        type: "TextBlock",
        text: subject,
        weight: "Bolder",
        size: "Medium",
        color: COLOUR[a.severity],
        wrap: true,
      },
      { type: "TextBlock", text: a.explanation, wrap: true },
      {
        type: "FactSet",
        facts: [
          { title: "Severity", value: a.severity },
          { title: "Machine", value: `${a.machine} (${a.factory})` },
          { title: "Rule", value: a.ruleName },
          { title: "At", value: formatInstant(a.at, timeZone) },
          ...(Object.keys(a.values).length > 0
            ? [{ title: "Values", value: formatValues(a.values) }]
            : []),
        ],
      },
    );
    if (a.transition === "flapping") {
      body.push({ type: "TextBlock", text: FLAPPING_NOTE, wrap: true, isSubtle: true });
    }
    actions.push({ type: "Action.OpenUrl", title: "Open alert", url: a.link });
  } else {
    body.push({ type: "TextBlock", text: subject, weight: "Bolder", size: "Medium", wrap: true });
    body.push({
      type: "FactSet",
      facts: message.alerts.slice(0, TEAMS_DIGEST_LIST_LIMIT).map((a) => ({
        title: `${formatInstant(a.at, timeZone)} ${a.severity}`,
        value: `[${a.ruleName}](${a.link}) ${
          transitionWord(a.transition).toLowerCase()
        } on ${a.machine} (${a.factory}): ${a.explanation}`,
      })),
    });
    const more = message.alerts.length - TEAMS_DIGEST_LIST_LIMIT;
    const notes = [];
    if (more > 0) notes.push(`…and ${more} more.`);
    if (message.sentIndividually > 0) {
      notes.push(`${message.sentIndividually} earlier ones were sent one by one.`);
    }
    if (notes.length > 0) {
      body.push({ type: "TextBlock", text: notes.join(" "), wrap: true, isSubtle: true });
    }
  }
  return {
    type: "message",
    attachments: [{
      contentType: "application/vnd.microsoft.card.adaptive",
      contentUrl: null,
      content: {
        $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
        type: "AdaptiveCard",
        version: "1.4",
        body,
        ...(actions.length > 0 ? { actions } : {}),
      },
    }],
  };
}

/**
 * Posts messages to a Microsoft Teams incoming webhook as an Adaptive Card.
 * Statuses are classified as for webhooks (Teams answers 202 when accepted).
 *
 * @example
 * ```ts
 * const channel = new TeamsChannel({ id: "ops-teams", url: Deno.env.get("TEAMS_WEBHOOK_URL")! });
 * ```
 */
export class TeamsChannel implements NotificationChannel {
  readonly id: string;
  readonly kind = "teams";
  readonly #url: string;
  readonly #timeZone: string;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(options: TeamsChannelOptions) {
    checkHttpUrl("teams", options.id, "url", options.url);
    this.id = options.id;
    this.#url = options.url;
    this.#timeZone = options.timeZone ?? "UTC";
    this.#timeoutMs = checkTimeout("teams", options.id, options.timeoutMs);
    this.#clock = options.clock ?? systemClock;
  }

  async send(message: NotificationMessage, context: DeliveryContext): Promise<DeliveryOutcome> {
    return await postForOutcome(this.#url, {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(teamsPayload(message, this.#timeZone)),
    }, { timeoutMs: this.#timeoutMs, now: this.#clock.now(), signal: context.signal });
  }
}
