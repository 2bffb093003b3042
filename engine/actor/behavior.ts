import type { Clock } from "../clock.ts";
import type { MachineRef } from "../telemetry.ts";

/** What a behavior may use while it handles a message. */
export interface ActorContext {
  readonly ref: MachineRef;
  readonly clock: Clock;
  /**
   * Asks for a partial snapshot as soon as the message being handled is
   * done, instead of at the next periodic checkpoint: for state that must
   * not go back in time after a crash (an alert just raised must not be
   * raised again). Absent where nothing saves snapshots (tests).
   */
  readonly requestCheckpoint?: () => void;
}

/**
 * What one kind of actor does. The registry owns the actors' lifecycle; a
 * behavior only builds, updates and snapshots state. `receive` handles one
 * message to completion (the registry never calls it concurrently for one
 * actor); a thrown error or rejected promise is a crash, handled by the
 * supervisor.
 *
 * @example
 * ```ts
 * const counter: ActorBehavior<{ n: number }, "inc", number> = {
 *   init: (_ctx, snapshot) => ({ n: snapshot ?? 0 }),
 *   receive: (state) => { state.n++; },
 *   snapshot: (state) => state.n,
 *   sheddable: () => true,
 * };
 * ```
 */
export interface ActorBehavior<State, Message, Snapshot> {
  /** Fresh state, or state restored from the last saved snapshot. */
  init(ctx: ActorContext, snapshot: Snapshot | undefined): State;
  /** Handles one message; may mutate `state`, which no one else sees. */
  receive(state: State, message: Message, ctx: ActorContext): void | Promise<void>;
  /**
   * A JSON-serialisable copy of what is needed to resume. `full` is false
   * for the periodic checkpoints between full ones: the behavior may then
   * leave out top-level keys whose state is costly to copy and cheap to lose
   * for a few minutes (learned models, sample windows); the store keeps
   * their values from the last full snapshot (see {@link SnapshotStore.save}).
   */
  snapshot(state: State, full: boolean): Snapshot;
  /**
   * Whether `message` may be shed when the mailbox is full (telemetry may;
   * configuration changes may not, and are queued past the bound).
   */
  sheddable(message: Message): boolean;
}

/**
 * Where actor snapshots are kept between passivation and reactivation, and
 * across restarts of the engine.
 */
export interface SnapshotStore<Snapshot> {
  load(key: string): Snapshot | undefined;
  /**
   * Saves a snapshot of `key`. A partial one (`full` false) replaces only the
   * top-level keys it has: `load` then returns the last full snapshot with
   * them laid over it. Partial snapshots are objects.
   */
  save(key: string, snapshot: Snapshot, full?: boolean): void;
  delete(key: string): void;
  /** Runs `work` (several saves) as one unit of storage, e.g. one transaction; optional. */
  batch?(work: () => void): void;
}
