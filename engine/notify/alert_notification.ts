/** What happened to an alert. */
export type AlertTransition = "raised" | "acknowledged" | "cleared" | "flapping";

/** How urgent an alert is; `critical` also bypasses quiet hours. */
export type Severity = "low" | "medium" | "high" | "critical";

/** Every severity, least urgent first. */
export const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];

/** Recent values of one metric, drawn as the chart in e-mails. */
export interface NotificationSeries {
  readonly metric: string;
  /** Samples in time order. */
  readonly points: ReadonlyArray<{ readonly ts: number; readonly value: number }>;
  /** The rule's threshold, drawn as a dashed line when given. */
  readonly threshold?: number;
}

/**
 * One alert transition to tell people about. The alerts part of the engine
 * builds it; the notification dispatcher routes, holds, digests and delivers it.
 *
 * @example
 * ```ts
 * const alert: AlertNotification = {
 *   alertId: "a-17", transition: "raised", factory: "demo", machine: "press-01",
 *   ruleId: "r-oil", ruleName: "Oil too hot", severity: "high",
 *   at: Date.parse("2026-05-04T10:00:00Z"),
 *   explanation: "oil_temp 82.5 > 80 for 10 min",
 *   values: { oil_temp: 82.5 },
 *   link: "https://millwright.example/alerts/a-17",
 * };
 * ```
 */
export interface AlertNotification {
  readonly alertId: string;
  readonly transition: AlertTransition;
  readonly factory: string;
  readonly machine: string;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly severity: Severity;
  /** When the transition happened, epoch ms. */
  readonly at: number;
  /** Why, in words ("oil_temp 82.5 > 80 for 10 min"). */
  readonly explanation: string;
  /** The metric values that decided the transition. */
  readonly values: Readonly<Record<string, number | boolean>>;
  /** Recent values for a chart (e-mail draws it as an inline PNG); optional. */
  readonly series?: NotificationSeries;
  /** Absolute URL of the alert's page. */
  readonly link: string;
}
