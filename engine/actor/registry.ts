import type { EventBus } from "../bus.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import type { SupervisionDecision } from "../events.ts";
import type { EngineMetrics } from "../metrics.ts";
import { machineKey, type MachineRef } from "../telemetry.ts";
import { ActorCell, type CrashCause } from "./_actor_cell.ts";
import { cyclePhase } from "./cycle_phase.ts";
import type { ActorBehavior, SnapshotStore } from "./behavior.ts";
import { decideOnCrash, type SupervisionPolicy, supervisionPolicy } from "./supervision.ts";

/** Why a message was not handled by its actor. */
export type ShedReason = "mailbox_full" | "quarantined" | "crashed" | "stopped";

/** What {@link ActorRegistry.tell} did with a message. */
export type TellResult = "accepted" | "shed" | "quarantined" | "stopped";

/** Where a machine's actor is in its life, as the API shows it. */
export type ActorPhase = "running" | "restarting" | "passivated" | "quarantined" | "absent";

/** A sample of the registry's load, see {@link ActorRegistry.stats}. */
export interface RegistryStats {
  /** Actors in memory (running or waiting to restart). */
  readonly actors: number;
  /** Messages queued across all mailboxes. */
  readonly mailboxDepth: number;
  /** The deepest single mailbox. */
  readonly maxMailboxDepth: number;
  /** Machines quarantined and not yet released. */
  readonly quarantined: number;
}

/** Default period of the registry's sweep, ms (see `ActorRegistryOptions.sweepEveryMs`). */
export const DEFAULT_SWEEP_EVERY_MS = 250;

/** Options of {@link ActorRegistry}. */
export interface ActorRegistryOptions<Message, Snapshot> {
  /** Drives backoff, passivation and snapshot timers. */
  readonly clock: Clock;
  /** Where every supervision decision (and a quarantine's status change) is published. */
  readonly bus: EventBus;
  /** Decisions, restarts and shed messages are counted here; gauges sampled on collect. */
  readonly metrics: EngineMetrics;
  /** Where snapshots are loaded on spawn and restart and saved on passivation, periodically and on drain. */
  readonly snapshots: SnapshotStore<Snapshot>;
  /** Messages an actor queues before sheddable ones are shed; default 1024. */
  readonly mailboxCapacity?: number;
  /** Backoff and restart limits; `DEFAULT_SUPERVISION_POLICY` for whatever is left out. */
  readonly supervision?: Partial<SupervisionPolicy>;
  /** Idle time after which an actor is snapshotted and removed; default 10 min. */
  readonly passivateAfterMs?: number;
  /**
   * How often idle actors are looked for and due snapshots taken; default
   * 250 ms. Each sweep saves an even share of the due snapshots, so a shorter
   * sweep means shorter pauses: at 1,000 machines with grown forests and
   * forecasts, a sweep each second saved 34 snapshots in ~20 ms (~50 ms
   * every 5 s before that); one each 250 ms saves 9, ~5 ms.
   */
  readonly sweepEveryMs?: number;
  /** How often a live actor that handled messages has its snapshot saved; default 30 s. */
  readonly snapshotEveryMs?: number;
  /**
   * How often one of those periodic snapshots is a full one; the others are
   * partial (see `ActorBehavior.snapshot`). Default 5 min. Passivation and
   * drain always save a full one.
   */
  readonly fullSnapshotEveryMs?: number;
  /**
   * Where, in [0, 1) of `fullSnapshotEveryMs` after an actor starts, its
   * first periodic full snapshot falls (the periodic ones before it are
   * partial). Default {@link cyclePhase}: actors that start together (an
   * engine start) spread their first full snapshots over the period instead
   * of all saving them in the first snapshot round, which stalled the event
   * loop ~0.3–0.4 s per sweep at 1,000 actors. Until then a crash restores
   * the actor from its partial snapshot laid over the full one it started
   * from (or alone, for a new machine: status, latest values and rule state,
   * with its detectors and forecasts starting afresh).
   */
  readonly firstFullSnapshotPhase?: (ref: MachineRef) => number;
  /** Source of backoff jitter in [0, 1); default `Math.random`. */
  readonly random?: () => number;
  /** Machines quarantined in an earlier run; they stay quarantined until released. */
  readonly quarantined?: Iterable<MachineRef>;
  /** Told about every message not handled, besides the `telemetryShed` counter. */
  readonly onShed?: (ref: MachineRef, message: Message, reason: ShedReason) => void;
  /**
   * Told the original error of every crash (the bus event carries only its
   * message); default: `console.error`.
   */
  readonly onCrash?: (ref: MachineRef, error: unknown) => void;
}

type Cell<State, Message, Snapshot> = ActorCell<State, Message, Snapshot>;

/**
 * The supervised registry of machine actors, one per {@link machineKey}.
 *
 * - `tell` spawns an actor on its first message (restoring its last
 *   snapshot), and queues messages in its bounded mailbox; each actor handles
 *   one message at a time, in order.
 * - A crash sheds the message being handled and, following the
 *   {@link SupervisionPolicy}, restarts the actor from its last snapshot after
 *   a backoff or quarantines the machine; queued messages wait out the backoff.
 * - Idle actors are snapshotted and passivated; live ones are snapshotted
 *   periodically so a hard kill loses little.
 * - Every supervision decision is published on the bus and counted; every
 *   message not handled is counted with its reason and passed to `onShed`.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../bus.ts";
 * import type { Clock } from "../clock.ts";
 * import type { EngineMetrics } from "../metrics.ts";
 * import type { ActorBehavior, SnapshotStore } from "./behavior.ts";
 *
 * type Message = { kind: "point"; value: number } | { kind: "tick" };
 * declare const machineBehavior: ActorBehavior<unknown, Message, unknown>;
 * declare const clock: Clock, bus: EventBus, metrics: EngineMetrics;
 * declare const snapshots: SnapshotStore<unknown>;
 * declare const point: Message, tick: Message;
 *
 * const registry = new ActorRegistry(machineBehavior, { clock, bus, metrics, snapshots });
 * registry.tell({ factory: "f1", machine: "press-7" }, point); // "accepted"
 * registry.broadcast(tick);
 * await registry.drain(); // on shutdown: handle what is queued, save snapshots
 * ```
 */
export class ActorRegistry<State, Message, Snapshot> {
  readonly #behavior: ActorBehavior<State, Message, Snapshot>;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #metrics: EngineMetrics;
  readonly #snapshots: SnapshotStore<Snapshot>;
  readonly #mailboxCapacity: number;
  readonly #policy: SupervisionPolicy;
  readonly #passivateAfterMs: number;
  readonly #sweepEveryMs: number;
  readonly #snapshotEveryMs: number;
  readonly #fullSnapshotEveryMs: number;
  readonly #firstFullSnapshotPhase: (ref: MachineRef) => number;
  readonly #random: () => number;
  readonly #onShed: ((ref: MachineRef, message: Message, reason: ShedReason) => void) | undefined;
  readonly #onCrashHook: (ref: MachineRef, error: unknown) => void;
  readonly #actors = new Map<string, Cell<State, Message, Snapshot>>();
  /** The same cells by factory, then machine: `tell` finds one without building its key string. */
  readonly #byFactory = new Map<string, Map<string, Cell<State, Message, Snapshot>>>();
  readonly #quarantined = new Map<string, MachineRef>();
  readonly #shedCounters: Record<ShedReason, { inc(): void }>;
  readonly #decisionCounters: Record<SupervisionDecision, { inc(): void }>;
  #sweepTimer: TimerHandle | undefined;
  #accepting = true;
  #drained: Promise<void> | undefined;

  /** Throws a `RangeError` naming the first option out of range. */
  constructor(
    behavior: ActorBehavior<State, Message, Snapshot>,
    options: ActorRegistryOptions<Message, Snapshot>,
  ) {
    this.#behavior = behavior;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#metrics = options.metrics;
    this.#snapshots = options.snapshots;
    this.#mailboxCapacity = checkOption(
      "mailboxCapacity",
      options.mailboxCapacity ?? 1024,
      "a positive integer",
      (v) => Number.isInteger(v) && v > 0,
    );
    this.#policy = supervisionPolicy(options.supervision);
    this.#passivateAfterMs = checkOption(
      "passivateAfterMs",
      options.passivateAfterMs ?? 10 * 60_000,
      "a number > 0 (Infinity never passivates)",
      (v) => v > 0,
    );
    this.#sweepEveryMs = checkOption(
      "sweepEveryMs",
      options.sweepEveryMs ?? DEFAULT_SWEEP_EVERY_MS,
      "a finite number > 0",
      (v) => v > 0 && Number.isFinite(v),
    );
    this.#snapshotEveryMs = checkOption(
      "snapshotEveryMs",
      options.snapshotEveryMs ?? 30_000,
      "a number > 0 (Infinity never snapshots live actors)",
      (v) => v > 0,
    );
    this.#firstFullSnapshotPhase = options.firstFullSnapshotPhase ?? cyclePhase;
    this.#fullSnapshotEveryMs = checkOption(
      "fullSnapshotEveryMs",
      options.fullSnapshotEveryMs ?? 5 * 60_000,
      "a number ≥ 0 (0: every snapshot is full)",
      (v) => v >= 0,
    );
    this.#random = options.random ?? Math.random;
    this.#onShed = options.onShed;
    this.#onCrashHook = options.onCrash ??
      ((ref, error) => console.error(`actor ${machineKey(ref)} crashed`, error));
    for (const ref of options.quarantined ?? []) {
      this.#quarantined.set(machineKey(ref), { factory: ref.factory, machine: ref.machine });
    }

    // Label children are looked up once: shedding happens on the hot path under overload.
    const shed = options.metrics.telemetryShed;
    this.#shedCounters = {
      mailbox_full: shed.labels({ reason: "mailbox_full" }),
      quarantined: shed.labels({ reason: "quarantined" }),
      crashed: shed.labels({ reason: "crashed" }),
      stopped: shed.labels({ reason: "stopped" }),
    };
    const decisions = options.metrics.supervisionDecisions;
    this.#decisionCounters = {
      spawn: decisions.labels({ decision: "spawn" }),
      restore: decisions.labels({ decision: "restore" }),
      restart: decisions.labels({ decision: "restart" }),
      quarantine: decisions.labels({ decision: "quarantine" }),
      passivate: decisions.labels({ decision: "passivate" }),
      stop: decisions.labels({ decision: "stop" }),
    };

    options.metrics.beforeCollect(() => {
      const stats = this.stats();
      options.metrics.actors.set(stats.actors);
      options.metrics.mailboxDepth.set(stats.mailboxDepth);
      options.metrics.mailboxMaxDepth.set(stats.maxMailboxDepth);
      options.metrics.machinesQuarantined.set(stats.quarantined);
    });
  }

  /**
   * Queues `message` for the actor of `ref`, spawning it if it is not in
   * memory. Answers `"shed"` when the mailbox is full and the message
   * sheddable, `"quarantined"` for a quarantined machine and `"stopped"`
   * once {@link ActorRegistry.drain} has begun; each of those is counted.
   */
  tell(ref: MachineRef, message: Message): TellResult {
    if (!this.#accepting) {
      this.#shed(ref, message, "stopped");
      return "stopped";
    }
    const cell = this.#byFactory.get(ref.factory)?.get(ref.machine);
    if (cell !== undefined) {
      if (cell.deliver(message) === "accepted") return "accepted";
      this.#shed(ref, message, "mailbox_full");
      return "shed";
    }
    if (this.#quarantined.has(machineKey(ref))) {
      this.#shed(ref, message, "quarantined");
      return "quarantined";
    }
    this.#spawn(ref, message);
    return "accepted";
  }

  /**
   * Tells `message` to every actor in memory (not to passivated or
   * quarantined machines), e.g. a periodic tick. Returns how many accepted it.
   */
  broadcast(message: Message): number {
    let accepted = 0;
    for (const cell of this.#actors.values()) {
      if (!this.#accepting) {
        this.#shed(cell.ref, message, "stopped");
      } else if (cell.deliver(message) === "accepted") {
        accepted++;
      } else {
        this.#shed(cell.ref, message, "mailbox_full");
      }
    }
    return accepted;
  }

  /**
   * Lifts the quarantine of `ref`; its next message spawns the actor from
   * its last snapshot. Returns false if the machine was not quarantined.
   */
  release(ref: MachineRef): boolean {
    if (!this.#quarantined.delete(machineKey(ref))) return false;
    this.#decide(ref, "restore", "released from quarantine");
    return true;
  }

  /**
   * What `read` makes of the state of `ref`'s actor as it stands after its
   * last message; undefined when the actor is not in memory (never heard of,
   * passivated, quarantined) or is restarting. `read` must not change the
   * state (the actor owns it), so hand out copies.
   */
  inspect<T>(ref: MachineRef, read: (state: Readonly<State>) => T): T | undefined {
    return this.#byFactory.get(ref.factory)?.get(ref.machine)?.inspect(read);
  }

  /**
   * The last snapshot saved of `ref`'s actor while the actor is not in
   * memory (passivated, or quarantined); undefined while it is in memory (ask
   * {@link inspect}), or when it never saved one. Read from the snapshot
   * store each call.
   */
  stored(ref: MachineRef): Snapshot | undefined {
    const key = machineKey(ref);
    return this.#actors.has(key) ? undefined : this.#snapshots.load(key);
  }

  /** Where the actor of `ref` is in its life. */
  state(ref: MachineRef): ActorPhase {
    const key = machineKey(ref);
    const cell = this.#actors.get(key);
    if (cell !== undefined) return cell.phase === "running" ? "running" : "restarting";
    if (this.#quarantined.has(key)) return "quarantined";
    return this.#snapshots.load(key) === undefined ? "absent" : "passivated";
  }

  /** The machines currently quarantined (to be kept for the next run). */
  quarantinedMachines(): MachineRef[] {
    return [...this.#quarantined.values()];
  }

  /** Actors in memory, mailbox depths and quarantined machines right now. */
  stats(): RegistryStats {
    let mailboxDepth = 0;
    let maxMailboxDepth = 0;
    for (const cell of this.#actors.values()) {
      const size = cell.mailbox.size;
      mailboxDepth += size;
      if (size > maxMailboxDepth) maxMailboxDepth = size;
    }
    return {
      actors: this.#actors.size,
      mailboxDepth,
      maxMailboxDepth,
      quarantined: this.#quarantined.size,
    };
  }

  /**
   * Stops gracefully: new messages are refused (`"stopped"`), messages
   * already queued are handled, every actor's snapshot is saved and timers
   * are cancelled. Messages of actors waiting out a restart backoff are shed
   * as `"stopped"`. Rejects with an `AggregateError` if some snapshots could
   * not be saved (after stopping everything else). Calling it again returns
   * the same promise.
   */
  drain(): Promise<void> {
    this.#drained ??= this.#drain();
    return this.#drained;
  }

  async #drain(): Promise<void> {
    this.#accepting = false;
    if (this.#sweepTimer !== undefined) {
      this.#clock.clearTimeout(this.#sweepTimer);
      this.#sweepTimer = undefined;
    }
    for (const cell of this.#actors.values()) {
      if (cell.phase === "crashed") this.#stop(cell, "engine draining during restart backoff");
    }
    // A crash while draining stops the actor at once (see #crashed), so this settles.
    await Promise.all(Array.from(this.#actors.values(), (cell) => cell.whenIdle()));
    const failures: unknown[] = [];
    for (const cell of this.#actors.values()) {
      try {
        cell.saveSnapshot();
        this.#stop(cell, "engine draining");
      } catch (error) {
        failures.push(error);
        this.#stop(cell, `engine draining; snapshot not saved: ${describe(error)}`);
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `Cannot save ${failures.length} actor snapshot(s) while draining: the previously saved snapshots were kept`,
      );
    }
  }

  /** Removes `cell` from the registry's indexes (it may be spawned again later). */
  #forget(cell: Cell<State, Message, Snapshot>): void {
    this.#actors.delete(cell.key);
    const machines = this.#byFactory.get(cell.ref.factory);
    if (machines?.get(cell.ref.machine) !== cell) return;
    machines.delete(cell.ref.machine);
    if (machines.size === 0) this.#byFactory.delete(cell.ref.factory);
  }

  #spawn(ref: MachineRef, message: Message): void {
    const cell = new ActorCell(ref, this.#behavior, {
      clock: this.#clock,
      snapshots: this.#snapshots,
      mailboxCapacity: this.#mailboxCapacity,
      onCrash: this.#crashed,
    });
    this.#actors.set(cell.key, cell);
    let machines = this.#byFactory.get(cell.ref.factory);
    if (machines === undefined) this.#byFactory.set(cell.ref.factory, machines = new Map());
    machines.set(cell.ref.machine, cell);
    cell.deliver(message);
    cell.start(() => {
      const snapshot = this.#snapshots.load(cell.key);
      if (snapshot === undefined) this.#decide(cell.ref, "spawn", "first message");
      else this.#decide(cell.ref, "restore", "first message; restored from snapshot");
      return snapshot;
    });
    if (this.#sweepTimer === undefined) {
      this.#sweepTimer = this.#clock.setTimeout(this.#sweep, this.#sweepEveryMs);
    }
  }

  readonly #crashed = (
    cell: Cell<State, Message, Snapshot>,
    error: unknown,
    cause: CrashCause<Message>,
  ): void => {
    if (cause.during === "receive") this.#shed(cell.ref, cause.message, "crashed");
    this.#onCrashHook(cell.ref, error);
    const reason = `${cause.during} failed: ${describe(error)}`;
    if (!this.#accepting) {
      this.#stop(cell, `${reason}; not restarted: engine draining`);
      return;
    }
    const decision = decideOnCrash(cell.history, this.#clock.now(), this.#policy, this.#random);
    cell.history = decision.history;
    if (decision.directive === "quarantine") {
      this.#quarantine(cell, reason, decision.restarts);
      return;
    }
    cell.restartTimer = this.#clock.setTimeout(() => {
      cell.restartTimer = undefined;
      cell.start(() => this.#snapshots.load(cell.key));
    }, decision.delayMs);
    this.#metrics.actorRestarts.inc();
    this.#decide(cell.ref, "restart", reason, {
      delayMs: decision.delayMs,
      restarts: decision.restarts,
    });
  };

  #quarantine(cell: Cell<State, Message, Snapshot>, reason: string, restarts: number): void {
    this.#forget(cell);
    this.#quarantined.set(cell.key, cell.ref);
    const why =
      `${reason}; more than ${this.#policy.maxRestarts} restarts within ${this.#policy.withinMs} ms`;
    this.#decide(cell.ref, "quarantine", why, { restarts });
    this.#bus.publish({
      type: "status",
      factory: cell.ref.factory,
      machine: cell.ref.machine,
      ts: this.#clock.now(),
      status: "quarantined",
      previous: null,
      reason: why,
    });
    for (const message of cell.stop()) this.#shed(cell.ref, message, "quarantined");
  }

  /** Removes the actor for good (it is not restarted), shedding what it had queued. */
  #stop(cell: Cell<State, Message, Snapshot>, reason: string): void {
    if (cell.restartTimer !== undefined) {
      this.#clock.clearTimeout(cell.restartTimer);
      cell.restartTimer = undefined;
    }
    this.#forget(cell);
    this.#decide(cell.ref, "stop", reason);
    for (const message of cell.stop()) this.#shed(cell.ref, message, "stopped");
  }

  readonly #sweep = (): void => {
    this.#sweepTimer = undefined;
    const now = this.#clock.now();
    const due: Cell<State, Message, Snapshot>[] = [];
    for (const cell of this.#actors.values()) {
      if (cell.phase !== "running") continue;
      const idleMs = now - cell.lastActiveAt;
      if (!cell.busy && cell.mailbox.size === 0 && idleMs >= this.#passivateAfterMs) {
        this.#passivate(cell, idleMs);
      } else if (cell.dirty && now - cell.lastSnapshotAt >= this.#snapshotEveryMs) {
        due.push(cell);
      }
    }
    this.#checkpointSome(due);
    if (this.#actors.size > 0 && this.#accepting) {
      this.#sweepTimer = this.#clock.setTimeout(this.#sweep, this.#sweepEveryMs);
    }
  };

  /**
   * Saves the snapshots of due actors, oldest first, at most an even share
   * per sweep (actors × sweep period / snapshot period) and in one batch of
   * the store: actors that came up together would otherwise all be due in
   * the same sweep and stall the event loop for a burst of saves. Those left
   * over are taken in the next sweeps.
   */
  #checkpointSome(due: Cell<State, Message, Snapshot>[]): void {
    if (due.length === 0) return;
    const share = Math.max(
      1,
      Math.ceil(this.#actors.size * this.#sweepEveryMs / this.#snapshotEveryMs),
    );
    due.sort((a, b) => a.lastSnapshotAt - b.lastSnapshotAt);
    const now = this.#clock.now();
    const work = () => {
      for (const cell of due.slice(0, share)) {
        const full = cell.lastFullSnapshotAt === -Infinity
          ? now - cell.startedAt >=
            this.#firstFullSnapshotPhase(cell.ref) * this.#fullSnapshotEveryMs
          : now - cell.lastFullSnapshotAt >= this.#fullSnapshotEveryMs;
        cell.checkpoint(full);
      }
    };
    if (this.#snapshots.batch === undefined) work();
    else this.#snapshots.batch(work);
  }

  #passivate(cell: Cell<State, Message, Snapshot>, idleMs: number): void {
    // A failed save is reported as a crash; the actor then restarts instead of losing its state.
    if (!cell.checkpoint()) return;
    this.#forget(cell);
    cell.stop();
    this.#decide(cell.ref, "passivate", `idle for ${idleMs} ms`);
  }

  #decide(
    ref: MachineRef,
    decision: SupervisionDecision,
    reason: string,
    counts: { delayMs?: number; restarts?: number } = {},
  ): void {
    this.#decisionCounters[decision].inc();
    this.#bus.publish({
      type: "supervision",
      factory: ref.factory,
      machine: ref.machine,
      ts: this.#clock.now(),
      decision,
      reason,
      ...counts,
    });
  }

  #shed(ref: MachineRef, message: Message, reason: ShedReason): void {
    this.#shedCounters[reason].inc();
    this.#onShed?.(ref, message, reason);
  }
}

function checkOption(
  name: string,
  value: number,
  expected: string,
  ok: (value: number) => boolean,
): number {
  if (typeof value !== "number" || Number.isNaN(value) || !ok(value)) {
    throw new RangeError(
      `Cannot create actor registry: '${name}' must be ${expected}: current value is ${value}`,
    );
  }
  return value;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
