import type { NotificationSeries } from "./alert_notification.ts";
import { encodeRgbPng } from "./_png.ts";

/** Size of the chart image. */
export interface SparklineSize {
  readonly width?: number;
  readonly height?: number;
}

type Rgb = readonly [number, number, number];
const BACKGROUND: Rgb = [255, 255, 255];
const LINE: Rgb = [31, 111, 235];
const THRESHOLD: Rgb = [209, 36, 47];
const PADDING = 4;

/**
 * Draws a series as a small PNG line chart (the threshold, if any, as a dashed
 * red line; the last sample as a dot), for e-mail clients, which show inline
 * PNG but often not SVG. Pure TypeScript: no browser or canvas needed.
 * Returns undefined when the series has fewer than two finite samples.
 *
 * @example
 * ```ts
 * const png = renderSparklinePng({
 *   metric: "oil_temp",
 *   points: [{ ts: 0, value: 70 }, { ts: 1, value: 82 }],
 * });
 * ```
 */
export function renderSparklinePng(
  series: NotificationSeries,
  size: SparklineSize = {},
): Uint8Array | undefined {
  const width = size.width ?? 300;
  const height = size.height ?? 80;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16) {
    throw new RangeError(
      `Cannot draw sparkline: 'width' and 'height' must be integers >= 16: current values are ${width} and ${height}`,
    );
  }
  const points = series.points.filter((p) => Number.isFinite(p.ts) && Number.isFinite(p.value));
  if (points.length < 2) return undefined;
  const values = points.map((p) => p.value);
  if (series.threshold !== undefined && Number.isFinite(series.threshold)) {
    values.push(series.threshold);
  }
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high === low) [low, high] = [low - 1, high + 1];
  const t0 = points[0].ts;
  const span = Math.max(1, points[points.length - 1].ts - t0);
  const x = (ts: number) => PADDING + ((ts - t0) / span) * (width - 1 - 2 * PADDING);
  const y = (v: number) => PADDING + ((high - v) / (high - low)) * (height - 1 - 2 * PADDING);

  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(BACKGROUND, i * 3);
  const plot = (px: number, py: number, colour: Rgb, radius: number) => {
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        if (dx * dx + dy * dy > radius * radius + radius) continue;
        const cx = Math.round(px) + dx;
        const cy = Math.round(py) + dy;
        if (cx >= 0 && cx < width && cy >= 0 && cy < height) {
          pixels.set(colour, (cy * width + cx) * 3);
        }
      }
    }
  };
  if (series.threshold !== undefined && Number.isFinite(series.threshold)) {
    const ty = y(series.threshold);
    for (let px = 0; px < width; px++) if (px % 8 < 5) plot(px, ty, THRESHOLD, 0);
  }
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = [x(points[i - 1].ts), y(points[i - 1].value)];
    const [x1, y1] = [x(points[i].ts), y(points[i].value)];
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2));
    for (let s = 0; s <= steps; s++) {
      plot(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, LINE, 1);
    }
  }
  const last = points[points.length - 1];
  plot(x(last.ts), y(last.value), LINE, 3);
  return encodeRgbPng(width, height, pixels);
}
