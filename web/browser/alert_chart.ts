/**
 * A uPlot chart of one of a rule's metrics around its alert: the metric's
 * line over the span, the time the alert was open shaded in its severity's
 * colour, and a line where it was raised. Browser only.
 */
import uPlot from "uplot";
import { formatValue } from "./format.ts";
import type { HistoryColumns } from "./history_columns.ts";
import type { TimeSpan } from "./history_query.ts";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DATE_LINE = "\n{D} {MMM}";

/** 24-hour time-axis labels, the date on a second line where it changes (as the history charts). */
const TIME_LABELS: uPlot.Axis.Values = [
  [DAY, "{D} {MMM}", "\n{YYYY}", null, null, null, null, null, 1],
  [HOUR, "{HH}:{mm}", "\n{D} {MMM} {YYYY}", null, DATE_LINE, null, null, null, 1],
  [MINUTE, "{HH}:{mm}", "\n{D} {MMM} {YYYY}", null, DATE_LINE, null, null, null, 1],
  [SECOND, "{HH}:{mm}:{ss}", "\n{D} {MMM} {YYYY}", null, DATE_LINE, null, null, null, 1],
  [1, "{HH}:{mm}:{ss}.{fff}", "\n{D} {MMM} {YYYY}", null, DATE_LINE, null, null, null, 1],
];

/** The part of an alert's life the chart marks. */
export interface AlertWindow {
  readonly raisedAt: number;
  /** When it cleared; null while open (shaded to the right edge). */
  readonly clearedAt: number | null;
}

/**
 * The span charted for an alert at `now`: 30 min before it was raised, to
 * 15 min after it cleared (or now while it is open), never past now.
 *
 * @example
 * ```ts
 * alertChartSpan({ raisedAt: 3_600_000, clearedAt: 4_200_000 }, 10_000_000);
 * // { from: 1_800_000, to: 5_100_000 }
 * ```
 */
export function alertChartSpan(window: AlertWindow, now: number): TimeSpan {
  const from = window.raisedAt - 30 * MINUTE;
  const end = window.clearedAt ?? now;
  const to = Math.min(now, Math.max(end + 15 * MINUTE, window.raisedAt + 15 * MINUTE));
  return { from, to: Math.max(to, window.raisedAt + MINUTE) };
}

/** Options of {@link AlertChart}. */
export interface AlertChartOptions {
  readonly height: number;
  readonly label: string;
  readonly window: AlertWindow;
  readonly span: TimeSpan;
}

/**
 * @example
 * ```ts
 * import type { Alert } from "../../engine/alerts/alert.ts";
 * import { historyColumns, type HistorySeries } from "./history_columns.ts";
 *
 * declare const div: HTMLElement;
 * declare const alert: Alert;
 * declare const series: HistorySeries; // oil_temp over the span, from the history API
 * const span = alertChartSpan(alert, Date.now()); // an alert is an AlertWindow
 * const chart = new AlertChart(div, historyColumns(series), {
 *   height: 160,
 *   label: "oil_temp",
 *   window: alert,
 *   span,
 * });
 * chart.destroy();
 * ```
 */
export class AlertChart {
  readonly #plot: uPlot;
  readonly #resize: ResizeObserver;

  constructor(container: HTMLElement, columns: HistoryColumns, options: AlertChartOptions) {
    const style = getComputedStyle(container);
    const color = (name: string, fallback: string) =>
      style.getPropertyValue(name).trim() || fallback;
    const grid = color("--chart-grid", "rgba(139, 152, 169, 0.14)");
    const axis = {
      stroke: color("--chart-axis", "#8b98a9"),
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1, size: 4 },
      font: "11px system-ui, sans-serif",
    };
    const band = color("--alert-band", "rgba(240, 72, 62, 0.14)");
    const edge = color("--alert-edge", "#f0483e");
    const { window, span } = options;
    const width = () => Math.max(240, Math.floor(container.clientWidth));
    this.#plot = new uPlot(
      {
        width: width(),
        height: options.height,
        ms: 1,
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true, range: () => [span.from, span.to] } },
        axes: [
          { ...axis, space: 80, size: 44, values: TIME_LABELS },
          { ...axis, size: 56, space: 28, values: (_u, ticks) => ticks.map(formatValue) },
        ],
        series: [
          { label: "time", value: "{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}" },
          {
            label: options.label,
            stroke: color("--chart-line", "#4cc2ff"),
            width: 1.5,
            points: { show: false },
            value: (_u, v) => v === null ? "—" : formatValue(v),
          },
        ],
        hooks: {
          // Under the line: the open span shaded, the raise as a line.
          drawClear: [(u) => {
            const { ctx, bbox } = u;
            const left = Math.max(bbox.left, u.valToPos(window.raisedAt, "x", true));
            const right = window.clearedAt === null
              ? bbox.left + bbox.width
              : Math.min(bbox.left + bbox.width, u.valToPos(window.clearedAt, "x", true));
            ctx.save();
            if (right > left) {
              ctx.fillStyle = band;
              ctx.fillRect(left, bbox.top, right - left, bbox.height);
            }
            ctx.strokeStyle = edge;
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.beginPath();
            ctx.moveTo(left, bbox.top);
            ctx.lineTo(left, bbox.top + bbox.height);
            ctx.stroke();
            ctx.restore();
          }],
        },
      },
      [columns.ts, columns.values],
      container,
    );
    this.#resize = new ResizeObserver(() => {
      if (width() !== this.#plot.width) {
        this.#plot.setSize({ width: width(), height: options.height });
      }
    });
    this.#resize.observe(container);
  }

  destroy(): void {
    this.#resize.disconnect();
    this.#plot.destroy();
  }
}
