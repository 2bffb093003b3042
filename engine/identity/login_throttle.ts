import type { Clock } from "../clock.ts";

/** Whether a login attempt may go ahead now. */
export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number };

/** Options of {@link LoginThrottle}; every field has a default. */
export interface LoginThrottleOptions {
  /** Sliding window failures are counted in, ms (default 1 h). */
  readonly windowMs?: number;
  /** Failures per account within the window before delays begin (default 4: the 5th waits). */
  readonly freeFailuresPerAccount?: number;
  /** Failures per IP within the window before delays begin (default 20). */
  readonly freeFailuresPerIp?: number;
  /** First delay, doubled per further failure (default 1 000 ms). */
  readonly baseDelayMs?: number;
  /** Longest delay (default 60 000 ms). */
  readonly maxDelayMs?: number;
  /** Hard bound on failures per account within the window (default 100). */
  readonly maxFailuresPerAccount?: number;
}

interface Failures {
  /** Failure times within the window, oldest first. */
  times: number[];
}

/**
 * Login throttling per account and per IP, in memory with an injected clock.
 * Failures are counted in a sliding window (an hour); from the 5th failure
 * of an account each further attempt must wait 1 s, 2 s, 4 s … (capped at
 * 60 s) after the last failure, and no account can collect more than 100
 * failures per hour. Delays run out with time, so nobody can lock an account
 * for good, and a successful login clears the account's count. IPs get the
 * same schedule after more free failures (offices share addresses).
 *
 * @example
 * ```ts
 * import type { Clock } from "../clock.ts";
 * declare const clock: Clock;
 * declare const ok: boolean; // whether the password was right
 * declare function tooManyRequests(retryAfterMs: number): Response;
 *
 * const throttle = new LoginThrottle(clock);
 * function login(): Response | undefined {
 *   const decision = throttle.check("ada@plant.example", "10.0.0.7");
 *   if (!decision.allowed) return tooManyRequests(decision.retryAfterMs);
 *   if (ok) throttle.recordSuccess("ada@plant.example");
 *   else throttle.recordFailure("ada@plant.example", "10.0.0.7");
 * }
 * ```
 */
export class LoginThrottle {
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #freeAccount: number;
  readonly #freeIp: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxAccount: number;
  readonly #accounts = new Map<string, Failures>();
  readonly #ips = new Map<string, Failures>();
  #sincePrune = 0;

  constructor(clock: Clock, options: LoginThrottleOptions = {}) {
    this.#clock = clock;
    this.#windowMs = positive("windowMs", options.windowMs ?? 3_600_000);
    this.#freeAccount = nonNegative("freeFailuresPerAccount", options.freeFailuresPerAccount ?? 4);
    this.#freeIp = nonNegative("freeFailuresPerIp", options.freeFailuresPerIp ?? 20);
    this.#baseDelayMs = positive("baseDelayMs", options.baseDelayMs ?? 1_000);
    this.#maxDelayMs = positive("maxDelayMs", options.maxDelayMs ?? 60_000);
    this.#maxAccount = positive("maxFailuresPerAccount", options.maxFailuresPerAccount ?? 100);
  }

  /** May `account` try to log in from `ip` now? (`ip` "unknown" is not throttled by IP.) */
  check(account: string, ip: string): ThrottleDecision {
    const now = this.#clock.now();
    const byAccount = this.#wait(this.#accounts, key(account), this.#freeAccount, now);
    let wait = byAccount;
    const times = this.#live(this.#accounts, key(account), now);
    if (times.length >= this.#maxAccount) {
      wait = Math.max(wait, times[times.length - this.#maxAccount] + this.#windowMs - now);
    }
    if (ip !== "unknown") wait = Math.max(wait, this.#wait(this.#ips, ip, this.#freeIp, now));
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
  }

  /** Counts a failed attempt against `account` and `ip`. */
  recordFailure(account: string, ip: string): void {
    const now = this.#clock.now();
    this.#push(this.#accounts, key(account), now);
    if (ip !== "unknown") this.#push(this.#ips, ip, now);
    if (++this.#sincePrune >= 1_000) this.prune();
  }

  /** A successful login clears the account's failures (not the IP's). */
  recordSuccess(account: string): void {
    this.#accounts.delete(key(account));
  }

  /** Failures of `account` within the window. */
  failures(account: string): number {
    return this.#live(this.#accounts, key(account), this.#clock.now()).length;
  }

  /** Forgets entries whose failures all left the window. */
  prune(): void {
    this.#sincePrune = 0;
    const now = this.#clock.now();
    for (const map of [this.#accounts, this.#ips]) {
      for (const k of [...map.keys()]) this.#live(map, k, now);
    }
  }

  #live(map: Map<string, Failures>, k: string, now: number): number[] {
    const entry = map.get(k);
    if (entry === undefined) return [];
    const from = now - this.#windowMs;
    const firstLive = entry.times.findIndex((t) => t > from);
    if (firstLive === -1) {
      map.delete(k);
      return [];
    }
    if (firstLive > 0) entry.times.splice(0, firstLive);
    return entry.times;
  }

  #wait(map: Map<string, Failures>, k: string, free: number, now: number): number {
    const times = this.#live(map, k, now);
    if (times.length <= free) return 0;
    const delay = Math.min(
      this.#maxDelayMs,
      this.#baseDelayMs * 2 ** Math.min(30, times.length - free - 1),
    );
    return Math.max(0, times[times.length - 1] + delay - now);
  }

  #push(map: Map<string, Failures>, k: string, now: number): void {
    this.#live(map, k, now);
    const entry = map.get(k) ?? { times: [] };
    entry.times.push(now);
    // More than the hard bound is never needed to decide.
    if (entry.times.length > this.#maxAccount) {
      entry.times.splice(0, entry.times.length - this.#maxAccount);
    }
    map.set(k, entry);
  }
}

function key(account: string): string {
  return account.trim().toLowerCase();
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `Cannot throttle logins: '${name}' must be a positive number: current value is ${value}`,
    );
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot throttle logins: '${name}' must be an integer >= 0: current value is ${value}`,
    );
  }
  return value;
}
