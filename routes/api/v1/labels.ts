import { Hono } from "hono";
import type { Alert } from "../../../engine/alerts/alert.ts";
import type { Clock } from "../../../engine/clock.ts";
import {
  FAULT_CLASSES,
  type FaultClass,
  LABEL_KINDS,
  type LabelKind,
  type OperatorLearning,
} from "../../../engine/learning/mod.ts";
import type { MachineDirectory } from "../../../engine/machine_view.ts";
import type { TimeSeriesStore } from "../../../engine/store/time_series_store.ts";
import type { MachineRef } from "../../../engine/telemetry.ts";
import { actorNameOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { parseTimeParam } from "../../../web/time_param.ts";
import {
  DEFAULT_ACTOR,
  idOf,
  objectBody,
  optionalText,
  positiveIntOf,
} from "./_learning_request.ts";

/** What {@link labelsApi} needs. */
export interface LabelsApiDeps {
  readonly learning: Pick<OperatorLearning, "types" | "labels" | "sensitivity" | "addLabel">;
  /** Alerts, to label one by id (its machine and raise time). */
  readonly alerts: {
    get(id: string): Pick<Alert, "factory" | "machine" | "raisedAt" | "values"> | undefined;
  };
  /** Machines known live or by their stored history. */
  readonly directory: Pick<MachineDirectory, "machine">;
  readonly store: Pick<TimeSeriesStore, "listSeries">;
  readonly clock: Clock;
}

/** Labels one request lists at most. */
export const MAX_LABELS = 1_000;
const MAX_NOTE = 2_000;
const MAX_BY = 100;
/** A label's event may lie this far ahead of the server's clock (device clocks drift). */
const FUTURE_SLACK_MS = 60_000;

const LABEL_FIELDS = ["machine", "ts", "metric", "alertId", "label", "faultClass", "note", "by"];
const LABEL_EXAMPLE =
  '{"machine": "press-01", "ts": 1795428000000, "metric": "oil_temp", "label": "false_alarm"}';

/**
 * Operators' labels, machine types and detector sensitivity:
 *
 * - `GET|PUT /factories/{f}/machines/{m}/type` — the machine's type (`{type}`), which
 *   picks its fault classifier; without a stored one, the type its id implies;
 * - `POST /factories/{f}/labels` — `{machine, ts, metric?, alertId?, label, faultClass?, note?}`
 *   (with `alertId`, machine and ts default to the alert's); stores the feature window
 *   around `ts` and adapts the metric's sensitivity; 201 `{label, sensitivity}`;
 * - `GET /factories/{f}/labels?machine=&type=&limit=` — newest first;
 * - `DELETE /factories/{f}/labels/{id}` — the label (a sensitivity change it caused stays,
 *   audited);
 * - `GET /factories/{f}/machines/{m}/sensitivity` — factors and their audit;
 * - `POST …/sensitivity/reset` — `{metric?, reason?}`: factors back to 1.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * import type { OperatorLearning } from "../../../engine/learning/mod.ts";
 * declare const api: Hono; // mounted at /api/v1
 * declare const learning: OperatorLearning;
 * declare const { alerts, directory, store, clock }: AppDeps;
 * api.route("/", labelsApi({ learning, alerts, directory, store, clock }));
 * ```
 */
export function labelsApi(deps: LabelsApiDeps): Hono {
  const { learning } = deps;
  const app = new Hono();
  const machinePath = "/factories/:factory/machines/:machine";

  app.get(`${machinePath}/type`, async (c) => {
    const ref = await knownMachine(deps, c.req.param("factory"), c.req.param("machine"));
    return c.json(learning.types.info(ref));
  });

  app.put(`${machinePath}/type`, async (c) => {
    const ref = await knownMachine(deps, c.req.param("factory"), c.req.param("machine"));
    const body = await objectBody(c.req.raw, ["type", "by"], '{"type": "press"}');
    const type = idOf("type", body.type);
    const by = actorNameOf(c) ?? optionalText("by", body.by, MAX_BY) ?? DEFAULT_ACTOR;
    return c.json(learning.types.set(ref, type, by));
  });

  app.post("/factories/:factory/labels", async (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    const body = await objectBody(c.req.raw, LABEL_FIELDS, LABEL_EXAMPLE);
    const alertId = optionalText("alertId", body.alertId, 200);
    const alert = alertId === undefined ? undefined : deps.alerts.get(alertId);
    if (alertId !== undefined && (alert === undefined || alert.factory !== factory)) {
      throw new HttpError(404, `Factory '${factory}' has no alert '${alertId}'`);
    }
    const machine = body.machine === undefined && alert !== undefined
      ? alert.machine
      : idOf("machine", body.machine);
    if (alert !== undefined && machine !== alert.machine) {
      throw new HttpError(
        400,
        `'machine' is '${machine}' but alert '${alertId}' is on '${alert.machine}'; leave 'machine' out`,
        { details: { field: "machine" } },
      );
    }
    const ref = await knownMachine(deps, factory, machine);
    const now = deps.clock.now();
    const ts = eventTime(body.ts, alert?.raisedAt, now);
    const metric = body.metric === undefined
      ? soleMetric(alert?.values)
      : idOf("metric", body.metric);
    const label = oneOf("label", body.label, LABEL_KINDS) as LabelKind;
    const faultClass = faultClassOf(label, body.faultClass);
    const note = optionalText("note", body.note, MAX_NOTE);
    const by = actorNameOf(c) ?? optionalText("by", body.by, MAX_BY) ?? DEFAULT_ACTOR;
    const outcome = await learning.addLabel({
      ...ref,
      ts,
      ...(metric === undefined ? {} : { metric }),
      ...(alertId === undefined ? {} : { alertId }),
      label,
      ...(faultClass === undefined ? {} : { faultClass }),
      ...(note === undefined ? {} : { note }),
      by,
    });
    return c.json(outcome, 201);
  });

  app.get("/factories/:factory/labels", (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    const query = new URL(c.req.url).searchParams;
    for (const name of query.keys()) {
      if (!["machine", "type", "limit"].includes(name)) {
        throw new HttpError(400, `Unknown parameter '${name}'; labels take machine, type, limit`);
      }
    }
    const machine = query.get("machine");
    const type = query.get("type");
    const limit = query.has("limit")
      ? positiveIntOf("limit", query.get("limit")!, MAX_LABELS)
      : MAX_LABELS;
    const labels = learning.labels.list(factory, {
      ...(machine === null ? {} : { machine: idOf("machine", machine) }),
      ...(type === null ? {} : { machineType: idOf("type", type) }),
      limit,
    });
    return c.json({ factory, labels });
  });

  app.delete("/factories/:factory/labels/:id", (c) => {
    const factory = idOf("factory", c.req.param("factory"));
    const id = positiveIntOf("id", c.req.param("id"), Number.MAX_SAFE_INTEGER);
    if (!learning.labels.delete(factory, id)) {
      throw new HttpError(404, `Factory '${factory}' has no label ${id}`);
    }
    return c.body(null, 204);
  });

  app.get(`${machinePath}/sensitivity`, async (c) => {
    const ref = await knownMachine(deps, c.req.param("factory"), c.req.param("machine"));
    return c.json({
      ...ref,
      factors: learning.sensitivity.factors(ref),
      audit: learning.sensitivity.audit(ref),
    });
  });

  app.post(`${machinePath}/sensitivity/reset`, async (c) => {
    const ref = await knownMachine(deps, c.req.param("factory"), c.req.param("machine"));
    const body = await objectBody(
      c.req.raw,
      ["metric", "reason", "by"],
      '{"reason": "sensor replaced"}',
    );
    const metric = body.metric === undefined ? undefined : idOf("metric", body.metric);
    const reason = optionalText("reason", body.reason, MAX_NOTE) ?? "reset by hand";
    const by = actorNameOf(c) ?? optionalText("by", body.by, MAX_BY) ?? DEFAULT_ACTOR;
    const changes = learning.sensitivity.reset(ref, by, reason, metric);
    return c.json({ ...ref, changes, factors: learning.sensitivity.factors(ref) });
  });

  return app;
}

async function knownMachine(
  deps: Pick<LabelsApiDeps, "directory" | "store">,
  factoryParam: string,
  machineParam: string,
): Promise<MachineRef> {
  const factory = idOf("factory", factoryParam);
  const machine = idOf("machine", machineParam);
  if (deps.directory.machine(factory, machine) !== undefined) return { factory, machine };
  if ((await deps.store.listSeries(factory, machine)).length > 0) return { factory, machine };
  throw new HttpError(404, `No machine '${machine}' in factory '${factory}' is known`);
}

function eventTime(value: unknown, alertTs: number | undefined, now: number): number {
  if (value === undefined && alertTs !== undefined) return alertTs;
  if (value === undefined) {
    throw new HttpError(400, "'ts' is required: the time of the anomaly (epoch ms or ISO-8601)", {
      details: { field: "ts" },
    });
  }
  const ts = typeof value === "number" && Number.isInteger(value)
    ? value
    : typeof value === "string"
    ? parseTimeParam("ts", value, now)
    : NaN;
  if (!Number.isFinite(ts)) {
    throw new HttpError(
      400,
      `'ts' must be epoch milliseconds or ISO-8601: current value is ${JSON.stringify(value)}`,
      { details: { field: "ts" } },
    );
  }
  if (ts > now + FUTURE_SLACK_MS) {
    throw new HttpError(
      400,
      `'ts' is in the future (${new Date(ts).toISOString()}); label events that happened`,
      { details: { field: "ts" } },
    );
  }
  return ts;
}

/** An alert on one metric labels that metric. */
function soleMetric(values: Readonly<Record<string, number>> | undefined): string | undefined {
  const metrics = Object.keys(values ?? {});
  return metrics.length === 1 ? metrics[0] : undefined;
}

function oneOf(name: string, value: unknown, allowed: readonly string[]): string {
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw new HttpError(
      400,
      `'${name}' must be one of ${allowed.join(", ")}: current value is ${JSON.stringify(value)}`,
      { details: { field: name } },
    );
  }
  return value;
}

function faultClassOf(label: LabelKind, value: unknown): FaultClass | undefined {
  if (label === "fault") return oneOf("faultClass", value, FAULT_CLASSES) as FaultClass;
  if (value !== undefined && value !== null) {
    throw new HttpError(
      400,
      `'faultClass' goes only with label 'fault': current label is '${label}'`,
      { details: { field: "faultClass" } },
    );
  }
  return undefined;
}
