import type { VNode } from "preact";

/** Props of {@link Sparkline}. */
export interface SparklineProps {
  /** Values, oldest first. */
  readonly values: readonly number[];
  /** Marks the newest point as anomalous. */
  readonly anomalous?: boolean;
}

const WIDTH = 100;
const HEIGHT = 24;
const PAD = 2;

/**
 * A tiny inline-SVG trend line of recent values (no axes), scaled to its
 * own min–max; the newest point is a dot, red when anomalous. Colours come
 * from CSS (`.spark`), so it renders identically on server and browser.
 *
 * @example
 * ```tsx
 * <Sparkline values={[3, 4, 3.5, 5]} anomalous={false} />
 * ```
 */
export function Sparkline({ values, anomalous = false }: SparklineProps): VNode {
  const points = sparkPoints(values);
  const last = points.at(-1);
  return (
    <svg
      class={anomalous ? "spark spark--anomalous" : "spark"}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      {points.length > 1 && <polyline points={points.map(([x, y]) => `${x},${y}`).join(" ")} />}
      {last !== undefined && <circle cx={last[0]} cy={last[1]} r="1.8" />}
    </svg>
  );
}

/** SVG coordinates (one decimal) of `values` spread over the sparkline's box. */
export function sparkPoints(values: readonly number[]): Array<[number, number]> {
  if (values.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const span = max - min;
  const step = values.length > 1 ? (WIDTH - 2 * PAD) / (values.length - 1) : 0;
  return values.map((value, i) => {
    const x = values.length > 1 ? PAD + i * step : WIDTH - PAD;
    const y = span === 0 ? HEIGHT / 2 : HEIGHT - PAD - ((value - min) / span) * (HEIGHT - 2 * PAD);
    return [round1(x), round1(y)];
  });
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
