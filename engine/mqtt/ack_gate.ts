/**
 * Flow control between the MQTT worker and the main thread: a publish is
 * acknowledged to the broker at once while fewer than `limit` publishes are
 * on their way to (or waiting in) the main thread; past that its
 * acknowledgement waits until the main thread reports publishes taken. The
 * MQTT client handles one packet at a time and stops reading its socket
 * while an acknowledgement waits, so the broker holds the backlog, as it
 * does when the main thread itself is slow to read.
 *
 * @example
 * ```ts
 * declare function sendPuback(): void;
 * const gate = new AckGate(20_000);
 * gate.admit(() => sendPuback()); // sent now, or once the main thread caught up
 * gate.sent(1);                    // one publish posted to the main thread
 * gate.taken(500);                 // the main thread handled 500
 * ```
 */
export class AckGate {
  readonly #limit: number;
  readonly #waiting: Array<() => void> = [];
  #inFlight = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Cannot create ack gate: 'limit' must be a positive integer: current value is ${limit}`,
      );
    }
    this.#limit = limit;
  }

  /** Publishes posted to the main thread and not yet reported taken. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Acknowledgements held back. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `ack` now if there is room, else once there is. */
  admit(ack: () => void): void {
    if (this.#inFlight < this.#limit && this.#waiting.length === 0) ack();
    else this.#waiting.push(ack);
  }

  /** `n` more publishes were posted to the main thread. */
  sent(n: number): void {
    this.#inFlight += n;
  }

  /** The main thread took `n` publishes: releases held acknowledgements while there is room. */
  taken(n: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - n);
    while (this.#waiting.length > 0 && this.#inFlight < this.#limit) this.#waiting.shift()!();
  }
}
