import { type Clock, systemClock } from "../clock.ts";
import type { DeliveryContext, DeliveryOutcome } from "./delivery_outcome.ts";
import type { NotificationChannel } from "./notification_channel.ts";
import type { NotificationMessage } from "./notification_message.ts";
import { notificationSubject, transitionWord } from "./notification_text.ts";
import { postForOutcome } from "./_http_delivery.ts";
import { checkHttpUrl, checkTimeout } from "./_channel_options.ts";

/** Options of {@link TwilioChannel}. */
export interface TwilioChannelOptions {
  readonly id: string;
  /** Account SID (`AC…`), also the basic-auth user. */
  readonly accountSid: string;
  /** Auth token (or API key secret), the basic-auth password. */
  readonly authToken: string;
  /** Sender number in E.164 (`+15017122661`). */
  readonly from: string;
  /** Recipient number in E.164; one channel per recipient, so a retry never re-sends to others. */
  readonly to: string;
  /** Send over WhatsApp (`whatsapp:` addresses) instead of SMS. */
  readonly whatsapp?: boolean;
  /** API origin (default `https://api.twilio.com`); tests point it at a local receiver. */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  readonly clock?: Clock;
}

/** Twilio concatenates up to 1600 characters into one message. */
export const TWILIO_BODY_LIMIT = 1600;
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The short text of a message for SMS/WhatsApp, at most {@link TWILIO_BODY_LIMIT} characters.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const alert: AlertNotification;
 *
 * smsText({ kind: "alert", alert });
 * // "[HIGH] Raised: Oil too hot — press-01 (demo). oil_temp 82.5 > 80 https://…/alerts/a-17"
 * ```
 */
export function smsText(message: NotificationMessage): string {
  let text: string;
  if (message.kind === "alert") {
    const a = message.alert;
    text = `${notificationSubject(message)}. ${a.explanation} ${a.link}`;
  } else {
    const items = message.alerts.map((a) =>
      `${a.machine} ${a.ruleName} ${transitionWord(a.transition).toLowerCase()}`
    );
    text = `${notificationSubject(message)}: ${items.join("; ")}`;
  }
  return text.length > TWILIO_BODY_LIMIT ? `${text.slice(0, TWILIO_BODY_LIMIT - 1)}…` : text;
}

/**
 * Sends messages as SMS or WhatsApp through Twilio's REST API:
 * `POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json`, basic auth,
 * form-encoded `To`, `From`, `Body`. 201 is delivered (to Twilio's queue);
 * 429 and 5xx are retryable; other 4xx (bad number, bad credentials) permanent.
 *
 * @example
 * ```ts
 * declare const token: string;
 *
 * const channel = new TwilioChannel({
 *   id: "oncall-sms",
 *   accountSid: "AC…",
 *   authToken: token,
 *   from: "+15017122661",
 *   to: "+4915112345678",
 * });
 * ```
 */
export class TwilioChannel implements NotificationChannel {
  readonly id: string;
  readonly kind: "sms" | "whatsapp";
  readonly #url: string;
  readonly #authorization: string;
  readonly #from: string;
  readonly #to: string;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(options: TwilioChannelOptions) {
    const baseUrl = options.baseUrl ?? "https://api.twilio.com";
    checkHttpUrl("twilio", options.id, "baseUrl", baseUrl);
    if (!/^[A-Za-z0-9]{2,64}$/.test(options.accountSid)) {
      throw new RangeError(
        `Cannot create twilio channel '${options.id}': 'accountSid' must be letters and digits (AC…): current value is '${options.accountSid}'`,
      );
    }
    for (const field of ["from", "to"] as const) {
      if (!E164.test(options[field])) {
        throw new RangeError(
          `Cannot create twilio channel '${options.id}': '${field}' must be an E.164 number like +15017122661: current value is '${
            options[field]
          }'`,
        );
      }
    }
    if (options.authToken.length === 0) {
      throw new RangeError(
        `Cannot create twilio channel '${options.id}': 'authToken' must not be empty`,
      );
    }
    this.id = options.id;
    this.kind = options.whatsapp ? "whatsapp" : "sms";
    this.#url = `${baseUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${
      encodeURIComponent(options.accountSid)
    }/Messages.json`;
    this.#authorization = `Basic ${btoa(`${options.accountSid}:${options.authToken}`)}`;
    const prefix = options.whatsapp ? "whatsapp:" : "";
    this.#from = prefix + options.from;
    this.#to = prefix + options.to;
    this.#timeoutMs = checkTimeout("twilio", options.id, options.timeoutMs);
    this.#clock = options.clock ?? systemClock;
  }

  async send(message: NotificationMessage, context: DeliveryContext): Promise<DeliveryOutcome> {
    const form = new URLSearchParams({ To: this.#to, From: this.#from, Body: smsText(message) });
    return await postForOutcome(this.#url, {
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: this.#authorization,
      },
      body: form.toString(),
    }, { timeoutMs: this.#timeoutMs, now: this.#clock.now(), signal: context.signal });
  }
}
