import type { DeliveryContext, DeliveryOutcome } from "./delivery_outcome.ts";
import type { NotificationMessage } from "./notification_message.ts";

/**
 * A destination for notifications: one webhook, one mailbox list, one Slack
 * or Teams channel, one phone number. `send` makes exactly one attempt and
 * reports how it went; it never throws for a delivery failure (the
 * dispatcher retries, logs and counts), only for programming errors.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const channel: NotificationChannel, alert: AlertNotification;
 *
 * const outcome = await channel.send({ kind: "alert", alert }, { deliveryId: "42", attempt: 1 });
 * if (outcome.status === "retryable") console.log(outcome.error);
 * ```
 */
export interface NotificationChannel {
  /** Unique id the routing table refers to, e.g. `"ops-slack"`. */
  readonly id: string;
  /** What kind of channel this is (`webhook`, `email`, `slack`, `teams`, `twilio`), for logs. */
  readonly kind: string;
  send(message: NotificationMessage, context: DeliveryContext): Promise<DeliveryOutcome>;
}
