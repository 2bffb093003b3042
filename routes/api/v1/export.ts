import { Hono } from "hono";
import type { AppDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";
import { type HistoryParams, readHistoryParams } from "./_history_params.ts";
import { storedMachine } from "./_machine_ref.ts";
import { mergeByTime, type PagedRange, seriesPages } from "./_series_pages.ts";

/** Points read per store query while exporting. */
export const EXPORT_PAGE_SIZE = 10_000;

/** Text gathered before it is handed to the response stream. */
const CHUNK_CHARS = 64 * 1024;

const CSV_PARAMS = ["metric", "from", "to", "every", "agg", "layout"] as const;
const JSON_PARAMS = ["metric", "from", "to", "every", "agg"] as const;

/**
 * `GET /factories/{f}/machines/{m}/history.csv` and `…/history.json`: every
 * point of the range (or every bucket, with `every` and `agg`) as a file
 * download, streamed page by page ({@link EXPORT_PAGE_SIZE} points per store
 * query), so a year of 1 Hz data is exported without holding it in memory.
 *
 * CSV: `timestamp,metric,value` rows with ISO-8601 UTC timestamps in time
 * order; with `layout=wide`, `timestamp,<metric>,<metric>…` with one row per
 * timestamp and empty cells where a metric has no value.
 * JSON: `{factory, machine, from, to, every, agg, series: [{metric, points}]}`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", exportApi(deps));
 * // GET /api/v1/factories/demo/machines/press-01/history.csv?from=2026-11-01&layout=wide
 * ```
 */
export function exportApi(deps: Pick<AppDeps, "clock" | "directory" | "store">): Hono {
  const app = new Hono();
  app.get("/factories/:factory/machines/:machine/history.csv", async (c) => {
    const query = new URL(c.req.url).searchParams;
    const params = readExportParams(query, deps.clock.now(), CSV_PARAMS);
    const layout = query.get("layout") ?? "long";
    if (layout !== "long" && layout !== "wide") {
      throw new HttpError(400, `'layout' must be long or wide: current value is '${layout}'`);
    }
    const ref = await storedMachine(deps, c.req.param("factory"), c.req.param("machine"));
    const metrics = await metricsOf(deps, ref.factory, ref.machine, params.metrics);
    const range = pagedRange(ref, params);
    const lines = layout === "wide"
      ? wideCsv(mergeByTime(deps.store, metrics, range), metrics)
      : longCsv(mergeByTime(deps.store, metrics, range), metrics);
    return download(lines, "text/csv; charset=utf-8", fileName(range, "csv"));
  });

  app.get("/factories/:factory/machines/:machine/history.json", async (c) => {
    const params = readExportParams(
      new URL(c.req.url).searchParams,
      deps.clock.now(),
      JSON_PARAMS,
    );
    const ref = await storedMachine(deps, c.req.param("factory"), c.req.param("machine"));
    const metrics = await metricsOf(deps, ref.factory, ref.machine, params.metrics);
    const range = pagedRange(ref, params);
    return download(
      jsonDocument(deps, metrics, range),
      "application/json; charset=utf-8",
      fileName(range, "json"),
    );
  });
  return app;
}

function readExportParams(
  query: URLSearchParams,
  now: number,
  allowed: readonly string[],
): HistoryParams {
  const params = readHistoryParams(query, now, allowed);
  if (params.agg !== undefined && params.every === undefined) {
    throw new HttpError(400, "'agg' needs 'every' (the bucket width, e.g. every=1m)");
  }
  return params;
}

function pagedRange(ref: { factory: string; machine: string }, params: HistoryParams): PagedRange {
  return {
    ...ref,
    from: params.from,
    to: params.to,
    ...(params.every === undefined ? {} : { every: params.every, agg: params.agg ?? "mean" }),
    pageSize: EXPORT_PAGE_SIZE,
  };
}

async function metricsOf(
  deps: Pick<AppDeps, "store">,
  factory: string,
  machine: string,
  asked: readonly string[],
): Promise<readonly string[]> {
  if (asked.length > 0) return [...new Set(asked)];
  return (await deps.store.listSeries(factory, machine)).map((s) => s.metric);
}

async function* longCsv(
  rows: AsyncIterable<{ ts: number; values: ReadonlyArray<number | undefined> }>,
  metrics: readonly string[],
): AsyncGenerator<string> {
  yield "timestamp,metric,value\n";
  for await (const { ts, values } of rows) {
    const time = new Date(ts).toISOString();
    let text = "";
    for (let i = 0; i < metrics.length; i++) {
      if (values[i] !== undefined) text += `${time},${metrics[i]},${values[i]}\n`;
    }
    yield text;
  }
}

async function* wideCsv(
  rows: AsyncIterable<{ ts: number; values: ReadonlyArray<number | undefined> }>,
  metrics: readonly string[],
): AsyncGenerator<string> {
  yield `timestamp,${metrics.join(",")}\n`;
  for await (const { ts, values } of rows) {
    yield `${new Date(ts).toISOString()},${values.map((v) => v ?? "").join(",")}\n`;
  }
}

async function* jsonDocument(
  deps: Pick<AppDeps, "store">,
  metrics: readonly string[],
  range: PagedRange,
): AsyncGenerator<string> {
  const head = {
    factory: range.factory,
    machine: range.machine,
    from: range.from,
    to: range.to,
    every: range.every ?? null,
    agg: range.agg ?? null,
  };
  yield `${JSON.stringify(head).slice(0, -1)},"series":[`;
  for (let i = 0; i < metrics.length; i++) {
    yield `${i === 0 ? "" : ","}{"metric":${JSON.stringify(metrics[i])},"points":[`;
    let first = true;
    for await (const page of seriesPages(deps.store, metrics[i], range)) {
      const text = JSON.stringify(page).slice(1, -1);
      yield first ? text : `,${text}`;
      first = false;
    }
    yield "]}";
  }
  yield "]}\n";
}

/** A streamed download: pieces are gathered into chunks and encoded as the client reads. */
function download(pieces: AsyncGenerator<string>, type: string, name: string): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = "";
      try {
        while (chunk.length < CHUNK_CHARS) {
          const next = await pieces.next();
          if (next.done) {
            if (chunk !== "") controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += next.value;
        }
      } catch (error) {
        // Headers are gone already: the client sees a cut download; the log says why.
        console.error(`export ${name} failed mid-stream`, error);
        controller.error(error);
        return;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": type,
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
}

function fileName(range: PagedRange, extension: string): string {
  const stamp = (ts: number) => new Date(ts).toISOString().replace(/[-:]|\.\d{3}/g, "");
  return `${range.factory}_${range.machine}_${stamp(range.from)}_${stamp(range.to)}.${extension}`;
}
