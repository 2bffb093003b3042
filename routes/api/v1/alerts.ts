import { type Context, Hono } from "hono";
import {
  type Alert,
  ALERT_SEVERITIES,
  ALERT_STATES,
  AlertActionError,
  type AlertDetail,
  type AlertState,
  type OperatorAction,
} from "../../../engine/alerts/alert.ts";
import type { AlertSeverity } from "../../../engine/events.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { actorNameOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { parseTimeParam } from "../../../web/time_param.ts";
import { refuseUnknown } from "./_history_params.ts";

/** Alerts per list page when `limit` is not given, and the most one page may hold. */
export const DEFAULT_ALERT_LIMIT = 100;
export const MAX_ALERT_LIMIT = 1_000;

/** Who acts when no sign-in gate runs and the request names nobody. */
export const DEFAULT_OPERATOR = "operator";

const LIST_PARAMS = ["state", "severity", "machine", "from", "to", "limit", "before"] as const;
const MAX_BY_LENGTH = 100;
const MAX_NOTE_LENGTH = 2_000;

type Verb = "acknowledge" | "clear" | "shelve" | "unshelve";

/**
 * The alerts API of one factory:
 *
 * - `GET /factories/{f}/alerts?state=&severity=&machine=&from=&to=&limit=&before=`:
 *   newest raised first; `state` and `severity` take several values
 *   (comma-separated or repeated; `state=open` means active and
 *   acknowledged); `from`/`to` bound the raise time; `before` (the previous
 *   page's `next`) continues with older alerts.
 * - `GET /factories/{f}/alerts/{id}`: one alert with its audit trail.
 * - `POST /factories/{f}/alerts/{id}/acknowledge|clear|shelve|unshelve` with
 *   JSON `{by?, note?}` (`clear` needs a `note`; `shelve` needs `until` or
 *   `durationMs`): the alert after the action, with its audit trail. 409 when
 *   the action does not apply (acknowledging a cleared alert).
 *
 * An alert of another factory is answered 404, as if unknown.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", alertsApi(deps));
 * // POST /api/v1/factories/demo/alerts/oil-hot:press-01:1795428000000/acknowledge {"by":"ana"}
 * ```
 */
export function alertsApi(deps: Pick<AppDeps, "clock" | "directory" | "alerts">): Hono {
  const app = new Hono();

  app.get("/factories/:factory/alerts", (c) => {
    const factory = c.req.param("factory");
    const query = new URL(c.req.url).searchParams;
    refuseUnknown(query, LIST_PARAMS);
    const states = listParam(query, "state", [...ALERT_STATES, "open"]).flatMap((s) =>
      s === "open" ? ["active", "acknowledged"] : [s]
    ) as AlertState[];
    const severities = listParam(query, "severity", ALERT_SEVERITIES) as AlertSeverity[];
    const machine = query.get("machine") ?? undefined;
    if (machine !== undefined && !ID_PATTERN.test(machine)) {
      throw new HttpError(
        400,
        `'machine' must match ${ID_PATTERN.source}: current value is '${machine}'`,
      );
    }
    const from = optionalTime("from", query.get("from"));
    const to = optionalTime("to", query.get("to"));
    if (from !== undefined && to !== undefined && from > to) {
      throw new HttpError(400, `'from' (${from}) is after 'to' (${to})`);
    }
    const limit = readLimit(query.get("limit"));
    const before = query.get("before") ?? undefined;
    knownFactory(deps, factory);
    if (before !== undefined) alertOf(deps, factory, before);
    const page = deps.alerts.list({
      factory,
      states,
      severities,
      machine,
      from,
      to,
      limit,
      before,
    });
    return c.json({ factory, alerts: page.alerts, next: page.next });
  });

  app.get("/factories/:factory/alerts/:alertId", (c) => {
    return c.json(alertOf(deps, c.req.param("factory"), c.req.param("alertId")));
  });

  for (const verb of ["acknowledge", "clear", "shelve", "unshelve"] as const) {
    app.post(`/factories/:factory/alerts/:alertId/${verb}`, async (c) => {
      const alert = alertOf(deps, c.req.param("factory"), c.req.param("alertId"));
      const body = await readBody(c, verb, deps.clock.now());
      act(deps, alert, verb, body);
      return c.json(deps.alerts.get(alert.id));
    });
  }

  return app;
}

interface ActionBody extends OperatorAction {
  readonly until?: number;
}

function act(
  deps: Pick<AppDeps, "clock" | "alerts">,
  alert: Alert,
  verb: Verb,
  body: ActionBody,
): Alert {
  try {
    switch (verb) {
      case "acknowledge":
        return deps.alerts.acknowledge(alert.id, body);
      case "clear":
        return deps.alerts.clear(alert.id, body);
      case "shelve":
        return deps.alerts.shelve(alert.id, { ...body, until: body.until! });
      case "unshelve":
        return deps.alerts.unshelve(alert.id, body);
    }
  } catch (error) {
    if (error instanceof AlertActionError) {
      throw new HttpError(error.refusal === "not_found" ? 404 : 409, error.message, {
        cause: error,
      });
    }
    if (error instanceof RangeError) throw new HttpError(400, error.message, { cause: error });
    throw error;
  }
}

/** The alert `id` when it belongs to `factory`; 404 otherwise. */
function alertOf(
  deps: Pick<AppDeps, "alerts">,
  factory: string,
  id: string,
): AlertDetail {
  const alert = deps.alerts.get(id);
  if (alert === undefined || alert.factory !== factory) {
    throw new HttpError(404, `No alert '${id}' in factory '${factory}' is known`);
  }
  return alert;
}

function knownFactory(deps: Pick<AppDeps, "directory">, factory: string): void {
  if (!deps.directory.factories().includes(factory)) {
    throw new HttpError(404, `No factory '${factory}' is known`);
  }
}

/** Values of a repeatable, comma-separable parameter, each one of `allowed`. */
function listParam(query: URLSearchParams, name: string, allowed: readonly string[]): string[] {
  const values = query.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim())
    .filter((v) => v !== "");
  for (const value of values) {
    if (!allowed.includes(value)) {
      throw new HttpError(
        400,
        `'${name}' must be ${
          allowed.join(", ")
        } (several comma-separated): current value is '${value}'`,
      );
    }
  }
  return [...new Set(values)];
}

function optionalTime(name: string, value: string | null): number | undefined {
  return value === null || value === "" ? undefined : parseTimeParam(name, value, 0);
}

function readLimit(value: string | null): number {
  if (value === null) return DEFAULT_ALERT_LIMIT;
  const limit = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_ALERT_LIMIT)) {
    throw new HttpError(
      400,
      `'limit' must be an integer from 1 to ${MAX_ALERT_LIMIT}: current value is '${value}'`,
    );
  }
  return limit;
}

/** Reads and checks an action's JSON body (an empty body is `{}`). */
async function readBody(c: Context, verb: Verb, now: number): Promise<ActionBody> {
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, `The body is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The body must be a JSON object like {"by": "ana", "note": "…"}');
  }
  const { by, note, until, durationMs, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new HttpError(
      400,
      `Unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `'${k}'`).join(", ")}; ` +
        `${verb} takes by, note${verb === "shelve" ? ", until or durationMs" : ""}`,
    );
  }
  // The verified caller acts; `by` names someone only where no gate runs.
  const who = actorNameOf(c) ?? optionalText("by", by, MAX_BY_LENGTH) ?? DEFAULT_OPERATOR;
  const why = optionalText("note", note, MAX_NOTE_LENGTH);
  if (verb === "clear" && why === undefined) {
    throw new HttpError(
      400,
      "'note' is required to clear an alert by hand: say why (the rule still holds it until its clear condition does)",
    );
  }
  const action = { by: who, ...(why === undefined ? {} : { note: why }) };
  if (verb !== "shelve") {
    const extra = until !== undefined ? "until" : durationMs !== undefined ? "durationMs" : null;
    if (extra !== null) throw new HttpError(400, `'${extra}' applies only to shelve, not ${verb}`);
    return action;
  }
  if ((until === undefined) === (durationMs === undefined)) {
    throw new HttpError(
      400,
      "shelve needs exactly one of 'until' (epoch ms or ISO-8601) or 'durationMs'",
    );
  }
  return { ...action, until: shelveUntil(until, durationMs, now) };
}

/** A non-empty string of at most `max` characters, trimmed; undefined when absent. */
function optionalText(name: string, value: unknown, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new HttpError(
      400,
      `'${name}' must be a string: current value is ${JSON.stringify(value)}`,
    );
  }
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (trimmed.length > max) {
    throw new HttpError(
      400,
      `'${name}' must be at most ${max} characters: current value has ${trimmed.length}`,
    );
  }
  return trimmed;
}

/** When a shelve ends: `until` (epoch ms or ISO-8601, in the future) or `durationMs` from now. */
function shelveUntil(until: unknown, durationMs: unknown, now: number): number {
  if (durationMs !== undefined) {
    if (typeof durationMs !== "number" || !Number.isInteger(durationMs) || durationMs < 1) {
      throw new HttpError(
        400,
        `'durationMs' must be a positive integer: current value is ${JSON.stringify(durationMs)}`,
      );
    }
    return now + durationMs;
  }
  let at: number;
  if (typeof until === "number" && Number.isFinite(until)) {
    at = until;
  } else if (typeof until === "string") {
    at = parseTimeParam("until", until, now);
  } else {
    throw new HttpError(
      400,
      `'until' must be epoch ms or ISO-8601: current value is ${JSON.stringify(until)}`,
    );
  }
  if (at <= now) {
    throw new HttpError(
      400,
      `'until' must be in the future: current value is ${JSON.stringify(until)} (now is ${
        new Date(now).toISOString()
      })`,
    );
  }
  return at;
}
