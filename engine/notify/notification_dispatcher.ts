import { type Clock, systemClock, type TimerHandle } from "../clock.ts";
import type { EngineMetrics } from "../metrics.ts";
import { backoffDelay, type BackoffPolicy } from "../actor/backoff.ts";
import type { AlertNotification } from "./alert_notification.ts";
import type { DeliveryOutcome } from "./delivery_outcome.ts";
import type { NotificationChannel } from "./notification_channel.ts";
import type { DigestMessage, NotificationMessage } from "./notification_message.ts";
import type {
  HoldReason,
  NotificationLog,
  NotificationLogEntry,
  NotificationQuery,
} from "./notification_log.ts";
import { channelsFor, checkRoutingTable, type RoutingTable } from "./notification_routing.ts";
import { checkQuietHours, type QuietHours, quietHoursEnd } from "./quiet_hours.ts";
import { DEFAULT_STORM_POLICY, StormDetector, type StormPolicy } from "./storm_detector.ts";

/** How failed deliveries are retried. */
export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included (at least 1). */
  readonly maxAttempts: number;
  /** Longest `Retry-After` honoured; longer requests wait this long. */
  readonly maxRetryAfterMs: number;
}

/** 5 attempts, 5 s doubling to at most 5 min, ±20 % jitter, `Retry-After` up to an hour. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  minBackoffMs: 5_000,
  maxBackoffMs: 5 * 60_000,
  jitter: 0.2,
  maxRetryAfterMs: 60 * 60_000,
};

/** How flapping alerts are held. */
export interface FlappingPolicy {
  /**
   * After a `flapping` transition, the alert's raised/cleared transitions are
   * held until none has come for this long; then the last one is sent.
   */
  readonly settleMs: number;
}

/** Settled after 15 minutes without a transition. */
export const DEFAULT_FLAPPING_POLICY: FlappingPolicy = { settleMs: 15 * 60_000 };

/** Options of {@link NotificationDispatcher}. */
export interface NotificationDispatcherOptions {
  readonly channels: readonly NotificationChannel[];
  readonly routing: RoutingTable;
  readonly log: NotificationLog;
  readonly metrics: EngineMetrics;
  /** Quiet hours by channel id (a channel is one recipient or one group of them). */
  readonly quietHours?: Readonly<Record<string, QuietHours>>;
  readonly retry?: Partial<RetryPolicy>;
  readonly storm?: Partial<StormPolicy>;
  readonly flapping?: Partial<FlappingPolicy>;
  readonly clock?: Clock;
  /** `Math.random`-like source for the backoff jitter. */
  readonly random?: () => number;
  /** Told when a channel throws instead of returning an outcome (a bug); default logs it. */
  readonly onChannelError?: (error: unknown, channelId: string) => void;
}

interface Delivery {
  readonly logId: number;
  readonly channel: NotificationChannel;
  readonly message: NotificationMessage;
  attempts: number;
}

interface HeldItem {
  readonly logId: number;
  readonly alert: AlertNotification;
}

interface HoldGroup {
  readonly reason: Exclude<HoldReason, "flapping">;
  readonly factory?: string;
  readonly channelId: string;
  readonly due: number;
  readonly items: HeldItem[];
  sentIndividually: number;
  timer: TimerHandle;
}

interface FlappingHold {
  timer: TimerHandle;
  latest?: AlertNotification;
}

function checkRetryPolicy(policy: RetryPolicy): void {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(
      `Cannot use retry policy: 'maxAttempts' must be a positive integer: current value is ${policy.maxAttempts}`,
    );
  }
  if (!(policy.minBackoffMs >= 0 && policy.maxBackoffMs >= policy.minBackoffMs)) {
    throw new RangeError(
      `Cannot use retry policy: need 0 <= 'minBackoffMs' <= 'maxBackoffMs': current values are ${policy.minBackoffMs} and ${policy.maxBackoffMs}`,
    );
  }
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) {
    throw new RangeError(
      `Cannot use retry policy: 'jitter' must be between 0 and 1: current value is ${policy.jitter}`,
    );
  }
  if (!(policy.maxRetryAfterMs >= 0)) {
    throw new RangeError(
      `Cannot use retry policy: 'maxRetryAfterMs' must be >= 0: current value is ${policy.maxRetryAfterMs}`,
    );
  }
}

/**
 * Turns alert transitions into deliveries: routes each by rule and severity
 * to channels, then per channel applies, in this order —
 *
 * 1. **Flapping**: a `flapping` transition is sent once; the alert's later
 *    raised/cleared transitions are dropped (logged) until none came for
 *    `flapping.settleMs`, then the last of them is sent. Acknowledgements pass.
 * 2. **Quiet hours** of the channel: non-critical transitions are held and
 *    sent as one summary when the period ends (or dropped with the `drop`
 *    policy). Critical ones always go at once.
 * 3. **Storm protection** per factory: when more than `storm.threshold`
 *    transitions of one factory arrive within `storm.windowMs`, the rest of
 *    that window's transitions are held and each channel gets one digest
 *    listing them at the window's end (the ones sent before the storm was
 *    detected are counted in it). With `storm.groupWaitMs` > 0 every
 *    transition first waits that long, so a storm's first alerts join the digest too.
 * 4. **Delivery** with retries: retryable failures are tried again after
 *    exponential backoff with jitter (or the receiver's `Retry-After`), up to
 *    `retry.maxAttempts` attempts; permanent failures are not retried.
 *
 * Every step is a row in the {@link NotificationLog} and a metric. Unfinished
 * rows (pending, retrying, held) survive a restart: call {@link resume}.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { EngineMetrics } from "../metrics.ts";
 * import type { AlertNotification } from "./alert_notification.ts";
 * import type { EmailChannel } from "./email_channel.ts";
 * import { NotificationLog } from "./notification_log.ts";
 * import type { SlackChannel } from "./slack_channel.ts";
 *
 * declare const slack: SlackChannel, mail: EmailChannel;
 * declare const db: DatabaseSync, metrics: EngineMetrics, alert: AlertNotification;
 *
 * const dispatcher = new NotificationDispatcher({
 *   channels: [slack, mail],
 *   routing: { default: { high: ["ops-slack"], critical: ["ops-slack", "ops-mail"] } },
 *   quietHours: { "ops-mail": { start: "22:00", end: "06:30", timeZone: "Europe/Berlin" } },
 *   log: new NotificationLog(db),
 *   metrics,
 * });
 * dispatcher.resume();
 * dispatcher.notify(alert);
 * await dispatcher.close();
 * ```
 */
export class NotificationDispatcher {
  readonly #channels: ReadonlyMap<string, NotificationChannel>;
  readonly #routing: RoutingTable;
  readonly #log: NotificationLog;
  readonly #metrics: EngineMetrics;
  readonly #quietHours: Readonly<Record<string, QuietHours>>;
  readonly #retry: RetryPolicy;
  readonly #storm: StormPolicy;
  readonly #flappingPolicy: FlappingPolicy;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #onChannelError: (error: unknown, channelId: string) => void;
  readonly #detector: StormDetector;

  readonly #timers = new Set<TimerHandle>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  readonly #groups = new Map<string, HoldGroup>();
  /** Open storm digests: factory → when they close. */
  readonly #storms = new Map<string, number>();
  /** Times of single sends per factory and channel inside the storm window. */
  readonly #recentSends = new Map<string, number[]>();
  readonly #flapping = new Map<string, FlappingHold>();
  #closed = false;

  constructor(options: NotificationDispatcherOptions) {
    const ids = new Set<string>();
    for (const channel of options.channels) {
      if (ids.has(channel.id)) {
        throw new RangeError(
          `Cannot create notification dispatcher: channel id '${channel.id}' is used twice`,
        );
      }
      ids.add(channel.id);
    }
    checkRoutingTable(options.routing, ids);
    for (const [id, quiet] of Object.entries(options.quietHours ?? {})) {
      if (!ids.has(id)) {
        throw new RangeError(
          `Cannot create notification dispatcher: quiet hours given for channel '${id}', which is not configured`,
        );
      }
      checkQuietHours(id, quiet);
    }
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    checkRetryPolicy(this.#retry);
    this.#storm = { ...DEFAULT_STORM_POLICY, ...options.storm };
    this.#detector = new StormDetector(this.#storm);
    this.#flappingPolicy = { ...DEFAULT_FLAPPING_POLICY, ...options.flapping };
    if (!(this.#flappingPolicy.settleMs > 0)) {
      throw new RangeError(
        `Cannot use flapping policy: 'settleMs' must be positive: current value is ${this.#flappingPolicy.settleMs}`,
      );
    }
    this.#channels = new Map(options.channels.map((c) => [c.id, c]));
    this.#routing = options.routing;
    this.#log = options.log;
    this.#metrics = options.metrics;
    this.#quietHours = options.quietHours ?? {};
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#onChannelError = options.onChannelError ??
      ((error, id) => console.error(`Notification channel '${id}' threw`, error));
  }

  /**
   * Accepts one alert transition; returns once it is routed and logged
   * (delivery goes on in the background, see {@link idle}).
   */
  notify(alert: AlertNotification): void {
    if (this.#closed) {
      throw new Error(`Cannot notify alert '${alert.alertId}': the dispatcher is closed`);
    }
    const now = this.#clock.now();
    const channelIds = channelsFor(this.#routing, alert);
    const hold = this.#flapping.get(alert.alertId);
    if (alert.transition === "flapping" || (hold && alert.transition !== "acknowledged")) {
      if (hold) {
        if (alert.transition !== "flapping") hold.latest = alert;
        this.#extendFlapping(alert.alertId, hold);
        for (const id of channelIds) {
          this.#log.addAlert(alert, id, now, {
            status: "dropped",
            holdReason: "flapping",
            error: "held while the alert is flapping; the state it settles in is sent",
          });
          this.#metrics.notificationsDropped.inc({ reason: "flapping" });
        }
        return;
      }
      const fresh: FlappingHold = { timer: undefined };
      this.#flapping.set(alert.alertId, fresh);
      this.#extendFlapping(alert.alertId, fresh);
    }
    this.#dispatch(alert, channelIds, now);
  }

  /**
   * Picks up what the log holds unfinished from before a restart: deliveries
   * pending or retrying are attempted again when due, held ones rejoin their
   * digest or summary. Returns how many rows were taken up.
   */
  resume(): number {
    const now = this.#clock.now();
    const unfinished = this.#log.unfinished();
    for (const row of unfinished) {
      const { entry } = row;
      const channel = this.#channels.get(entry.channel);
      if (!channel) {
        this.#log.update(entry.id, {
          status: "failed",
          error: `channel '${entry.channel}' is no longer configured`,
          nextAttemptAt: null,
        }, now);
        continue;
      }
      if ("alert" in row && entry.status === "held" && entry.holdReason !== "flapping") {
        const reason = entry.holdReason ?? "group_wait";
        const due = entry.nextAttemptAt ?? now;
        if (reason === "storm" && due > now) {
          this.#storms.set(
            row.alert.factory,
            Math.max(this.#storms.get(row.alert.factory) ?? 0, due),
          );
        }
        this.#hold(reason, channel.id, due, { logId: entry.id, alert: row.alert });
        continue;
      }
      const message: NotificationMessage = "alert" in row
        ? { kind: "alert", alert: row.alert }
        : row.digest;
      const delivery = { logId: entry.id, channel, message, attempts: entry.attempts };
      const wait = (entry.nextAttemptAt ?? now) - now;
      if (wait > 0) this.#schedule(wait, () => this.#attempt(delivery));
      else this.#attempt(delivery);
    }
    // Digests and summaries that fell due while the engine was down go out now.
    for (const [key, group] of this.#groups) {
      if (group.due > now) continue;
      this.#unschedule(group.timer);
      this.#flush(key, group);
    }
    return unfinished.length;
  }

  /** Log rows matching the query, newest first (see {@link NotificationLog.listNotifications}). */
  listNotifications(query: NotificationQuery): NotificationLogEntry[] {
    return this.#log.listNotifications(query);
  }

  /** Resolves when no delivery attempt is in flight (timers may still be pending). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /**
   * Stops: no new notifications, timers cancelled, in-flight attempts
   * aborted and awaited. Held and retrying rows stay in the log for {@link resume}.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers.clear();
    this.#abort.abort(new Error("notification dispatcher closed"));
    await this.idle();
  }

  #dispatch(alert: AlertNotification, channelIds: readonly string[], now: number): void {
    const stormy = this.#detector.record(alert.factory, now);
    this.#detector.prune(now);
    if (stormy && !this.#stormOpen(alert.factory, now)) this.#openStorm(alert.factory, now);
    for (const id of channelIds) this.#route(alert, id, now);
  }

  #route(alert: AlertNotification, channelId: string, now: number): void {
    const quiet = this.#quietHours[channelId];
    const quietEnd = quiet && alert.severity !== "critical" ? quietHoursEnd(quiet, now) : undefined;
    if (quietEnd !== undefined) {
      if (quiet.policy === "drop") {
        this.#log.addAlert(alert, channelId, now, {
          status: "dropped",
          holdReason: "quiet_hours",
          error: "quiet hours of the channel (policy: drop)",
        });
        this.#metrics.notificationsDropped.inc({ reason: "quiet_hours" });
        return;
      }
      this.#holdNew(alert, channelId, "quiet_hours", quietEnd, now);
      return;
    }
    const stormEnd = this.#storms.get(alert.factory);
    if (stormEnd !== undefined && stormEnd > now) {
      this.#holdNew(alert, channelId, "storm", stormEnd, now);
      return;
    }
    if (this.#storm.groupWaitMs > 0) {
      const waiting = [...this.#groups.values()].find((g) =>
        g.reason === "group_wait" && g.factory === alert.factory && g.channelId === channelId
      );
      this.#holdNew(
        alert,
        channelId,
        "group_wait",
        waiting?.due ?? now + this.#storm.groupWaitMs,
        now,
      );
      return;
    }
    const logId = this.#log.addAlert(alert, channelId, now, { status: "pending" });
    this.#sendSingle({ logId, alert }, channelId, now);
  }

  #sendSingle(item: HeldItem, channelId: string, now: number): void {
    const key = `${item.alert.factory}|${channelId}`;
    const sends = (this.#recentSends.get(key) ?? []).filter((t) => t > now - this.#storm.windowMs);
    sends.push(now);
    this.#recentSends.set(key, sends);
    this.#attempt({
      logId: item.logId,
      channel: this.#channels.get(channelId)!,
      message: { kind: "alert", alert: item.alert },
      attempts: 0,
    });
  }

  #holdNew(
    alert: AlertNotification,
    channelId: string,
    reason: HoldGroup["reason"],
    due: number,
    now: number,
  ): void {
    const logId = this.#log.addAlert(alert, channelId, now, { status: "held", holdReason: reason });
    this.#log.update(logId, { nextAttemptAt: due }, now);
    this.#metrics.notificationsHeld.inc({ reason });
    this.#hold(reason, channelId, due, { logId, alert });
  }

  #hold(reason: HoldGroup["reason"], channelId: string, due: number, item: HeldItem): void {
    const factory = reason === "quiet_hours" ? undefined : item.alert.factory;
    const key = `${reason}|${factory ?? ""}|${channelId}|${due}`;
    let group = this.#groups.get(key);
    if (!group) {
      const now = this.#clock.now();
      const recent = (this.#recentSends.get(`${factory}|${channelId}`) ?? [])
        .filter((t) => t > now - this.#storm.windowMs);
      group = {
        reason,
        factory,
        channelId,
        due,
        items: [],
        sentIndividually: reason === "storm" ? recent.length : 0,
        timer: undefined,
      };
      const created = group;
      created.timer = this.#schedule(Math.max(0, due - now), () => this.#flush(key, created));
      this.#groups.set(key, group);
    }
    group.items.push(item);
  }

  #stormOpen(factory: string, now: number): boolean {
    const end = this.#storms.get(factory);
    return end !== undefined && end > now;
  }

  #openStorm(factory: string, now: number): void {
    const due = now + this.#storm.windowMs;
    this.#storms.set(factory, due);
    // Transitions still waiting out the group wait join the digest instead.
    for (const [key, group] of this.#groups) {
      if (group.reason !== "group_wait" || group.factory !== factory) continue;
      this.#groups.delete(key);
      this.#unschedule(group.timer);
      for (const item of group.items) {
        this.#log.update(item.logId, { holdReason: "storm", nextAttemptAt: due }, now);
        this.#metrics.notificationsHeld.inc({ reason: "storm" });
        this.#hold("storm", group.channelId, due, item);
      }
    }
  }

  #flush(key: string, group: HoldGroup): void {
    this.#groups.delete(key);
    const now = this.#clock.now();
    if (group.reason === "storm" && this.#storms.get(group.factory!) === group.due) {
      this.#storms.delete(group.factory!);
    }
    if (group.reason === "group_wait") {
      for (const item of group.items) {
        this.#log.update(
          item.logId,
          { status: "pending", holdReason: null, nextAttemptAt: null },
          now,
        );
        this.#sendSingle(item, group.channelId, now);
      }
      return;
    }
    let items = group.items;
    const quiet = this.#quietHours[group.channelId];
    const quietEnd = group.reason === "storm" && quiet ? quietHoursEnd(quiet, now) : undefined;
    if (quietEnd !== undefined) {
      // The channel went quiet while the storm digest collected: its
      // non-critical part waits for the quiet-hours summary.
      for (const item of items.filter((i) => i.alert.severity !== "critical")) {
        if (quiet.policy === "drop") {
          this.#log.update(item.logId, {
            status: "dropped",
            holdReason: "quiet_hours",
            error: "quiet hours of the channel (policy: drop)",
            nextAttemptAt: null,
          }, now);
          this.#metrics.notificationsDropped.inc({ reason: "quiet_hours" });
        } else {
          this.#log.update(item.logId, { holdReason: "quiet_hours", nextAttemptAt: quietEnd }, now);
          this.#metrics.notificationsHeld.inc({ reason: "quiet_hours" });
          this.#hold("quiet_hours", group.channelId, quietEnd, item);
        }
      }
      items = items.filter((i) => i.alert.severity === "critical");
    }
    if (items.length === 0) return;
    const alerts = items.map((i) => i.alert).sort((a, b) => a.at - b.at);
    const digest: DigestMessage = {
      kind: "digest",
      reason: group.reason,
      ...(group.factory !== undefined ? { factory: group.factory } : {}),
      alerts,
      from: alerts[0].at,
      to: alerts[alerts.length - 1].at,
      sentIndividually: group.sentIndividually,
    };
    const digestId = this.#log.addDigest(digest, group.channelId, now);
    this.#log.update(
      items.map((i) => i.logId),
      { status: "digested", digestId, nextAttemptAt: null },
      now,
    );
    this.#metrics.notificationDigests.inc({ reason: group.reason });
    this.#attempt({
      logId: digestId,
      channel: this.#channels.get(group.channelId)!,
      message: digest,
      attempts: 0,
    });
  }

  #extendFlapping(alertId: string, hold: FlappingHold): void {
    this.#unschedule(hold.timer);
    hold.timer = this.#schedule(this.#flappingPolicy.settleMs, () => {
      this.#flapping.delete(alertId);
      if (hold.latest && !this.#closed) {
        this.#dispatch(hold.latest, channelsFor(this.#routing, hold.latest), this.#clock.now());
      }
    });
  }

  #attempt(delivery: Delivery): void {
    const run = this.#runAttempt(delivery).finally(() => this.#inFlight.delete(run));
    this.#inFlight.add(run);
  }

  async #runAttempt(delivery: Delivery): Promise<void> {
    const { channel } = delivery;
    delivery.attempts += 1;
    let outcome: DeliveryOutcome;
    try {
      outcome = await channel.send(delivery.message, {
        deliveryId: String(delivery.logId),
        attempt: delivery.attempts,
        signal: this.#abort.signal,
      });
    } catch (error) {
      this.#onChannelError(error, channel.id);
      outcome = {
        status: "permanent",
        error: `channel threw: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const now = this.#clock.now();
    const attempts = delivery.attempts;
    if (outcome.status === "sent") {
      this.#log.update(delivery.logId, {
        status: "sent",
        attempts,
        sentAt: now,
        nextAttemptAt: null,
      }, now);
      this.#metrics.notificationsSent.inc({ channel: channel.id });
      return;
    }
    if (outcome.status === "retryable" && this.#closed) {
      this.#log.update(delivery.logId, {
        status: "retrying",
        attempts,
        error: outcome.error,
        nextAttemptAt: now,
      }, now);
      return;
    }
    if (outcome.status === "permanent" || attempts >= this.#retry.maxAttempts) {
      const error = outcome.status === "permanent"
        ? outcome.error
        : `gave up after ${attempts} attempts: ${outcome.error}`;
      this.#log.update(
        delivery.logId,
        { status: "failed", attempts, error, nextAttemptAt: null },
        now,
      );
      this.#metrics.notificationsFailed.inc({ channel: channel.id });
      return;
    }
    const delay = outcome.retryAfterMs !== undefined
      ? Math.min(outcome.retryAfterMs, this.#retry.maxRetryAfterMs)
      : backoffDelay(attempts - 1, this.#retry, this.#random);
    this.#log.update(delivery.logId, {
      status: "retrying",
      attempts,
      error: outcome.error,
      nextAttemptAt: now + delay,
    }, now);
    this.#metrics.notificationRetries.inc({ channel: channel.id });
    this.#schedule(delay, () => this.#attempt(delivery));
  }

  #schedule(ms: number, fn: () => void): TimerHandle {
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #unschedule(timer: TimerHandle): void {
    if (timer === undefined) return;
    this.#clock.clearTimeout(timer);
    this.#timers.delete(timer);
  }
}
