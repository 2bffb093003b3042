/**
 * The notifications API as the settings page calls it: test messages,
 * routing, the delivery log, with the server's own error message when it
 * refuses. Browser only.
 */
import type { AlertSeverity } from "../../engine/events.ts";
import type { DeliveryOutcome, NotificationLogEntry } from "../../engine/notify/mod.ts";
import { ApiError, apiFetch } from "./api_fetch.ts";
import { factoryPath } from "./format.ts";

/** Channel ids per severity. */
export type SeverityRouting = Partial<Record<AlertSeverity, readonly string[]>>;

/** A factory's routing table as the API holds it. */
export interface RoutingAnswer {
  readonly default: SeverityRouting;
  readonly rules?: Readonly<Record<string, SeverityRouting>>;
}

/** What a test message came to. */
export interface TestAnswer {
  readonly channel: string;
  readonly at: number;
  readonly outcome: DeliveryOutcome;
}

/** The API refused or could not be reached; the message says why, for operators. */
export class NotificationRequestError extends Error {
  /** HTTP status, or 0 when no answer came. */
  readonly status: number;

  constructor(message: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotificationRequestError";
    this.status = status;
  }
}

/** URL path of a factory's notification settings page. */
export function notificationsPath(factory: string): string {
  return `${factoryPath(factory)}/notifications`;
}

/** URL of a factory's notifications API, e.g. `…/notifications/routing`. */
export function notificationsApiPath(factory: string, rest: string): string {
  return `/api/v1/factories/${encodeURIComponent(factory)}/notifications/${rest}`;
}

/**
 * Sends one test message through a channel now.
 *
 * @example
 * ```ts
 * const { outcome } = await sendTestMessage("demo", "ops-mail");
 * ```
 * @throws {NotificationRequestError} with the API's message.
 */
export async function sendTestMessage(factory: string, channel: string): Promise<TestAnswer> {
  return await request(
    notificationsApiPath(factory, `channels/${encodeURIComponent(channel)}/test`),
    { method: "POST" },
  ) as TestAnswer;
}

/** Replaces the factory's routing table; returns it as saved. */
export async function saveRouting(factory: string, routing: RoutingAnswer): Promise<RoutingAnswer> {
  return await request(notificationsApiPath(factory, "routing"), {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(routing),
  }) as RoutingAnswer;
}

/** The newest `limit` rows of the factory's delivery log. */
export async function fetchNotificationLog(
  factory: string,
  limit: number,
): Promise<readonly NotificationLogEntry[]> {
  const answer = await request(notificationsApiPath(factory, `log?limit=${limit}`), {}) as {
    entries: NotificationLogEntry[];
  };
  return answer.entries;
}

/** In words: "Sent", "Failed: HTTP 404 …", "Will be retried: …". */
export function outcomeText(outcome: DeliveryOutcome): string {
  if (outcome.status === "sent") return "Sent";
  if (outcome.status === "permanent") return `Failed: ${outcome.error}`;
  return `Not delivered (would be retried): ${outcome.error}`;
}

async function request(url: string, init: RequestInit): Promise<unknown> {
  try {
    return await apiFetch(url, init);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new NotificationRequestError(error.message, error.status, { cause: error });
  }
}
