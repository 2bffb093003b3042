import type { DeliveryOutcome } from "./delivery_outcome.ts";
import { parseRetryAfter } from "./_retry_after.ts";

/** Options of {@link postForOutcome}. */
export interface HttpDeliveryOptions {
  readonly timeoutMs: number;
  /** Epoch ms now, to read a `Retry-After` date. */
  readonly now: number;
  readonly signal?: AbortSignal;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);
const EXCERPT_CHARS = 200;

/**
 * POSTs once and classifies the result. Error texts name only the URL's
 * origin: Slack and Teams webhook URLs carry their secret in the path.
 */
export async function postForOutcome(
  url: string,
  init: { headers: Record<string, string>; body: string },
  options: HttpDeliveryOptions,
): Promise<DeliveryOutcome> {
  const where = new URL(url).origin;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: init.headers, body: init.body, signal });
  } catch (error) {
    if (timeout.aborted) {
      return {
        status: "retryable",
        error: `No answer from ${where} within ${options.timeoutMs} ms`,
      };
    }
    if (options.signal?.aborted) {
      // Stopped by the caller (the dispatcher closing): the receiver may not
      // have it yet, so the next start tries again with the same delivery id.
      return { status: "retryable", error: `Attempt to ${where} stopped: the sender closed` };
    }
    if (error instanceof TypeError || (error instanceof DOMException && signal.aborted)) {
      return { status: "retryable", error: `Cannot reach ${where}: ${error.message}` };
    }
    throw error;
  }
  let text = "";
  try {
    text = await response.text();
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof DOMException)) throw error;
    text = `(body unreadable: ${error.message})`;
  }
  if (response.ok) return { status: "sent" };
  const excerpt = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
  const error = `HTTP ${response.status} from ${where}${excerpt ? `: ${excerpt}` : ""}`;
  if (RETRYABLE_STATUS.has(response.status) || response.status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), options.now);
    return retryAfterMs === undefined
      ? { status: "retryable", error }
      : { status: "retryable", error, retryAfterMs };
  }
  return { status: "permanent", error };
}
