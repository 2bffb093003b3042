/**
 * A uPlot chart of one amplitude spectrum (frequency on x, m/s² on y) with
 * its labelled peaks marked and named ("1× shaft", "BPFO"…). One uPlot
 * instance for the island's life; {@link SpectrumPlot.show} swaps the data.
 * Browser only.
 */
import uPlot from "uplot";
import type { ChartPeak } from "./spectrum_data.ts";

/**
 * A spectrum chart in `container`; colours come from the container's CSS
 * custom properties `--chart-line`, `--chart-anomaly`, `--chart-axis`,
 * `--chart-grid`, like the live charts.
 *
 * @example
 * ```ts
 * import type { ChartSpectrum } from "./spectrum_data.ts";
 *
 * declare const div: HTMLElement;
 * declare const spectrum: ChartSpectrum; // from readSpectrum
 * const plot = new SpectrumPlot(div, 220);
 * plot.show(spectrum.frequencies, spectrum.magnitudes, spectrum.peaks);
 * plot.destroy();
 * ```
 */
export class SpectrumPlot {
  readonly #container: HTMLElement;
  readonly #height: number;
  readonly #plot: uPlot;
  readonly #resize: ResizeObserver;
  #peaks: readonly ChartPeak[] = [];

  constructor(container: HTMLElement, height: number) {
    this.#container = container;
    this.#height = height;
    const style = getComputedStyle(container);
    const color = (name: string, fallback: string) =>
      style.getPropertyValue(name).trim() || fallback;
    const axisColor = color("--chart-axis", "#8b98a9");
    const grid = color("--chart-grid", "rgba(139, 152, 169, 0.14)");
    const axis = {
      stroke: axisColor,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1, size: 4 },
      font: "11px system-ui, sans-serif",
    };
    const marker = color("--chart-anomaly", "#ff5c5c");
    this.#plot = new uPlot(
      {
        width: this.#width(),
        height,
        legend: { show: false },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false } },
        axes: [
          { ...axis, size: 30, values: (_u, ticks) => ticks.map((hz) => `${hz} Hz`) },
          { ...axis, size: 52, space: 24 },
        ],
        series: [
          {},
          { stroke: color("--chart-line", "#4cc2ff"), width: 1, points: { show: false } },
        ],
        hooks: {
          draw: [(u) => this.#drawPeaks(u, marker, axisColor)],
        },
      },
      [[], []],
      container,
    );
    this.#resize = new ResizeObserver(() => {
      const width = this.#width();
      if (width !== this.#plot.width) this.#plot.setSize({ width, height: this.#height });
    });
    this.#resize.observe(container);
  }

  /** Draws a new spectrum and its peaks. */
  show(
    frequencies: readonly number[],
    magnitudes: readonly number[],
    peaks: readonly ChartPeak[],
  ): void {
    this.#peaks = peaks;
    this.#plot.setData([frequencies as number[], magnitudes as number[]]);
  }

  /** Frees the chart. */
  destroy(): void {
    this.#resize.disconnect();
    this.#plot.destroy();
  }

  #drawPeaks(u: uPlot, marker: string, text: string): void {
    const ctx = u.ctx;
    const ratio = globalThis.devicePixelRatio ?? 1;
    ctx.save();
    ctx.font = `${Math.round(11 * ratio)}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    for (const peak of this.#peaks) {
      if (peak.label === undefined) continue;
      const x = u.valToPos(peak.hz, "x", true);
      const y = u.valToPos(peak.amplitude, "y", true);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      ctx.fillStyle = marker;
      ctx.beginPath();
      ctx.arc(x, y, 3.5 * ratio, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = text;
      ctx.fillText(peak.label, x, Math.max(y - 7 * ratio, 12 * ratio));
    }
    ctx.restore();
  }

  #width(): number {
    return Math.max(200, Math.floor(this.#container.clientWidth));
  }
}
