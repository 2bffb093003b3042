/**
 * Fetching a machine's history from the API for the explorer, with the
 * server's own error message when it refuses. Browser only.
 */
import { ApiError, apiFetch } from "./api_fetch.ts";
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
 * import { historyApiUrl, type TimeSpan } from "./history_query.ts";
 *
 * declare const span: TimeSpan;
 * const { signal } = new AbortController();
 * const answer = await fetchHistory(
 *   historyApiUrl("demo", "press-01", span, ["oil_temp"], 900),
 *   signal,
 * );
 * ```
 * @throws {HistoryLoadError} with the API's error message, or the network failure.
 */
export async function fetchHistory(url: string, signal?: AbortSignal): Promise<HistoryAnswer> {
  let body: unknown;
  try {
    body = await apiFetch(url, { signal });
  } catch (error) {
    if (signal?.aborted || !(error instanceof ApiError)) throw error;
    throw new HistoryLoadError(
      error.status === 0
        ? "the server could not be reached; check the connection and retry"
        : error.message,
      error.status,
      { cause: error },
    );
  }
  const answer = body as HistoryAnswer;
  if (!Array.isArray(answer?.series)) {
    throw new HistoryLoadError("the server's answer has no 'series'", 200);
  }
  return answer;
}
