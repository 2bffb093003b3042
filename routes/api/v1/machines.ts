import { Hono } from "hono";
import { ID_PATTERN, type MachineRef } from "../../../engine/telemetry.ts";
import type { Limits } from "../../../engine/metadata/threshold_table.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";

/**
 * `GET /factories/{f}/machines`, `GET …/machines/{m}`, `GET|PUT …/machines/{m}/thresholds`,
 * `POST …/machines/{m}/release` (lift a quarantine). History, latest values
 * and exports are in `history.ts`, `latest.ts` and `export.ts`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", machinesApi(deps));
 * ```
 */
export function machinesApi(deps: AppDeps): Hono {
  const app = new Hono();

  app.get("/factories/:factory/machines", (c) => {
    const factory = c.req.param("factory");
    const machines = deps.directory.machines(factory);
    if (machines.length === 0 && !deps.directory.factories().includes(factory)) {
      throw new HttpError(404, `No factory '${factory}' is known`);
    }
    return c.json({
      factory,
      machines: machines.map((m) => ({ ...m, actor: deps.actorState(m) })),
    });
  });

  app.get("/factories/:factory/machines/:machine", (c) => {
    const ref = machineOf(deps, c.req.param("factory"), c.req.param("machine"));
    const view = deps.directory.machine(ref.factory, ref.machine)!;
    return c.json({
      ...view,
      actor: deps.actorState(ref),
      thresholds: deps.thresholds.get(ref),
      window: deps.windowStats(ref) ?? null,
    });
  });

  app.post("/factories/:factory/machines/:machine/release", (c) => {
    const ref = machineOf(deps, c.req.param("factory"), c.req.param("machine"));
    if (!deps.release(ref)) {
      throw new HttpError(409, `Machine '${ref.machine}' is not quarantined`);
    }
    return c.json({ ...ref, released: true });
  });

  app.get("/factories/:factory/machines/:machine/thresholds", (c) => {
    const ref = machineOf(deps, c.req.param("factory"), c.req.param("machine"));
    return c.json(deps.thresholds.get(ref));
  });

  app.put("/factories/:factory/machines/:machine/thresholds", async (c) => {
    const ref = machineOf(deps, c.req.param("factory"), c.req.param("machine"));
    const body = await c.req.json().catch((error) => {
      throw new HttpError(400, "The body is not JSON", { cause: error });
    });
    const table = parseThresholds(body);
    deps.thresholds.set(ref, table);
    return c.json(table);
  });

  return app;
}

function machineOf(deps: AppDeps, factory: string, machine: string): MachineRef {
  if (deps.directory.machine(factory, machine) === undefined) {
    throw new HttpError(404, `No machine '${machine}' in factory '${factory}' is known`);
  }
  return { factory, machine };
}

function parseThresholds(body: unknown): Record<string, Limits> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'Thresholds must be an object like {"temp": {"low": 5, "high": 80}}');
  }
  const table: Record<string, Limits> = {};
  for (const [metric, limits] of Object.entries(body)) {
    if (!ID_PATTERN.test(metric)) {
      throw new HttpError(400, `Metric name '${metric}' must match ${ID_PATTERN.source}`);
    }
    if (typeof limits !== "object" || limits === null) {
      throw new HttpError(
        400,
        `Thresholds of '${metric}' must be an object with 'low' and/or 'high'`,
      );
    }
    const { low, high, ...rest } = limits as Record<string, unknown>;
    if (Object.keys(rest).length > 0) {
      throw new HttpError(
        400,
        `Thresholds of '${metric}' have unknown fields: ${Object.keys(rest).join(", ")}`,
      );
    }
    for (const [name, value] of [["low", low], ["high", high]] as const) {
      if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value))) {
        throw new HttpError(
          400,
          `'${metric}.${name}' must be a finite number: current value is ${JSON.stringify(value)}`,
        );
      }
    }
    if (typeof low === "number" && typeof high === "number" && low > high) {
      throw new HttpError(400, `'${metric}.low' (${low}) is above '${metric}.high' (${high})`);
    }
    table[metric] = {
      ...(low === undefined ? {} : { low: low as number }),
      ...(high === undefined ? {} : { high: high as number }),
    };
  }
  return table;
}
