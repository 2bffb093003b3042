import type { AlertNotification, AlertTransition } from "./alert_notification.ts";
import type { DigestMessage, NotificationMessage } from "./notification_message.ts";

const TRANSITION_WORDS: Record<AlertTransition, string> = {
  raised: "Raised",
  acknowledged: "Acknowledged",
  cleared: "Cleared",
  flapping: "Flapping",
};

/** Note added to a `flapping` message. */
export const FLAPPING_NOTE =
  "This alert keeps changing state; further notifications for it are held until it settles.";

/**
 * `2026-05-04 12:00:00 Europe/Berlin` — an instant as wall time in `timeZone`.
 *
 * @example
 * ```ts
 * formatInstant(Date.UTC(2026, 4, 4, 10), "UTC"); // "2026-05-04 10:00:00 UTC"
 * ```
 */
export function formatInstant(epochMs: number, timeZone: string): string {
  const t = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}:${
    pad(t.second)
  } ${timeZone}`;
}

/** `oil_temp=82.5, door_open=true` */
export function formatValues(values: AlertNotification["values"]): string {
  return Object.entries(values).map(([name, value]) => `${name}=${value}`).join(", ");
}

/** `Raised` for `raised`, and so on. */
export function transitionWord(transition: AlertTransition): string {
  return TRANSITION_WORDS[transition];
}

/**
 * The subject line (e-mail subject, chat headline) of a message.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const alert: AlertNotification;
 *
 * notificationSubject({ kind: "alert", alert });
 * // "[HIGH] Raised: Oil too hot — press-01 (demo)"
 * ```
 */
export function notificationSubject(message: NotificationMessage): string {
  if (message.kind === "alert") {
    const a = message.alert;
    return `[${a.severity.toUpperCase()}] ${
      transitionWord(a.transition)
    }: ${a.ruleName} — ${a.machine} (${a.factory})`;
  }
  const count = `${message.alerts.length} alert ${
    message.alerts.length === 1 ? "change" : "changes"
  }`;
  return message.reason === "storm"
    ? `[STORM] ${count} in factory ${message.factory} within a minute`
    : `Quiet-hours summary: ${count} held`;
}

/** One line per transition in a digest: time, severity, what, where, why, link. */
export function digestLine(alert: AlertNotification, timeZone: string): string {
  return `${formatInstant(alert.at, timeZone)} [${alert.severity.toUpperCase()}] ${
    transitionWord(alert.transition)
  }: ${alert.ruleName} — ${alert.machine} (${alert.factory}): ${alert.explanation} ${alert.link}`;
}

/** The sentence that says why a digest was sent. */
export function digestIntro(message: DigestMessage): string {
  return message.reason === "storm"
    ? `More alerts than the storm threshold fired in factory ${message.factory}; they are listed here instead of one message each.`
    : "These alert changes happened during quiet hours and were held until now.";
}

/**
 * The plain-text body of a message (e-mail text part, generic chat text).
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const alert: AlertNotification;
 *
 * notificationText({ kind: "alert", alert }, "Europe/Berlin");
 * ```
 */
export function notificationText(message: NotificationMessage, timeZone: string): string {
  if (message.kind === "alert") {
    const a = message.alert;
    const lines = [
      `${a.ruleName} — ${transitionWord(a.transition).toLowerCase()}`,
      "",
      `Severity: ${a.severity}`,
      `Machine:  ${a.machine} (factory ${a.factory})`,
      `Rule:     ${a.ruleName} (${a.ruleId})`,
      `At:       ${formatInstant(a.at, timeZone)}`,
      `Why:      ${a.explanation}`,
    ];
    if (Object.keys(a.values).length > 0) lines.push(`Values:   ${formatValues(a.values)}`);
    if (a.transition === "flapping") lines.push("", FLAPPING_NOTE);
    lines.push("", `Open the alert: ${a.link}`);
    return lines.join("\n") + "\n";
  }
  const lines = [notificationSubject(message), "", digestIntro(message)];
  if (message.sentIndividually > 0) {
    lines.push(
      `${message.sentIndividually} earlier ones were sent one by one before the storm was detected.`,
    );
  }
  lines.push("", ...message.alerts.map((a) => `- ${digestLine(a, timeZone)}`));
  return lines.join("\n") + "\n";
}
