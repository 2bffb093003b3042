/**
 * The result of one delivery attempt, as a value the dispatcher decides on:
 * `sent`; `retryable` (the receiver may accept it later: network error,
 * timeout, 408/425/429/5xx, SMTP 4xx), optionally with the wait the receiver
 * asked for (`Retry-After`); or `permanent` (retrying cannot help: 4xx,
 * SMTP 5xx, bad credentials).
 *
 * @example
 * ```ts
 * const outcome: DeliveryOutcome = {
 *   status: "retryable",
 *   error: "HTTP 429",
 *   retryAfterMs: 30_000,
 * };
 * ```
 */
export type DeliveryOutcome =
  | { readonly status: "sent" }
  | { readonly status: "retryable"; readonly error: string; readonly retryAfterMs?: number }
  | { readonly status: "permanent"; readonly error: string };

/** Per-attempt facts a channel may put on the wire. */
export interface DeliveryContext {
  /** Stable id of the delivery, the same on every retry (receivers dedupe on it). */
  readonly deliveryId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when the dispatcher shuts down. */
  readonly signal?: AbortSignal;
}
