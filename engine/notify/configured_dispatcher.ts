import { type Clock, systemClock } from "../clock.ts";
import type { EngineMetrics } from "../metrics.ts";
import type { AlertNotification } from "./alert_notification.ts";
import {
  buildChannel,
  type ChannelEnvironment,
  ChannelUnavailableError,
  closeChannel,
} from "./build_channel.ts";
import type { ChannelConfig } from "./channel_config.ts";
import type { ChannelConfigTable } from "./channel_config_table.ts";
import type { DeliveryOutcome } from "./delivery_outcome.ts";
import type { NotificationChannel } from "./notification_channel.ts";
import {
  NotificationDispatcher,
  type NotificationDispatcherOptions,
} from "./notification_dispatcher.ts";
import type {
  NotificationLog,
  NotificationLogEntry,
  NotificationQuery,
} from "./notification_log.ts";
import type { RoutingTable, SeverityRoutes } from "./notification_routing.ts";
import type { QuietHours } from "./quiet_hours.ts";

/** Options of {@link ConfiguredDispatcher}. */
export interface ConfiguredDispatcherOptions {
  readonly table: ChannelConfigTable;
  /** Kept across rebuilds: unfinished rows are taken up by the next dispatcher. */
  readonly log: NotificationLog;
  readonly metrics: EngineMetrics;
  /** Mail server, clock and time bound the channels are built with. */
  readonly environment?: ChannelEnvironment;
  readonly clock?: Clock;
  /** Retry, storm and flapping policies (and jitter source) of every dispatcher built. */
  readonly policies?: Pick<
    NotificationDispatcherOptions,
    "retry" | "storm" | "flapping" | "random"
  >;
  /** Base of the link in test messages, e.g. `https://mw.factory.example`. */
  readonly publicUrl?: () => string;
  /** Told which channels cannot be used and why; default `console.warn`. */
  readonly warn?: (message: string) => void;
}

interface Built {
  readonly dispatcher: NotificationDispatcher;
  /** Whether it has taken up the log's unfinished deliveries. */
  resumed: boolean;
  readonly channels: readonly NotificationChannel[];
  /** Why a stored channel is left out, by dispatcher channel id. */
  readonly problems: ReadonlyMap<string, string>;
}

/** The dispatcher's id of a factory's channel: `factory/id`, so factories may reuse ids. */
export function dispatcherChannelId(factory: string, id: string): string {
  return `${factory}/${id}`;
}

function qualifyRoutes(
  factory: string,
  routes: SeverityRoutes,
  usable: ReadonlySet<string>,
): SeverityRoutes {
  return Object.fromEntries(
    Object.entries(routes).map(([severity, ids]) => [
      severity,
      ids!.filter((id) => usable.has(id)).map((id) => dispatcherChannelId(factory, id)),
    ]),
  );
}

function qualifyRouting(
  factory: string,
  routing: RoutingTable,
  usable: ReadonlySet<string>,
): RoutingTable {
  return {
    default: qualifyRoutes(factory, routing.default, usable),
    rules: Object.fromEntries(
      Object.entries(routing.rules ?? {}).map((
        [rule, routes],
      ) => [rule, qualifyRoutes(factory, routes, usable)]),
    ),
  };
}

/**
 * The notification dispatcher of the running engine, built from the channels
 * and routing stored in a {@link ChannelConfigTable} and rebuilt whenever
 * they change, without a restart:
 *
 * - Each factory's channels are known to the dispatcher as `factory/id` and
 *   its alerts routed by its own table, so factories may use the same ids.
 * - A channel that cannot be built (an e-mail channel while `SMTP_URL` is
 *   unset) is left out and reported ({@link problems}); routes to it are
 *   dropped until it can be built again.
 * - On a change the new dispatcher is built first (a failure keeps the old
 *   one), then the old one is closed — timers stop, attempts in flight are
 *   awaited (an HTTP attempt cut short is retried, with the same delivery
 *   id) — and the new one resumes what the log holds unfinished. Alerts
 *   arriving meanwhile wait and go to the dispatcher of the newest settings.
 * - A transition already in the log (same alert id and transition; a rule's
 *   automatic clear after an operator's manual one, a replay) is not
 *   notified again; it is counted as dropped with reason `duplicate`.
 *
 * @example
 * ```ts
 * import type { EngineMetrics } from "../metrics.ts";
 * import type { AlertNotification } from "./alert_notification.ts";
 * import type { ChannelEnvironment } from "./build_channel.ts";
 * import type { ChannelConfigTable } from "./channel_config_table.ts";
 * import type { NotificationLog } from "./notification_log.ts";
 *
 * declare const table: ChannelConfigTable, log: NotificationLog, metrics: EngineMetrics;
 * declare const smtp: ChannelEnvironment["smtp"], alert: AlertNotification;
 *
 * const notifications = new ConfiguredDispatcher({ table, log, metrics, environment: { smtp } });
 * notifications.start();
 * notifications.notify(alert);
 * await notifications.close();
 * ```
 */
export class ConfiguredDispatcher {
  /** The stored channels and routing it follows (secrets included). */
  readonly settings: ChannelConfigTable;
  readonly #table: ChannelConfigTable;
  readonly #log: NotificationLog;
  readonly #metrics: EngineMetrics;
  readonly #environment: ChannelEnvironment;
  readonly #clock: Clock;
  readonly #policies: ConfiguredDispatcherOptions["policies"];
  readonly #publicUrl: () => string;
  readonly #warn: (message: string) => void;
  readonly #waiting: AlertNotification[] = [];
  #active: Built | undefined;
  #problems: ReadonlyMap<string, string> = new Map();
  #rebuilding: Promise<void> | undefined;
  #dirty = false;
  #started = false;
  #closed = false;
  #unsubscribe: () => void = () => {};

  constructor(options: ConfiguredDispatcherOptions) {
    this.settings = options.table;
    this.#table = options.table;
    this.#log = options.log;
    this.#metrics = options.metrics;
    this.#clock = options.clock ?? systemClock;
    this.#environment = { clock: this.#clock, ...options.environment };
    this.#policies = options.policies;
    this.#publicUrl = options.publicUrl ?? (() => "http://localhost:8000");
    this.#warn = options.warn ?? ((message) => console.warn(message));
  }

  /**
   * Builds the dispatcher from the stored settings, takes up the log's
   * unfinished deliveries and follows later changes. Returns how many log
   * rows were taken up.
   *
   * @throws when the stored settings cannot make a dispatcher at all.
   */
  start(): number {
    if (this.#started) throw new Error("Cannot start notifications: already started");
    this.#started = true;
    this.#active = this.#build();
    this.#active.resumed = true;
    this.#unsubscribe = this.#table.onChange(() => this.#changed());
    return this.#active.dispatcher.resume();
  }

  /** Routes one alert transition (delivery goes on in the background). */
  notify(alert: AlertNotification): void {
    if (this.#closed || !this.#started) {
      throw new Error(
        `Cannot notify alert '${alert.alertId}': notifications are ${
          this.#closed ? "closed" : "not started"
        }`,
      );
    }
    const waiting = this.#waiting.some((a) =>
      a.alertId === alert.alertId && a.transition === alert.transition
    );
    if (waiting || this.#log.hasTransition(alert.alertId, alert.transition)) {
      this.#metrics.notificationsDropped.inc({ reason: "duplicate" });
      return;
    }
    if (this.#active === undefined) this.#waiting.push(alert);
    else this.#active.dispatcher.notify(alert);
  }

  /** Why the factory's stored channels cannot be used now, by channel id (empty when all can). */
  problems(factory: string): Record<string, string> {
    const prefix = dispatcherChannelId(factory, "");
    return Object.fromEntries(
      [...this.#problems].filter(([id]) => id.startsWith(prefix)).map((
        [id, problem],
      ) => [id.slice(prefix.length), problem]),
    );
  }

  /** Why `config` could not be used as a channel of `factory`, or undefined when it can. */
  problemOf(factory: string, config: ChannelConfig): string | undefined {
    try {
      closeChannel(
        buildChannel(dispatcherChannelId(factory, config.id), config, this.#environment),
      );
      return undefined;
    } catch (error) {
      if (error instanceof ChannelUnavailableError) return error.message;
      throw error;
    }
  }

  /**
   * Sends one test message through `config` now, outside routing, quiet
   * hours and the log, and returns the channel's outcome (one attempt).
   */
  async sendTest(factory: string, config: ChannelConfig): Promise<DeliveryOutcome> {
    let channel: NotificationChannel;
    try {
      channel = buildChannel(dispatcherChannelId(factory, config.id), config, this.#environment);
    } catch (error) {
      if (error instanceof ChannelUnavailableError) {
        return { status: "permanent", error: error.message };
      }
      throw error;
    }
    const now = this.#clock.now();
    try {
      return await channel.send({
        kind: "alert",
        alert: {
          alertId: `test-${now}`,
          transition: "raised",
          factory,
          machine: "test",
          ruleId: "test",
          ruleName: "Test notification",
          severity: "low",
          at: now,
          explanation:
            `A test message for channel '${config.id}' of factory ${factory}; no alert was raised.`,
          values: {},
          link: `${this.#publicUrl()}/factories/${encodeURIComponent(factory)}/notifications`,
        },
      }, { deliveryId: `test-${factory}-${config.id}-${now}`, attempt: 1 });
    } finally {
      closeChannel(channel);
    }
  }

  /** The factory's log rows, newest first, with the factory's own channel ids. */
  listNotifications(factory: string, query: NotificationQuery): NotificationLogEntry[] {
    const prefix = dispatcherChannelId(factory, "");
    return this.#log.listNotifications({ ...query, factory }).map((entry) =>
      entry.channel.startsWith(prefix)
        ? { ...entry, channel: entry.channel.slice(prefix.length) }
        : entry
    );
  }

  /** Resolves when pending rebuilds are done and no delivery attempt is in flight. */
  async idle(): Promise<void> {
    while (this.#rebuilding !== undefined) await this.#rebuilding;
    await this.#active?.dispatcher.idle();
  }

  /**
   * Stops following changes and closes the dispatcher (timers cancelled,
   * attempts in flight awaited); unfinished rows stay in the log for the next start.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    while (this.#rebuilding !== undefined) await this.#rebuilding;
    const active = this.#active;
    this.#active = undefined;
    if (active !== undefined) await this.#retire(active);
    if (this.#waiting.length > 0) {
      this.#warn(
        `Notifications closed with ${this.#waiting.length} alert transitions not yet routed`,
      );
    }
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#rebuilding !== undefined) return;
    this.#rebuilding = this.#rebuildWhileDirty().finally(() => this.#rebuilding = undefined);
  }

  async #rebuildWhileDirty(): Promise<void> {
    while (this.#dirty && !this.#closed) {
      this.#dirty = false;
      let next: Built;
      try {
        next = this.#build();
      } catch (error) {
        this.#warn(
          `Notification settings changed but cannot be used; the previous ones stay in force: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
        continue;
      }
      const previous = this.#active;
      this.#active = undefined;
      if (previous !== undefined) await this.#retire(previous);
      // Not resumed yet: when the settings changed again meanwhile, it is
      // replaced at once and never takes up a delivery.
      this.#active = next;
    }
    const active = this.#active;
    if (active === undefined || this.#closed) return;
    if (!active.resumed) {
      active.resumed = true;
      active.dispatcher.resume();
    }
    for (const alert of this.#waiting.splice(0)) active.dispatcher.notify(alert);
  }

  async #retire(built: Built): Promise<void> {
    await built.dispatcher.close();
    for (const channel of built.channels) closeChannel(channel);
  }

  #build(): Built {
    const channels: NotificationChannel[] = [];
    const problems = new Map<string, string>();
    const quietHours: Record<string, QuietHours> = {};
    const factories: Record<string, RoutingTable> = {};
    for (const { factory, channels: configs, routing } of this.#table.all()) {
      const usable = new Set<string>();
      for (const config of configs) {
        const id = dispatcherChannelId(factory, config.id);
        try {
          channels.push(buildChannel(id, config, this.#environment));
        } catch (error) {
          if (!(error instanceof ChannelUnavailableError)) throw error;
          problems.set(id, error.message);
          this.#warn(`Notification channel '${id}' is not used: ${error.message}`);
          continue;
        }
        usable.add(config.id);
        if (config.quietHours !== undefined) quietHours[id] = config.quietHours;
      }
      factories[factory] = qualifyRouting(factory, routing, usable);
    }
    try {
      const dispatcher = new NotificationDispatcher({
        ...this.#policies,
        channels,
        routing: { default: {}, factories },
        quietHours,
        log: this.#log,
        metrics: this.#metrics,
        clock: this.#clock,
      });
      this.#problems = problems;
      return { dispatcher, channels, problems, resumed: false };
    } catch (error) {
      for (const channel of channels) closeChannel(channel);
      throw error;
    }
  }
}
