import type { Clock, TimerHandle } from "../clock.ts";
import { machineKey, type MachineRef } from "../telemetry.ts";
import type { ActorBehavior, ActorContext, SnapshotStore } from "./behavior.ts";
import { Mailbox, type OfferResult } from "./mailbox.ts";
import { NO_RESTARTS, type RestartHistory } from "./supervision.ts";

/** Where a cell's behavior failed; `receive` failures carry the message being handled. */
export type CrashCause<Message> =
  | { readonly during: "receive"; readonly message: Message }
  | { readonly during: "init" }
  | { readonly during: "snapshot" };

/** Called when the behavior throws; the cell is then `crashed` and its mailbox kept. */
export type CrashHandler<State, Message, Snapshot> = (
  cell: ActorCell<State, Message, Snapshot>,
  error: unknown,
  cause: CrashCause<Message>,
) => void;

/**
 * - `starting`: created, `start` not called yet;
 * - `running`: state initialised, messages are processed;
 * - `crashed`: the behavior failed; state dropped, messages kept until `start` or `stop`;
 * - `stopped`: for good; the registry has forgotten it.
 */
export type CellPhase = "starting" | "running" | "crashed" | "stopped";

/** Options of {@link ActorCell}. */
export interface ActorCellOptions<State, Message, Snapshot> {
  readonly clock: Clock;
  readonly snapshots: SnapshotStore<Snapshot>;
  readonly mailboxCapacity: number;
  readonly onCrash: CrashHandler<State, Message, Snapshot>;
}

/**
 * One actor inside the registry: its mailbox, its state and the loop that
 * hands messages to the behavior one at a time. The loop is started with a
 * microtask when a message arrives at an idle cell and runs synchronously
 * until the mailbox is empty, pausing only on a `receive` that returns a
 * promise. Supervision (what happens after a crash) is the registry's job.
 */
export class ActorCell<State, Message, Snapshot> {
  readonly key: string;
  readonly ref: MachineRef;
  readonly mailbox: Mailbox<Message>;
  /** Kept by the registry's supervisor across restarts. */
  history: RestartHistory = NO_RESTARTS;
  /** The registry's pending restart, while `crashed`. */
  restartTimer: TimerHandle | undefined;

  readonly #behavior: ActorBehavior<State, Message, Snapshot>;
  readonly #ctx: ActorContext;
  readonly #clock: Clock;
  readonly #snapshots: SnapshotStore<Snapshot>;
  readonly #onCrash: CrashHandler<State, Message, Snapshot>;
  #phase: CellPhase = "starting";
  #state: State | undefined;
  #busy = false;
  #dirty = false;
  #snapshotDue: "none" | "partial" | "full" = "none";
  #inFlight: Message | undefined;
  #lastActiveAt: number;
  #lastSnapshotAt: number;
  #lastFullSnapshotAt: number;
  #startedAt: number;
  #idleWaiters: Array<() => void> = [];

  // Bound once per cell so that scheduling and awaiting allocate no closures per message.
  readonly #run = () => this.#process();
  readonly #resume = () => {
    this.#inFlight = undefined;
    this.#process();
  };
  readonly #reject = (error: unknown) => {
    const message = this.#inFlight as Message;
    this.#inFlight = undefined;
    this.#crash(error, { during: "receive", message });
  };

  constructor(
    ref: MachineRef,
    behavior: ActorBehavior<State, Message, Snapshot>,
    options: ActorCellOptions<State, Message, Snapshot>,
  ) {
    this.ref = { factory: ref.factory, machine: ref.machine };
    this.key = machineKey(ref);
    this.mailbox = new Mailbox({ capacity: options.mailboxCapacity });
    this.#behavior = behavior;
    this.#clock = options.clock;
    this.#ctx = {
      ref: this.ref,
      clock: options.clock,
      // Partial, unless no full snapshot was saved since the start (the stored one may lack parts).
      requestCheckpoint: () => {
        if (this.#snapshotDue === "full") return;
        this.#snapshotDue = this.#lastFullSnapshotAt === -Infinity ? "full" : "partial";
      },
    };
    this.#snapshots = options.snapshots;
    this.#onCrash = options.onCrash;
    this.#lastActiveAt = this.#lastSnapshotAt = this.#startedAt = options.clock.now();
    // The first checkpoint is full: the stored snapshot may lack parts (older format, or none).
    this.#lastFullSnapshotAt = -Infinity;
  }

  get phase(): CellPhase {
    return this.#phase;
  }

  /** A message is being handled or the loop is scheduled to run. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Messages were handled since the last saved snapshot. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** When the mailbox last ran empty (or the actor started). */
  get lastActiveAt(): number {
    return this.#lastActiveAt;
  }

  get lastSnapshotAt(): number {
    return this.#lastSnapshotAt;
  }

  /** When the actor last started (spawned, restored, or restarted after a crash). */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** When a full snapshot was last saved; -Infinity until the first since the actor started. */
  get lastFullSnapshotAt(): number {
    return this.#lastFullSnapshotAt;
  }

  /**
   * Initialises the state from the snapshot `load` returns and starts
   * processing queued messages. Returns false if `load` or `init` threw (the
   * crash was reported).
   */
  start(load: () => Snapshot | undefined): boolean {
    try {
      this.#state = this.#behavior.init(this.#ctx, load());
    } catch (error) {
      this.#crash(error, { during: "init" });
      return false;
    }
    this.#phase = "running";
    this.#dirty = false;
    this.#lastActiveAt = this.#lastSnapshotAt = this.#startedAt = this.#clock.now();
    this.#lastFullSnapshotAt = -Infinity;
    if (this.mailbox.size > 0) this.#schedule();
    return true;
  }

  /** Queues `message` (see {@link Mailbox.offer}) and wakes the loop if it is idle. */
  deliver(message: Message): OfferResult {
    const result = this.mailbox.offer(message, this.#behavior.sheddable(message));
    if (result === "accepted" && !this.#busy && this.#phase === "running") this.#schedule();
    return result;
  }

  /**
   * Saves a snapshot of the state, full or partial (see
   * {@link ActorBehavior.snapshot}); throws what `snapshot` or the store throws.
   */
  saveSnapshot(full = true): void {
    this.#snapshots.save(this.key, this.#behavior.snapshot(this.#state as State, full), full);
    this.#dirty = false;
    this.#snapshotDue = "none";
    this.#lastSnapshotAt = this.#clock.now();
    if (full) this.#lastFullSnapshotAt = this.#lastSnapshotAt;
  }

  /**
   * Saves a snapshot now, or, while a message is in flight, right after it
   * (a snapshot taken halfway through `receive` could be inconsistent).
   * Returns false if saving failed; that is reported as a crash.
   */
  checkpoint(full = true): boolean {
    if (this.#busy) {
      if (this.#snapshotDue !== "full") this.#snapshotDue = full ? "full" : "partial";
      return true;
    }
    try {
      this.saveSnapshot(full);
      return true;
    } catch (error) {
      this.#crash(error, { during: "snapshot" });
      return false;
    }
  }

  /**
   * What `read` makes of the state between two messages, or undefined when
   * there is none to read: not running, or a `receive` in flight (its state
   * may be halfway through a change). `read` must not change the state: the
   * actor owns it.
   */
  inspect<T>(read: (state: Readonly<State>) => T): T | undefined {
    if (this.#phase !== "running" || this.#inFlight !== undefined) return undefined;
    return read(this.#state as State);
  }

  /** Resolves once no message is being handled (at once if none is). */
  whenIdle(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops the cell for good; returns the messages it had not handled. */
  stop(): Message[] {
    this.#phase = "stopped";
    this.#state = undefined;
    this.#settle();
    return this.mailbox.drainAll();
  }

  #schedule(): void {
    this.#busy = true;
    queueMicrotask(this.#run);
  }

  #process(): void {
    const mailbox = this.mailbox;
    while (this.#phase === "running") {
      if (this.#snapshotDue !== "none") {
        try {
          this.saveSnapshot(this.#snapshotDue === "full");
        } catch (error) {
          this.#crash(error, { during: "snapshot" });
          return;
        }
      }
      if (mailbox.size === 0) break;
      const message = mailbox.shift() as Message;
      this.#dirty = true;
      let pending: void | Promise<void>;
      try {
        pending = this.#behavior.receive(this.#state as State, message, this.#ctx);
      } catch (error) {
        this.#crash(error, { during: "receive", message });
        return;
      }
      // `void`-typed functions may return anything; only a thenable means "wait for me".
      if (pending !== undefined && typeof pending.then === "function") {
        this.#inFlight = message;
        pending.then(this.#resume, this.#reject);
        return;
      }
    }
    this.#lastActiveAt = this.#clock.now();
    this.#settle();
  }

  #crash(error: unknown, cause: CrashCause<Message>): void {
    this.#phase = "crashed";
    this.#state = undefined;
    this.#snapshotDue = "none";
    this.#settle();
    this.#onCrash(this, error, cause);
  }

  #settle(): void {
    this.#busy = false;
    if (this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
