/**
 * A list of alerts a page keeps live: `alert` events update it with the
 * store's rules ({@link applyAlertEvent}), answers to operator actions are
 * merged in, and after a reconnection the list is reloaded from the API so
 * nothing missed while disconnected stays wrong. (The first connection
 * follows the server's render by moments, so it needs no reload.)
 */
import { type ReadonlySignal, type Signal, signal } from "@preact/signals";
import type { Alert } from "../../engine/alerts/alert.ts";
import type { AlertEvent } from "../../engine/events.ts";
import { applyAlertEvent } from "./alert_event.ts";
import type { LiveMessage } from "./live_message.ts";

/** Options of {@link LiveAlerts}. */
export interface LiveAlertsOptions {
  /** Which alerts the list holds (e.g. open ones); others are dropped as they change. */
  readonly keep: (alert: Alert) => boolean;
  /** Order of the list. */
  readonly order: (a: Alert, b: Alert) => number;
  /** Loads the list afresh; called at each `hello` of the live socket after the first. */
  readonly reload?: () => Promise<readonly Alert[]>;
  /** Told when a reload fails (the list stays as it was). */
  readonly onReloadError?: (error: unknown) => void;
}

/**
 * @example
 * ```ts
 * import { useMemo } from "preact/hooks";
 * import type { Alert } from "../../engine/alerts/alert.ts";
 * import { byUrgency } from "./alert_format.ts";
 * import { useLiveFeed } from "./use_live.ts";
 *
 * function useOpen(factory: string, seed: readonly Alert[]): readonly Alert[] {
 *   const open = useMemo(
 *     () => new LiveAlerts(seed, { keep: (a) => a.state !== "cleared", order: byUrgency }),
 *     [],
 *   );
 *   useLiveFeed({ factory }, (m) => open.apply(m));
 *   return open.alerts.value; // re-renders as alerts change
 * }
 * ```
 */
export class LiveAlerts {
  readonly #alerts: Signal<readonly Alert[]>;
  readonly #options: LiveAlertsOptions;
  /** Events seen while a reload is under way, applied again on top of its answer. */
  #sinceReload: AlertEvent[] | undefined;
  #reloads = 0;
  #connections = 0;

  constructor(initial: readonly Alert[], options: LiveAlertsOptions) {
    this.#options = options;
    this.#alerts = signal(initial.filter(options.keep).sort(options.order));
  }

  get alerts(): ReadonlySignal<readonly Alert[]> {
    return this.#alerts;
  }

  /** Feeds one live message: `alert` events update the list, a reconnection's `hello` reloads it. */
  apply(message: LiveMessage): void {
    if (message.type === "hello") {
      if (this.#connections++ > 0) void this.reload();
      return;
    }
    if (message.type !== "alert") return;
    this.#sinceReload?.push(message);
    this.#set(this.#applied(this.#alerts.peek(), message));
  }

  /** Puts `alert` (an action's answer) in place of its older copy. */
  upsert(alert: Alert): void {
    const others = this.#alerts.peek().filter((a) => a.id !== alert.id);
    this.#set([...others, alert]);
  }

  /** Replaces the whole list (e.g. after the filter changed). */
  replace(alerts: readonly Alert[]): void {
    this.#set(alerts);
  }

  /** Reloads from the API, if the list knows how; the newest reload wins. */
  async reload(): Promise<void> {
    const load = this.#options.reload;
    if (load === undefined) return;
    const reload = ++this.#reloads;
    const seen: AlertEvent[] = [];
    this.#sinceReload = seen;
    try {
      const fresh = await load();
      if (reload !== this.#reloads) return;
      this.#set(seen.reduce((list, event) => this.#applied(list, event), fresh));
    } catch (error) {
      if (reload === this.#reloads) this.#options.onReloadError?.(error);
    } finally {
      if (reload === this.#reloads) this.#sinceReload = undefined;
    }
  }

  #applied(list: readonly Alert[], event: AlertEvent): readonly Alert[] {
    if (event.alertId === null) return list;
    const at = list.findIndex((a) => a.id === event.alertId);
    const before = at < 0 ? undefined : list[at];
    const after = applyAlertEvent(before, event);
    if (after === before || after === undefined) return list;
    return at < 0 ? [...list, after] : list.map((a, i) => i === at ? after : a);
  }

  #set(list: readonly Alert[]): void {
    this.#alerts.value = list.filter(this.#options.keep).sort(this.#options.order);
  }
}
