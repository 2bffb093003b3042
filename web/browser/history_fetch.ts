/**
 * Fetching a machine's history from the API for the explorer, with the
 * server's own error message when it refuses. Browser only.
 */
import type { HistorySeries } from "./history_columns.ts";

/** The history API's answer (GET /api/v1/factories/{f}/machines/{m}/history). */
export interface HistoryAnswer {
  readonly factory: string;
  readonly machine: string;
  readonly from: number;
  readonly to: number;
  /** Bucket width in ms, or null for raw points. */
  readonly every: number | null;
  /** How buckets were combined, or null for raw points. */
  readonly agg: string | null;
  /** True when a series had more points than the API returns. */
  readonly truncated: boolean;
  readonly series: readonly HistorySeries[];
}

/** The API could not be reached or refused the request; the message says why, for operators. */
export class HistoryLoadError extends Error {
  /** HTTP status, or 0 when no answer came. */
  readonly status: number;

  constructor(message: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "HistoryLoadError";
    this.status = status;
  }
}

/**
 * Fetches `url` (from {@link historyApiUrl}) and returns the answer.
 *
 * @example
 * ```ts
 * const answer = await fetchHistory(historyApiUrl("demo", "press-01", span, ["oil_temp"], 900), signal);
 * ```
 * @throws {HistoryLoadError} with the API's error message, or the network failure.
 */
export async function fetchHistory(url: string, signal?: AbortSignal): Promise<HistoryAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: "application/json" } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new HistoryLoadError(
      "the server could not be reached; check the connection and retry",
      0,
      { cause: error },
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HistoryLoadError(
      `the server answered ${response.status} ${response.statusText} without JSON`,
      response.status,
      { cause: error },
    );
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: unknown } })?.error?.message;
    throw new HistoryLoadError(
      typeof message === "string"
        ? message
        : `the server answered ${response.status} ${response.statusText}`,
      response.status,
    );
  }
  const answer = body as HistoryAnswer;
  if (!Array.isArray(answer?.series)) {
    throw new HistoryLoadError("the server's answer has no 'series'", response.status);
  }
  return answer;
}
