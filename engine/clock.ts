/**
 * Time as the engine sees it. Everything that reads the time or waits takes a
 * `Clock`, so tests drive it with {@link FakeClock} and never sleep.
 *
 * @example
 * ```ts
 * const clock: Clock = systemClock;
 * const id = clock.setTimeout(() => console.log(clock.now()), 1000);
 * clock.clearTimeout(id);
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a pending timer; unknown or fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque handle of a pending timer. */
export type TimerHandle = unknown;

/** The wall clock and the runtime's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
};
