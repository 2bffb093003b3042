import { Hono } from "hono";
import type { MachineRef } from "../../../engine/telemetry.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import {
  AXIS_PATTERN,
  bearingFrequencies,
  DEFAULT_VIBRATION_CONFIG,
  readVibrationConfig,
  type SpectrumCache,
  type VibrationConfig,
  VibrationConfigError,
  type VibrationConfigTable,
} from "../../../engine/vibration/mod.ts";
import { HttpError } from "../../../web/http_error.ts";

/** What the vibration routes read and change. */
export interface VibrationDeps {
  /** Latest spectrum per machine and axis. */
  readonly spectra: Pick<SpectrumCache, "get" | "axes">;
  /** Per-machine configuration; a change applies to the next waveform. */
  readonly vibrationConfig: Pick<VibrationConfigTable, "get" | "set">;
}

/**
 * Vibration of a machine:
 *
 * - `GET /factories/{f}/machines/{m}/spectrum?axis=` — the latest spectrum
 *   of the axis (default: the newest of any axis): `{ts, axis, sampleRateHz,
 *   binHz, frequencies, magnitudes (≤ 2,048 points, peaks kept), peaks
 *   [{hz, amplitude, label?}], features, isoZone, axes}`; 404 before the
 *   first waveform.
 * - `GET|PUT /factories/{f}/machines/{m}/vibration` — the configuration (ISO
 *   group, foundation, shaft speed, bearing geometry, bands); GET of a
 *   machine never configured answers the defaults with `configured: false`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { SpectrumCache, VibrationConfigTable } from "../../../engine/vibration/mod.ts";
 * declare const app: Hono;
 * declare const cache: SpectrumCache;
 * declare const table: VibrationConfigTable;
 * app.route("/api/v1", vibrationApi({ spectra: cache, vibrationConfig: table }));
 * ```
 */
export function vibrationApi(deps: VibrationDeps): Hono {
  const app = new Hono();
  const base = "/factories/:factory/machines/:machine";

  app.get(`${base}/spectrum`, (c) => {
    const ref = refOf(c.req.param("factory"), c.req.param("machine"));
    const axis = c.req.query("axis");
    if (axis !== undefined && !AXIS_PATTERN.test(axis)) {
      throw new HttpError(
        400,
        `'axis' must match ${AXIS_PATTERN.source.slice(1, -1)}: current value is ${
          JSON.stringify(axis.slice(0, 40))
        }`,
        { details: { field: "axis" } },
      );
    }
    const snapshot = deps.spectra.get(ref, axis === "" ? undefined : axis);
    if (snapshot === undefined) {
      const axes = deps.spectra.axes(ref);
      throw new HttpError(
        404,
        axis === undefined || axis === "" || axes.length === 0
          ? `No spectrum of '${ref.machine}' in factory '${ref.factory}' yet: it has published no waveform since the engine started`
          : `No spectrum of axis '${axis}' of '${ref.machine}'; axes with a spectrum: ${
            axes.join(", ")
          }`,
      );
    }
    return c.json({ ...snapshot, axes: deps.spectra.axes(ref) });
  });

  app.get(`${base}/vibration`, (c) => {
    const ref = refOf(c.req.param("factory"), c.req.param("machine"));
    return c.json(configView(ref, deps.vibrationConfig.get(ref)));
  });

  app.put(`${base}/vibration`, async (c) => {
    const ref = refOf(c.req.param("factory"), c.req.param("machine"));
    let body: unknown;
    try {
      body = await c.req.raw.json();
    } catch (error) {
      throw new HttpError(400, "The body is not JSON", { cause: error });
    }
    let config: VibrationConfig;
    try {
      config = readVibrationConfig(body);
    } catch (error) {
      if (!(error instanceof VibrationConfigError)) throw error;
      throw new HttpError(400, error.message, { cause: error, details: { field: error.field } });
    }
    return c.json(configView(ref, deps.vibrationConfig.set(ref, config)));
  });

  return app;
}

function configView(
  ref: MachineRef,
  stored: { config: VibrationConfig; updatedAt: number } | undefined,
) {
  const config = stored?.config ?? DEFAULT_VIBRATION_CONFIG;
  const shaft = config.shaft;
  const fixedHz = shaft !== undefined && "hz" in shaft ? shaft.hz : undefined;
  return {
    ...ref,
    configured: stored !== undefined,
    updatedAt: stored?.updatedAt ?? null,
    config,
    // Known only when the speed is fixed; with a speed metric they follow it per waveform.
    bearingFrequencies: config.bearing !== undefined && fixedHz !== undefined
      ? bearingFrequencies(config.bearing, fixedHz)
      : null,
  };
}

function refOf(factory: string, machine: string): MachineRef {
  for (const [what, id] of [["factory", factory], ["machine", machine]]) {
    if (!ID_PATTERN.test(id)) {
      throw new HttpError(
        400,
        `The ${what} id must match [A-Za-z0-9_.-]{1,64}: current value is ${
          JSON.stringify(id.slice(0, 80))
        }`,
        { details: { field: what } },
      );
    }
  }
  return { factory, machine };
}
