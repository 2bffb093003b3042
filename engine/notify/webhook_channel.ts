import { type Clock, systemClock } from "../clock.ts";
import type { DeliveryContext, DeliveryOutcome } from "./delivery_outcome.ts";
import type { NotificationChannel } from "./notification_channel.ts";
import type { NotificationMessage } from "./notification_message.ts";
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  signWebhookBody,
  TIMESTAMP_HEADER,
} from "./webhook_signature.ts";
import { postForOutcome } from "./_http_delivery.ts";
import { checkHttpUrl, checkTimeout } from "./_channel_options.ts";

/** Options of {@link WebhookChannel}. */
export interface WebhookChannelOptions {
  readonly id: string;
  /** Where to POST (http or https). */
  readonly url: string;
  /** Shared secret for the HMAC signature (see `webhook_signature.ts` for the scheme). */
  readonly secret: string;
  /** Per-attempt time bound, ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Source of the signed timestamp and of "now" for `Retry-After` dates. */
  readonly clock?: Clock;
}

/**
 * POSTs each message as JSON — `{"deliveryId": "…", "kind": "alert", "alert": {…}}`
 * or `{"deliveryId": "…", "kind": "digest", "reason": …, "alerts": [ … ], …}` —
 * signed with HMAC-SHA256 over the timestamp and the raw body. 2xx is
 * delivered; 408, 425, 429 and 5xx (honouring `Retry-After`), timeouts and
 * network errors are retryable; any other status is permanent.
 *
 * @example
 * ```ts
 * declare const secret: string;
 *
 * const channel = new WebhookChannel({
 *   id: "ops-hook",
 *   url: "https://ops.example/hooks/millwright",
 *   secret,
 * });
 * ```
 */
export class WebhookChannel implements NotificationChannel {
  readonly id: string;
  readonly kind = "webhook";
  readonly #url: string;
  readonly #secret: string;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(options: WebhookChannelOptions) {
    checkHttpUrl("webhook", options.id, "url", options.url);
    if (options.secret.length === 0) {
      throw new RangeError(
        `Cannot create webhook channel '${options.id}': 'secret' must not be empty`,
      );
    }
    this.id = options.id;
    this.#url = options.url;
    this.#secret = options.secret;
    this.#timeoutMs = checkTimeout("webhook", options.id, options.timeoutMs);
    this.#clock = options.clock ?? systemClock;
  }

  async send(message: NotificationMessage, context: DeliveryContext): Promise<DeliveryOutcome> {
    const body = JSON.stringify({ deliveryId: context.deliveryId, ...message });
    const now = this.#clock.now();
    const timestamp = Math.floor(now / 1000);
    return await postForOutcome(this.#url, {
      headers: {
        "content-type": "application/json",
        "user-agent": "Millwright-Notifier",
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: await signWebhookBody(this.#secret, body, timestamp),
        [DELIVERY_HEADER]: context.deliveryId,
      },
      body,
    }, { timeoutMs: this.#timeoutMs, now, signal: context.signal });
  }
}
