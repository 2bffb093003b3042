import type { InfluxDB } from "@influxdata/influxdb-client";
import type { WriteRequest } from "./influx_writer.ts";

/** Where {@link influxWriteRequest} writes. */
export interface WriteTarget {
  readonly org: string;
  readonly bucket: string;
  /** Longest wait for an answer before the request counts as failed (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * A {@link WriteRequest} that POSTs line protocol (ns precision) to
 * `/api/v2/write` through the client's own HTTP transport (token, base URL
 * and the `HttpError` it raises for error answers, with the server's
 * message and headers). The client's `WriteApi` is not used: it buffers,
 * retries and drops lines on its own, in memory, which would fight the spool
 * that already does all of that durably.
 *
 * @example
 * ```ts
 * import { InfluxDB } from "@influxdata/influxdb-client";
 * declare const url: string, token: string;
 *
 * const influx = new InfluxDB({ url, token });
 * const send = influxWriteRequest(influx, { org: "acme", bucket: "telemetry" });
 * const line = "telemetry,factory=f,machine=m temp=21.5 1714564800000000000";
 * await send(line, new AbortController().signal);
 * ```
 */
export function influxWriteRequest(influx: InfluxDB, target: WriteTarget): WriteRequest {
  const path = `/api/v2/write?org=${encodeURIComponent(target.org)}&bucket=${
    encodeURIComponent(target.bucket)
  }&precision=ns`;
  const timeoutMs = target.timeoutMs ?? 30_000;
  return async function writeToInflux(body, signal) {
    await influx.transport.request(path, body, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=utf-8" },
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  };
}
