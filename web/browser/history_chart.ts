/**
 * A uPlot chart of one metric's history over a fixed range: the line of
 * values, the min–max band of each bucket when the answer was aggregated,
 * a cursor shared with the page's other history charts, and drag-to-zoom
 * that hands the selected time span to the page (which refetches it at a
 * finer resolution) instead of stretching the coarse points. Browser only.
 */
import uPlot from "uplot";
import { formatValue } from "./format.ts";
import type { HistoryColumns } from "./history_columns.ts";
import type { TimeSpan } from "./history_query.ts";

/** Options of {@link HistoryChart}. */
export interface HistoryChartOptions {
  /** Plot height in CSS pixels. */
  readonly height: number;
  /** Charts with the same key share the cursor. */
  readonly syncKey: string;
  /** Called with the span the user selected by dragging across the chart. */
  readonly onZoom: (span: TimeSpan) => void;
  /** Series label in the legend (the metric). */
  readonly label: string;
}

// Narrower drags are clicks, not a zoom.
const MIN_DRAG_PX = 4;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DATE_LINE = "\n{D} {MMM}";
const YEAR_LINE = "\n{D} {MMM} {YYYY}";

/**
 * Time-axis labels in 24-hour time (uPlot's defaults are US 12-hour):
 * [smallest tick step, label, label when the year, month, day, hour, minute
 * or second rolls over, 1 = append]. A second line carries the date where it
 * changes.
 */
const TIME_LABELS: uPlot.Axis.Values = [
  [365 * DAY, "{YYYY}", null, null, null, null, null, null, 1],
  [28 * DAY, "{MMM}", "\n{YYYY}", null, null, null, null, null, 1],
  [DAY, "{D} {MMM}", "\n{YYYY}", null, null, null, null, null, 1],
  [HOUR, "{HH}:{mm}", YEAR_LINE, null, DATE_LINE, null, null, null, 1],
  [MINUTE, "{HH}:{mm}", YEAR_LINE, null, DATE_LINE, null, null, null, 1],
  [SECOND, "{HH}:{mm}:{ss}", YEAR_LINE, null, DATE_LINE, null, null, null, 1],
  [1, "{HH}:{mm}:{ss}.{fff}", YEAR_LINE, null, DATE_LINE, null, null, null, 1],
];

/**
 * A history chart in `container`; colours come from the container's CSS
 * custom properties `--chart-line`, `--chart-band`, `--chart-axis`,
 * `--chart-grid`.
 *
 * @example
 * ```ts
 * import { historyColumns } from "./history_columns.ts";
 * import type { HistoryAnswer } from "./history_fetch.ts";
 * import type { TimeSpan } from "./history_query.ts";
 *
 * declare const div: HTMLElement;
 * declare const answer: HistoryAnswer; // of the metric "temp"
 * declare function onZoom(span: TimeSpan): void; // fetches the span at a finer resolution
 * const chart = new HistoryChart(div, { height: 180, syncKey: "history", label: "temp", onZoom });
 * const { series: [series], every, from, to } = answer;
 * chart.show(historyColumns(series, every), { from, to });
 * chart.destroy();
 * ```
 */
export class HistoryChart {
  readonly #container: HTMLElement;
  readonly #options: HistoryChartOptions;
  readonly #resize: ResizeObserver;
  #plot: uPlot | undefined;
  #banded = false;
  #span: TimeSpan = { from: 0, to: 1 };

  constructor(container: HTMLElement, options: HistoryChartOptions) {
    this.#container = container;
    this.#options = options;
    this.#resize = new ResizeObserver(() => {
      const width = this.#width();
      if (this.#plot !== undefined && width !== this.#plot.width) {
        this.#plot.setSize({ width, height: options.height });
      }
    });
    this.#resize.observe(container);
  }

  /** Draws `columns` over `span` (the x axis covers the whole span, data or not). */
  show(columns: HistoryColumns, span: TimeSpan): void {
    const banded = columns.min !== undefined;
    const data: uPlot.AlignedData = banded
      ? [columns.ts, columns.values, columns.min!, columns.max!]
      : [columns.ts, columns.values];
    this.#span = span;
    if (this.#plot === undefined || banded !== this.#banded) {
      this.#plot?.destroy();
      this.#banded = banded;
      this.#plot = new uPlot(this.#config(banded), data, this.#container);
    } else {
      // Resetting the scales asks the x range function, which answers the new span.
      this.#plot.setData(data, true);
    }
  }

  /** Frees the chart. */
  destroy(): void {
    this.#resize.disconnect();
    this.#plot?.destroy();
    this.#plot = undefined;
  }

  #config(banded: boolean): uPlot.Options {
    const style = getComputedStyle(this.#container);
    const color = (name: string, fallback: string) =>
      style.getPropertyValue(name).trim() || fallback;
    const grid = color("--chart-grid", "rgba(139, 152, 169, 0.14)");
    const axis = {
      stroke: color("--chart-axis", "#8b98a9"),
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1, size: 4 },
      font: "11px system-ui, sans-serif",
    };
    const line = color("--chart-line", "#4cc2ff");
    const edge = color("--chart-band-edge", "rgba(76, 194, 255, 0.35)");
    const series: uPlot.Series[] = [
      { label: "time", value: "{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}" },
      {
        label: this.#options.label,
        stroke: line,
        width: 1.5,
        points: { show: false },
        value: (_u, v) => v === null ? "—" : formatValue(v),
      },
    ];
    if (banded) {
      for (const label of ["min", "max"]) {
        series.push({
          label,
          stroke: edge,
          width: 1,
          points: { show: false },
          value: (_u, v) => v === null ? "—" : formatValue(v),
        });
      }
    }
    const onZoom = this.#options.onZoom;
    return {
      width: this.#width(),
      height: this.#options.height,
      ms: 1,
      legend: { show: true, live: true },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        sync: { key: this.#options.syncKey, setSeries: false },
      },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      // The x axis covers the span asked for, whatever part of it has data.
      scales: { x: { time: true, range: () => [this.#span.from, this.#span.to] } },
      axes: [
        { ...axis, space: 80, size: 44, values: TIME_LABELS },
        {
          ...axis,
          size: 56,
          space: 28,
          values: (_u, ticks) => ticks.map((tick) => formatValue(tick)),
        },
      ],
      series,
      bands: banded
        ? [{ series: [3, 2], fill: color("--chart-band", "rgba(76, 194, 255, 0.18)") }]
        : [],
      hooks: {
        setSelect: [
          (u) => {
            const { left, width } = u.select;
            if (width >= MIN_DRAG_PX) {
              const from = Math.round(u.posToVal(left, "x"));
              const to = Math.round(u.posToVal(left + width, "x"));
              if (to > from) onZoom({ from, to });
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
  }

  #width(): number {
    return Math.max(240, Math.floor(this.#container.clientWidth));
  }
}
