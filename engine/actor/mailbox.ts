/** What happened to an offered message. */
export type OfferResult = "accepted" | "shed";

/** Options of {@link Mailbox}. */
export interface MailboxOptions {
  /** Messages held before sheddable ones are refused. */
  readonly capacity: number;
}

const INITIAL_SLOTS = 16;

/**
 * A bounded FIFO of an actor's pending messages. Past `capacity`, a sheddable
 * message (telemetry) is refused and a non-sheddable one (a control message)
 * is still queued, so control messages are never lost; the caller counts
 * what was shed. Push and shift are O(1) (a ring buffer that grows only as
 * far as it is filled).
 *
 * @example
 * ```ts
 * const mailbox = new Mailbox<string>({ capacity: 1 });
 * mailbox.offer("a", true); // "accepted"
 * mailbox.offer("b", true); // "shed": full
 * mailbox.offer("stop", false); // "accepted" past the bound
 * mailbox.shift(); // "a"
 * mailbox.drainAll(); // ["stop"]
 * ```
 */
export class Mailbox<M> {
  /** Messages held before sheddable ones are refused. */
  readonly capacity: number;
  #slots: Array<M | undefined>;
  #head = 0;
  #size = 0;

  /** Throws a `RangeError` if `capacity` is not a positive integer. */
  constructor(options: MailboxOptions) {
    const { capacity } = options;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot create mailbox: 'capacity' must be a positive integer: current value is ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.#slots = new Array(Math.min(capacity, INITIAL_SLOTS)).fill(undefined);
  }

  /** Messages waiting. */
  get size(): number {
    return this.#size;
  }

  /**
   * Queues `message`, unless the mailbox is full and the message is
   * `sheddable`, in which case it is refused.
   */
  offer(message: M, sheddable: boolean): OfferResult {
    if (this.#size >= this.capacity && sheddable) return "shed";
    if (this.#size === this.#slots.length) this.#grow();
    let tail = this.#head + this.#size;
    if (tail >= this.#slots.length) tail -= this.#slots.length;
    this.#slots[tail] = message;
    this.#size++;
    return "accepted";
  }

  /** Removes and returns the oldest message, or `undefined` when empty. */
  shift(): M | undefined {
    if (this.#size === 0) return undefined;
    const message = this.#slots[this.#head];
    // Clear the slot so a handled message can be garbage-collected.
    this.#slots[this.#head] = undefined;
    this.#head = this.#head + 1 === this.#slots.length ? 0 : this.#head + 1;
    this.#size--;
    return message;
  }

  /** Removes and returns every waiting message, oldest first (for accounting when an actor stops). */
  drainAll(): M[] {
    const messages: M[] = [];
    while (this.#size > 0) messages.push(this.shift() as M);
    return messages;
  }

  #grow(): void {
    const slots = new Array<M | undefined>(this.#slots.length * 2).fill(undefined);
    for (let i = 0; i < this.#size; i++) {
      slots[i] = this.#slots[(this.#head + i) % this.#slots.length];
    }
    this.#slots = slots;
    this.#head = 0;
  }
}
