import type { AlertNotification } from "./alert_notification.ts";

/** Why several alerts travel as one message. */
export type DigestReason = "storm" | "quiet_hours";

/** One alert transition, sent on its own. */
export interface AlertMessage {
  readonly kind: "alert";
  readonly alert: AlertNotification;
}

/**
 * Several alert transitions in one message: a storm digest (one factory, more
 * alerts in a minute than the storm threshold) or the summary of what was held
 * during a channel's quiet hours.
 */
export interface DigestMessage {
  readonly kind: "digest";
  readonly reason: DigestReason;
  /** The factory of a storm digest; absent for a quiet-hours summary. */
  readonly factory?: string;
  /** The transitions, oldest first. */
  readonly alerts: readonly AlertNotification[];
  /** Epoch ms of the first and last transition listed. */
  readonly from: number;
  readonly to: number;
  /** Transitions of the same storm already sent one by one before it was detected. */
  readonly sentIndividually: number;
}

/**
 * What a {@link NotificationChannel} sends.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const alert: AlertNotification;
 *
 * const message: NotificationMessage = { kind: "alert", alert };
 * ```
 */
export type NotificationMessage = AlertMessage | DigestMessage;
