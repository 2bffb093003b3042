import type { EventBus } from "../bus.ts";
import type { AlertEvent } from "../events.ts";
import type { MachineDirectory } from "../machine_view.ts";
import type {
  AlertNotification,
  AlertTransition,
  NotificationSeries,
} from "./alert_notification.ts";

/** Whether an alert is shelved now (the alert store answers; notifications wait meanwhile). */
export interface ShelvedAlerts {
  isShelved(alertId: string): boolean;
}

/** Where notifications go: the dispatcher (or anything that routes them). */
export interface NotificationSink {
  notify(alert: AlertNotification): void;
}

/** Options of {@link AlertNotifier}. */
export interface AlertNotifierOptions {
  readonly bus: Pick<EventBus, "subscribe">;
  readonly sink: NotificationSink;
  /** Base of alert links, e.g. `https://mw.factory.example` (read at each alert). */
  readonly publicUrl: () => string;
  /** Alerts shelved now are not notified; none are unless given. */
  readonly shelved?: ShelvedAlerts;
  /** Recent values for the e-mail chart; no chart unless given. */
  readonly directory?: Pick<MachineDirectory, "recent">;
  /** Samples in the chart (default 60). */
  readonly seriesPoints?: number;
}

const TRANSITIONS: Partial<Record<AlertEvent["action"], AlertTransition>> = {
  raised: "raised",
  acknowledged: "acknowledged",
  cleared: "cleared",
  flapping: "flapping",
};

const CLEAR_REASONS: Readonly<Record<string, string>> = {
  manual: "by hand",
  rule_disabled: "because its rule was disabled",
  rule_deleted: "because its rule was deleted",
  out_of_scope: "because the machine left its rule's scope",
};

/** The link of an alert's page. */
export function alertLink(publicUrl: string, factory: string, alertId: string): string {
  return `${publicUrl}/factories/${encodeURIComponent(factory)}/alerts/${
    encodeURIComponent(alertId)
  }`;
}

function explanation(event: AlertEvent): string {
  const who = event.by === undefined ? "" : ` by ${event.by}`;
  const note = event.note === undefined || event.note === "" ? "" : `: ${event.note}`;
  if (event.action === "acknowledged") return `${event.explanation} — acknowledged${who}${note}`;
  if (event.action === "cleared" && event.reason !== undefined && event.reason !== "condition") {
    const how = CLEAR_REASONS[event.reason] ?? `(${event.reason})`;
    return `${event.explanation} — cleared ${how}${who}${note}`;
  }
  return event.explanation;
}

/**
 * Which alert events people are told about, as the notification to send, or
 * undefined: `raised`, `acknowledged`, `cleared` and `flapping` are; events
 * marked `held` (their rule is flapping), `suppressed` (cooldown), `shelved`,
 * `unshelved` and `flapping_ended` are not.
 *
 * @example
 * ```ts
 * import type { AlertEvent } from "../events.ts";
 *
 * declare const event: AlertEvent, dispatcher: NotificationSink;
 *
 * const alert = alertNotification(event, "https://mw.example");
 * if (alert !== undefined) dispatcher.notify(alert);
 * ```
 */
export function alertNotification(
  event: AlertEvent,
  publicUrl: string,
  series?: NotificationSeries,
): AlertNotification | undefined {
  const transition = TRANSITIONS[event.action];
  if (transition === undefined || event.held === true || event.alertId === null) return undefined;
  return {
    alertId: event.alertId,
    transition,
    factory: event.factory,
    machine: event.machine,
    ruleId: event.ruleId,
    ruleName: event.ruleName,
    severity: event.severity,
    at: event.ts,
    explanation: explanation(event),
    values: event.values,
    ...(series === undefined ? {} : { series }),
    link: alertLink(publicUrl, event.factory, event.alertId),
  };
}

/**
 * Turns the bus's `alert` events into notifications (see
 * {@link alertNotification} for which) and hands them to the dispatcher,
 * except for alerts shelved at the time. Each carries the recent values of
 * the rule's first metric the machine directory holds, up to the event, for
 * the e-mail chart.
 *
 * @example
 * ```ts
 * import type { AlertStore } from "../alerts/alert_store.ts";
 * import type { EventBus } from "../bus.ts";
 * import type { MachineDirectory } from "../machine_view.ts";
 *
 * declare const bus: EventBus, dispatcher: NotificationSink;
 * declare const alertStore: AlertStore, directory: MachineDirectory;
 *
 * const notifier = new AlertNotifier({
 *   bus,
 *   sink: dispatcher,
 *   shelved: alertStore,
 *   directory,
 *   publicUrl: () => "https://mw.factory.example",
 * });
 * notifier.close(); // stops listening
 * ```
 */
export class AlertNotifier {
  readonly #sink: NotificationSink;
  readonly #publicUrl: () => string;
  readonly #shelved: ShelvedAlerts | undefined;
  readonly #directory: Pick<MachineDirectory, "recent"> | undefined;
  readonly #seriesPoints: number;
  readonly #unsubscribe: () => void;

  constructor(options: AlertNotifierOptions) {
    const points = options.seriesPoints ?? 60;
    if (!Number.isInteger(points) || points < 2) {
      throw new RangeError(
        `Cannot create alert notifier: 'seriesPoints' must be an integer >= 2: current value is ${points}`,
      );
    }
    this.#sink = options.sink;
    this.#publicUrl = options.publicUrl;
    this.#shelved = options.shelved;
    this.#directory = options.directory;
    this.#seriesPoints = points;
    this.#unsubscribe = options.bus.subscribe((event) => {
      if (event.type === "alert") this.#onAlert(event);
    });
  }

  /** Stops listening to the bus. */
  close(): void {
    this.#unsubscribe();
  }

  #onAlert(event: AlertEvent): void {
    if (TRANSITIONS[event.action] === undefined || event.held === true) return;
    if (event.alertId === null || this.#shelved?.isShelved(event.alertId)) return;
    const alert = alertNotification(event, this.#publicUrl(), this.#series(event));
    if (alert !== undefined) this.#sink.notify(alert);
  }

  #series(event: AlertEvent): NotificationSeries | undefined {
    if (this.#directory === undefined) return undefined;
    for (const metric of Object.keys(event.values)) {
      const points = this.#directory.recent(event.factory, event.machine, metric)
        .filter(([ts]) => ts <= event.ts)
        .slice(-this.#seriesPoints)
        .map(([ts, value]) => ({ ts, value }));
      if (points.length >= 2) return { metric, points };
    }
    return undefined;
  }
}
