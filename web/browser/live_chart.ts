/**
 * A uPlot chart of one metric over a rolling window, fed by a
 * {@link SeriesWindow}. One uPlot instance per chart for the page's life:
 * changes only mark it dirty, and it redraws at most once per animation
 * frame, trimming points that left the window. Browser only.
 */
import uPlot from "uplot";
import type { ForecastEvent } from "../../engine/events.ts";
import { formatClock } from "./format.ts";
import type { SeriesWindow } from "./series_window.ts";

/** Options of {@link LiveChart}. */
export interface LiveChartOptions {
  /** Width of the rolling window in ms. */
  readonly windowMs: number;
  /** The current time (the window ends here), epoch ms. */
  readonly now: () => number;
  /** Plot height in CSS pixels. */
  readonly height: number;
  /** Called after each redraw with the flagged and total points in the window. */
  readonly onDraw?: (flagged: number, points: number) => void;
  /**
   * The metric's latest forecast: with it the chart keeps `aheadMs` of room
   * after now and draws the forecast's mean (dashed) and its interval as a
   * band there.
   */
  readonly forecast?: () => ForecastEvent | undefined;
  /** Room after now for the forecast; default a third of `windowMs`. */
  readonly aheadMs?: number;
}

/**
 * A live chart in `container`; colours come from the container's CSS custom
 * properties `--chart-line`, `--chart-anomaly`, `--chart-axis`, `--chart-grid`.
 *
 * @example
 * ```ts
 * import type { LiveMachine } from "./live_machine.ts";
 *
 * declare const div: HTMLElement;
 * declare const live: LiveMachine;
 * const chart = new LiveChart(div, live.series("temperature"), {
 *   windowMs: 300_000,
 *   now: Date.now,
 *   height: 160,
 * });
 * live.onSeriesChange(() => chart.invalidate());
 * chart.destroy();
 * ```
 */
export class LiveChart {
  readonly #container: HTMLElement;
  readonly #series: SeriesWindow;
  readonly #options: LiveChartOptions;
  readonly #plot: uPlot;
  readonly #resize: ResizeObserver;
  #windowEnd: number;
  #frame = 0;
  #resizePending = false;

  constructor(container: HTMLElement, series: SeriesWindow, options: LiveChartOptions) {
    this.#container = container;
    this.#series = series;
    this.#options = options;
    this.#windowEnd = options.now();
    const style = getComputedStyle(container);
    const color = (name: string, fallback: string) =>
      style.getPropertyValue(name).trim() || fallback;
    const axis = {
      stroke: color("--chart-axis", "#8b98a9"),
      grid: { stroke: color("--chart-grid", "rgba(139, 152, 169, 0.14)"), width: 1 },
      ticks: { stroke: color("--chart-grid", "rgba(139, 152, 169, 0.14)"), width: 1, size: 4 },
      font: "11px system-ui, sans-serif",
    };
    const anomaly = color("--chart-anomaly", "#ff5c5c");
    const ahead = options.forecast === undefined ? 0 : options.aheadMs ?? options.windowMs / 3;
    const forecastLine = color("--chart-forecast", "#c3a6ff");
    const forecastSeries: uPlot.Series[] = options.forecast === undefined ? [] : [
      { stroke: forecastLine, width: 1.5, dash: [6, 4], points: { show: false } },
      { stroke: "transparent", points: { show: false } },
      { stroke: "transparent", points: { show: false } },
    ];
    this.#plot = new uPlot(
      {
        width: this.#width(),
        height: options.height,
        ms: 1,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: {
            time: true,
            range: () => [this.#windowEnd - options.windowMs, this.#windowEnd + ahead],
          },
        },
        axes: [
          {
            ...axis,
            space: 50,
            size: 30,
            values: (_plot, ticks, _axis, _space, step) => formatTicks(ticks, step),
          },
          { ...axis, size: 52, space: 24 },
        ],
        series: [
          {},
          { stroke: color("--chart-line", "#4cc2ff"), width: 1.5, points: { show: false } },
          {
            // Flagged values only: no line, a red point each.
            stroke: anomaly,
            paths: () => null,
            points: { show: true, size: 7, width: 1, stroke: anomaly, fill: anomaly },
          },
          // Forecast ahead of now: mean, low, high (the band fills between the last two).
          ...forecastSeries,
        ],
        bands: options.forecast === undefined
          ? undefined
          : [{ series: [5, 4], fill: color("--chart-forecast-band", "rgba(195, 166, 255, 0.22)") }],
      },
      this.#trimmedColumns(),
      container,
    );
    this.#resize = new ResizeObserver(() => {
      this.#resizePending = true;
      this.invalidate();
    });
    this.#resize.observe(container);
    this.#options.onDraw?.(series.flaggedCount, series.length);
  }

  /** Schedules a redraw on the next animation frame (once, however often called). */
  invalidate(): void {
    if (this.#frame !== 0) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#draw();
    });
  }

  /** Stops drawing and frees the chart. */
  destroy(): void {
    if (this.#frame !== 0) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#resize.disconnect();
    this.#plot.destroy();
  }

  #draw(): void {
    if (this.#resizePending) {
      this.#resizePending = false;
      const width = this.#width();
      if (width !== this.#plot.width) {
        this.#plot.setSize({ width, height: this.#options.height });
      }
    }
    this.#plot.setData(this.#trimmedColumns());
    this.#options.onDraw?.(this.#series.flaggedCount, this.#series.length);
  }

  #trimmedColumns(): uPlot.AlignedData {
    // Points stamped slightly ahead of this page's clock still show.
    this.#windowEnd = Math.max(this.#options.now(), this.#series.lastTs ?? 0);
    this.#series.trimBefore(this.#windowEnd - this.#options.windowMs);
    const columns = this.#series.columns();
    if (this.#options.forecast === undefined) return columns;
    return withForecast(columns, this.#options.forecast());
  }

  #width(): number {
    return Math.max(200, Math.floor(this.#container.clientWidth));
  }
}

/**
 * The chart's columns with the forecast's points after the newest value
 * appended: null values there, and mean / low / high only there (the path
 * joins the newest value so the band starts at it).
 */
function withForecast(
  [ts, values, marks]: [number[], number[], Array<number | null>],
  forecast: ForecastEvent | undefined,
): uPlot.AlignedData {
  const n = ts.length, last = ts[n - 1] ?? -Infinity;
  const ahead = forecast?.horizon.filter((p) => p.ts > last) ?? [];
  const nulls = (k: number) => new Array<number | null>(k).fill(null);
  const join = n > 0 && ahead.length > 0 ? [values[n - 1]] : [];
  const head = nulls(Math.max(0, n - join.length));
  return [
    [...ts, ...ahead.map((p) => p.ts)],
    [...values, ...nulls(ahead.length)],
    [...marks, ...nulls(ahead.length)],
    [...head, ...join, ...ahead.map((p) => p.mean)],
    [...head, ...join, ...ahead.map((p) => p.low)],
    [...head, ...join, ...ahead.map((p) => p.high)],
  ];
}

/** Time-axis labels: `HH:MM`, or `HH:MM:SS` when ticks are under a minute apart. */
function formatTicks(ticks: number[], stepMs: number): string[] {
  return ticks.map((ts) => stepMs < 60_000 ? formatClock(ts) : formatClock(ts).slice(0, 5));
}
