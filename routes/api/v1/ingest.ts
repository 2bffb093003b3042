import { Hono } from "hono";
import { canWriteMachine } from "../../../engine/identity/principal.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import { optionalPrincipalOf } from "../../../web/auth_context.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";

const PRECISIONS = ["ns", "us", "ms", "s"] as const;

/**
 * `POST /ingest`: the MQTT JSON forms (with `factory` and `machine` in the
 * body or as query parameters) or InfluxDB line protocol (`Content-Type:
 * text/plain`, tags `factory` and `machine`, `?precision=ns|us|ms|s`).
 * Answers 200 with what went in and each point that did not and why; 422 when
 * nothing went in; 413 past the size bound. Points of machines the caller's
 * credential may not write are rejected as `forbidden`, the rest go in.
 */
export function ingestApi(
  deps: Pick<AppDeps, "ingest">,
  options: { maxBytes?: number } = {},
): Hono {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const app = new Hono();
  app.post("/ingest", async (c) => {
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > maxBytes) {
      throw new HttpError(413, `The body is ${declared} bytes; the limit is ${maxBytes}`);
    }
    const body = await c.req.text();
    const defaults: { factory?: string; machine?: string } = {};
    for (const name of ["factory", "machine"] as const) {
      const value = c.req.query(name);
      if (value === undefined) continue;
      if (!ID_PATTERN.test(value)) {
        throw new HttpError(
          400,
          `'${name}' must match ${ID_PATTERN.source}: current value is '${value}'`,
        );
      }
      defaults[name] = value;
    }
    const precision = c.req.query("precision");
    if (precision !== undefined && !PRECISIONS.includes(precision as typeof PRECISIONS[number])) {
      throw new HttpError(
        400,
        `'precision' must be one of ${PRECISIONS.join(", ")}: current value is '${precision}'`,
      );
    }
    const principal = optionalPrincipalOf(c);
    const report = deps.ingest({
      allows: principal === undefined ? undefined : (ref) => canWriteMachine(principal, ref),
      body,
      contentType: c.req.header("content-type") ?? "application/json",
      defaults,
      precision: precision as typeof PRECISIONS[number] | undefined,
    });
    if (report.rejected.some((r) => r.reason === "payload_too_large")) return c.json(report, 413);
    return c.json(report, report.accepted === 0 && report.rejected.length > 0 ? 422 : 200);
  });
  return app;
}
