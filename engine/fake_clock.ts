import type { Clock, TimerHandle } from "./clock.ts";

interface PendingTimer {
  handle: number;
  at: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to, for deterministic tests.
 *
 * @example
 * ```ts
 * const clock = new FakeClock(0);
 * let fired = false;
 * clock.setTimeout(() => fired = true, 500);
 * clock.tick(499); // fired === false
 * clock.tick(1); // fired === true
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #nextHandle = 1;
  #timers: PendingTimer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#timers.push({ handle, at: this.#now + Math.max(0, ms), fn });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.handle !== handle);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Advances time by `ms`, firing due timers in time order (timers scheduled
   * by a firing timer fire too if they fall inside the step).
   */
  tick(ms: number): void {
    if (!(ms >= 0)) {
      throw new RangeError(`Cannot tick: 'ms' must be >= 0: current value is ${ms}`);
    }
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.handle - b.handle)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
    }
    this.#now = target;
  }

  /** Sets the time forward to `epochMs` (see {@link FakeClock.tick}). */
  set(epochMs: number): void {
    this.tick(epochMs - this.#now);
  }
}
