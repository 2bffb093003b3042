/**
 * The history explorer's state — a time range and the metrics shown — and
 * how it is written in the page URL (so a view can be shared) and in the
 * history API's URLs. Pure functions, used on the server and in the browser.
 */

/** The fixed "last …" ranges of the range picker. */
export type RangePreset = "1h" | "6h" | "24h" | "7d" | "30d" | "90d";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every preset, in picker order, with its label and length. */
export const RANGE_PRESETS: ReadonlyArray<
  { readonly id: RangePreset; readonly label: string; readonly ms: number }
> = [
  { id: "1h", label: "1 h", ms: HOUR },
  { id: "6h", label: "6 h", ms: 6 * HOUR },
  { id: "24h", label: "24 h", ms: DAY },
  { id: "7d", label: "7 d", ms: 7 * DAY },
  { id: "30d", label: "30 d", ms: 30 * DAY },
  { id: "90d", label: "90 d", ms: 90 * DAY },
];

/** The range shown when the URL names none. */
export const DEFAULT_PRESET: RangePreset = "24h";

/** Metrics shown when the URL names none: the machine's first ones, up to this many. */
export const DEFAULT_METRIC_COUNT = 8;

/** A range relative to now ("last 24 h") or fixed (custom, or zoomed into). */
export type HistoryRange =
  | { readonly kind: "preset"; readonly preset: RangePreset }
  | { readonly kind: "custom"; readonly from: number; readonly to: number };

/** What the explorer shows. */
export interface ExplorerState {
  readonly range: HistoryRange;
  /** Metric names, in the machine's order. */
  readonly metrics: readonly string[];
}

/** A resolved range, inclusive epoch ms. */
export interface TimeSpan {
  readonly from: number;
  readonly to: number;
}

/**
 * Reads the explorer state from the page's query: `range=7d`, or `from` and
 * `to` (ISO-8601 or epoch ms), and `metric` (repeated or comma-separated).
 * Anything unreadable falls back to the default (last 24 h); metrics the
 * machine does not have are dropped.
 *
 * @example
 * ```ts
 * parseExplorerState(new URLSearchParams("range=7d&metric=temp"), ["temp", "rpm"]);
 * // { range: { kind: "preset", preset: "7d" }, metrics: ["temp"] }
 * ```
 */
export function parseExplorerState(
  params: URLSearchParams,
  available: readonly string[],
): ExplorerState {
  const asked = new Set(params.getAll("metric").flatMap((m) => m.split(",")));
  let metrics = available.filter((metric) => asked.has(metric));
  if (metrics.length === 0) metrics = available.slice(0, DEFAULT_METRIC_COUNT);
  const from = parseTime(params.get("from"));
  const to = parseTime(params.get("to"));
  if (from !== undefined && to !== undefined && from < to) {
    return { range: { kind: "custom", from, to }, metrics };
  }
  const preset = RANGE_PRESETS.find((p) => p.id === params.get("range"));
  return { range: { kind: "preset", preset: preset?.id ?? DEFAULT_PRESET }, metrics };
}

/**
 * The page query of `state`, e.g. `?range=7d&metric=temp&metric=rpm`, or
 * with ISO-8601 `from`/`to` for a custom range.
 */
export function explorerSearch(state: ExplorerState): string {
  const params = new URLSearchParams();
  if (state.range.kind === "preset") {
    params.set("range", state.range.preset);
  } else {
    params.set("from", new Date(state.range.from).toISOString());
    params.set("to", new Date(state.range.to).toISOString());
  }
  for (const metric of state.metrics) params.append("metric", metric);
  return `?${params}`;
}

/** The range as times: a preset ends at `now`. */
export function resolveRange(range: HistoryRange, now: number): TimeSpan {
  if (range.kind === "custom") return { from: range.from, to: range.to };
  const preset = RANGE_PRESETS.find((p) => p.id === range.preset)!;
  return { from: now - preset.ms, to: now };
}

/**
 * The range around the middle of `span`, `factor` times as long, not ending
 * after `now` (zooming out).
 */
export function widenSpan(span: TimeSpan, factor: number, now: number): TimeSpan {
  const half = ((span.to - span.from) * factor) / 2;
  const middle = (span.from + span.to) / 2;
  const to = Math.min(now, Math.round(middle + half));
  return { from: Math.round(to - 2 * half), to };
}

/** URL path of a machine's history explorer. */
export function machineHistoryPath(factory: string, machine: string): string {
  return `/factories/${encodeURIComponent(factory)}/machines/${
    encodeURIComponent(machine)
  }/history`;
}

/**
 * The history API request for the charts: `maxPoints` lets the server pick
 * a bucket width (and a min/max envelope) fitting the chart's pixels.
 *
 * @example
 * ```ts
 * historyApiUrl("demo", "press-01", { from: 0, to: 1 }, ["temp"], 900);
 * // "/api/v1/factories/demo/machines/press-01/history?from=0&to=1&maxPoints=900&metric=temp"
 * ```
 */
export function historyApiUrl(
  factory: string,
  machine: string,
  span: TimeSpan,
  metrics: readonly string[],
  maxPoints: number,
): string {
  const params = new URLSearchParams({
    from: String(Math.round(span.from)),
    to: String(Math.round(span.to)),
    maxPoints: String(Math.max(1, Math.round(maxPoints))),
  });
  for (const metric of metrics) params.append("metric", metric);
  return `${apiBase(factory, machine)}/history?${params}`;
}

/** The CSV export of the raw points of `metrics` in `span`. */
export function historyCsvUrl(
  factory: string,
  machine: string,
  span: TimeSpan,
  metrics: readonly string[],
): string {
  const params = new URLSearchParams({
    from: new Date(span.from).toISOString(),
    to: new Date(span.to).toISOString(),
  });
  for (const metric of metrics) params.append("metric", metric);
  return `${apiBase(factory, machine)}/history.csv?${params}`;
}

/** `2026-11-23T10:00` in local time, as `<input type="datetime-local">` shows it. */
export function toLocalInput(ts: number): string {
  const date = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${
    pad(date.getHours())
  }:${pad(date.getMinutes())}`;
}

/** Epoch ms of a `datetime-local` value (local time), or undefined when it is not one. */
export function fromLocalInput(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ts = new Date(value).getTime();
  return Number.isFinite(ts) ? ts : undefined;
}

function apiBase(factory: string, machine: string): string {
  return `/api/v1/factories/${encodeURIComponent(factory)}/machines/${encodeURIComponent(machine)}`;
}

function parseTime(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ts = Date.parse(value);
  return Number.isFinite(ts) ? ts : undefined;
}
