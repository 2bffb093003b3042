/**
 * The alerts API as the pages call it: lists, one alert, operator actions,
 * with the server's own error message when it refuses. Browser only.
 */
import type { Alert, AlertDetail } from "../../engine/alerts/alert.ts";
import { alertsApiPath } from "./alert_format.ts";
import { ApiError, apiFetch } from "./api_fetch.ts";

/** An operator action on an alert. */
export type AlertVerb = "acknowledge" | "clear" | "shelve" | "unshelve";

/** What an action sends; the signed-in caller acts (`by` counts only without a sign-in gate). */
export interface AlertActionBody {
  readonly by?: string;
  readonly note?: string;
  readonly durationMs?: number;
}

/** A page of the alerts list. */
export interface AlertListAnswer {
  readonly alerts: readonly Alert[];
  readonly next: string | null;
}

/** The API refused or could not be reached; the message says why, for operators. */
export class AlertRequestError extends Error {
  /** HTTP status, or 0 when no answer came. */
  readonly status: number;

  constructor(message: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "AlertRequestError";
    this.status = status;
  }
}

/**
 * Acts on an alert and returns it as it is afterwards (with its audit trail).
 *
 * @example
 * ```ts
 * declare const id: string; // e.g. "oil-hot:press-01:1795428000000"
 * const alert = await postAlertAction("demo", id, "acknowledge", { note: "on it" });
 * ```
 * @throws {AlertRequestError} with the API's message (e.g. 409 "already acknowledged by ana").
 */
export async function postAlertAction(
  factory: string,
  id: string,
  verb: AlertVerb,
  body: AlertActionBody = {},
): Promise<AlertDetail> {
  return await request(`${alertsApiPath(factory, id)}/${verb}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }) as AlertDetail;
}

/** One page of a factory's alerts for `query` (see alert_filter.ts). */
export async function fetchAlertList(
  factory: string,
  query: URLSearchParams,
  signal?: AbortSignal,
): Promise<AlertListAnswer> {
  return await request(`${alertsApiPath(factory)}?${query}`, { signal }) as AlertListAnswer;
}

/** One alert with its audit trail. */
export async function fetchAlertDetail(
  factory: string,
  id: string,
  signal?: AbortSignal,
): Promise<AlertDetail> {
  return await request(alertsApiPath(factory, id), { signal }) as AlertDetail;
}

async function request(url: string, init: RequestInit): Promise<unknown> {
  try {
    return await apiFetch(url, init);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new AlertRequestError(error.message, error.status, { cause: error });
  }
}
