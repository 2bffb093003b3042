/**
 * Forecast benchmark: backtests the per-metric forecaster (engine/forecast)
 * as the machine actors run it and reports its error as MASE — mean
 * absolute h-step error over the in-sample MAE of the naive one-step
 * forecast on the same resampled series — at a few horizons, the empirical
 * coverage of the 80 % interval, the cost per point, and the machine
 * handler's cost per message with forecasts on and off.
 *
 * Series: every gauge of one simulated press, CNC machine and fermenter
 * (simulator/, 1 Hz, 8 h, seeded) and a handful of NAB series.
 *
 *   deno task bench:forecast            # print the tables
 *   deno task bench:forecast --write    # and replace the forecast section of BENCHMARKS.md
 *   deno task bench:forecast --quick    # 2 h of simulator data, fewer NAB files
 *
 * @module
 */

import { handleMachineMessage } from "../actors/machine/machine_handler.ts";
import { DEFAULT_MACHINE_OPTIONS, newMachineState } from "../actors/machine/machine_state.ts";
import {
  DEFAULT_HOLT_CANDIDATES,
  type ForecasterOptions,
  MetricForecaster,
  StepResampler,
} from "../engine/forecast/mod.ts";
import { cncProfile, fermenterProfile, pressProfile } from "../simulator/machine_profiles.ts";
import { TelemetryGenerator } from "../simulator/telemetry_generator.ts";

const args = new Set(Deno.args);
const QUICK = args.has("--quick");
const WRITE = args.has("--write");
const NAB_DIR = new URL("../../shared/data/nab/data/", import.meta.url);
const MINUTE = 60_000;

interface Series {
  readonly name: string;
  readonly ts: number[];
  readonly values: number[];
  /** Forecast horizon used for this series (the production default is 30 min). */
  readonly horizonMs: number;
}

interface Config {
  readonly name: string;
  readonly options: Partial<ForecasterOptions>;
}

const UNDAMPED = DEFAULT_HOLT_CANDIDATES.filter((c) => c.phi !== 0.95).map((c) => ({
  ...c,
  phi: 1,
}));
const DAMPED = DEFAULT_HOLT_CANDIDATES.filter((c) => c.phi !== 1).map((c) => ({ ...c, phi: 0.95 }));

const CONFIGS: readonly Config[] = [
  { name: "default: (α, β, φ) grid ranked ½ H ahead, seasonal", options: {} },
  { name: "grid without damping (φ = 1)", options: { candidates: UNDAMPED } },
  { name: "grid, all damped (φ = 0.95)", options: { candidates: DAMPED } },
  { name: "grid ranked one step ahead", options: { selectAhead: false } },
  {
    name: "fixed α=0.2 β=0.05 φ=1 (no grid)",
    options: { candidates: [{ alpha: 0.2, beta: 0.05 }] },
  },
  { name: "no seasonality", options: { seasonal: false } },
];

/** Horizons reported, as fractions of the series' horizon in steps (1 step first). */
const HORIZON_FRACTIONS = [0, 1 / 8, 1 / 2, 1];

function simulatorSeries(hours: number): Series[] {
  const start = Date.UTC(2026, 0, 5, 6);
  const out: Series[] = [];
  for (
    const [label, profile, seed] of [
      ["press", pressProfile, 11],
      ["cnc", cncProfile, 12],
      ["fermenter", fermenterProfile, 13],
    ] as const
  ) {
    const generator = new TelemetryGenerator(profile, seed);
    const byMetric = new Map<string, { ts: number[]; values: number[] }>();
    for (let s = 0; s < hours * 3_600; s++) {
      const ts = start + s * 1_000;
      for (const [metric, value] of Object.entries(generator.next(ts))) {
        if (typeof value !== "number") continue;
        let series = byMetric.get(metric);
        if (series === undefined) byMetric.set(metric, series = { ts: [], values: [] });
        series.ts.push(ts);
        series.values.push(value);
      }
    }
    for (const [metric, s] of byMetric) {
      // Counters only grow: a trend the forecaster follows trivially; keep the gauges.
      if (s.values.at(-1)! > s.values[0] && isMonotone(s.values)) continue;
      out.push({ name: `sim ${label}.${metric}`, ...s, horizonMs: 30 * MINUTE });
    }
  }
  return out;
}

function isMonotone(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1]) return false;
  return true;
}

async function nabSeries(files: readonly string[]): Promise<Series[]> {
  const out: Series[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, NAB_DIR));
    const ts: number[] = [], values: number[] = [];
    for (const line of text.split("\n").slice(1)) {
      if (line.trim() === "") continue;
      const [when, value] = line.split(",");
      ts.push(Date.parse(`${when.replace(" ", "T")}Z`));
      values.push(Number(value));
    }
    // NAB samples every 5 min (nyc_taxi 30 min): forecast 24 steps ahead.
    const gaps = ts.slice(1).map((t, i) => t - ts[i]).sort((a, b) => a - b);
    const gap = gaps[gaps.length >> 1];
    out.push({
      name: `NAB ${file.split("/")[1].replace(".csv", "")}`,
      ts,
      values,
      horizonMs: 24 * gap,
    });
  }
  return out;
}

interface Score {
  /** MASE per reported horizon (steps). */
  readonly mase: Map<number, number>;
  readonly naive: Map<number, number>;
  /** Share of actual values inside [low, high] per horizon. */
  readonly coverage: Map<number, number>;
  readonly step: number;
  readonly period: number | null;
  readonly seconds: number;
  readonly points: number;
  /** JSON characters of the forecaster's snapshot at the end of the series. */
  readonly snapshotChars: number;
}

function backtest(series: Series, config: Config): Score {
  const options = { ...config.options, horizonMs: series.horizonMs };
  const forecaster = new MetricForecaster(options);
  // The same resampling the forecaster does, to know the actual step values.
  const maxSteps = 240;
  const resampler = new StepResampler({ warmupGaps: 8, minStepMs: 1_000, maxFillSteps: 64 });
  const actual = new Map<number, number>();
  const stepTs: number[] = [];
  const forecasts: Array<
    { origin: number; points: { ts: number; mean: number; low: number; high: number }[] }
  > = [];
  let lastStep: number | null = null;
  const started = performance.now();
  for (let i = 0; i < series.ts.length; i++) {
    forecaster.push(series.ts[i], series.values[i]);
    resampler.push(series.ts[i], series.values[i], (e) => {
      if (e.kind === "step") {
        actual.set(e.ts, e.value);
        stepTs.push(e.ts);
      }
    }, series.horizonMs / maxSteps);
    const at = forecaster.lastStepTs;
    if (at !== null && at !== lastStep) {
      lastStep = at;
      const path = forecaster.forecast(series.horizonMs, maxSteps);
      if (path !== null) forecasts.push({ origin: stepTs.length - 1, points: [...path.points] });
    }
  }
  const seconds = (performance.now() - started) / 1_000;
  const values = stepTs.map((t) => actual.get(t)!);
  let scale = 0;
  for (let i = 1; i < values.length; i++) scale += Math.abs(values[i] - values[i - 1]);
  scale /= values.length - 1;
  const steps = Math.min(maxSteps, Math.ceil(series.horizonMs / (forecaster.step ?? 1)));
  const horizons = [...new Set(HORIZON_FRACTIONS.map((f) => Math.max(1, Math.round(f * steps))))];
  const warm = 200; // steps before scoring: the step, the grid and the first period check settle
  const mase = new Map<number, number>(), naive = new Map<number, number>();
  const coverage = new Map<number, number>();
  for (const h of horizons) {
    let sum = 0, naiveSum = 0, inside = 0, n = 0;
    for (const f of forecasts) {
      if (f.origin < warm) continue;
      const target = f.origin + h;
      if (target >= values.length) continue;
      const p = f.points[h - 1];
      if (p === undefined || Math.abs(p.ts - stepTs[target]) > 1) continue; // a restart or a gap
      sum += Math.abs(values[target] - p.mean);
      naiveSum += Math.abs(values[target] - values[f.origin]);
      if (values[target] >= p.low && values[target] <= p.high) inside++;
      n++;
    }
    mase.set(h, sum / n / scale);
    naive.set(h, naiveSum / n / scale);
    coverage.set(h, inside / n);
  }
  return {
    mase,
    naive,
    coverage,
    step: forecaster.step ?? NaN,
    period: forecaster.period,
    seconds,
    points: series.ts.length,
    snapshotChars: JSON.stringify(forecaster.toJSON()).length,
  };
}

function geometricMean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

function formatSpan(ms: number): string {
  if (ms < MINUTE) return `${Math.round(ms / 1_000)} s`;
  if (ms < 120 * MINUTE) return `${Math.round(ms / MINUTE * 10) / 10} min`;
  return `${Math.round(ms / 3_600_000 * 10) / 10} h`;
}

/** Handler cost per telemetry message of one simulated press, forecasts on and off. */
function handlerCost(messages: number): { on: number; off: number; metrics: number } {
  const generator = new TelemetryGenerator(pressProfile, 7);
  const start = Date.UTC(2026, 0, 5, 6);
  const batch: { ts: number; metrics: Record<string, number> }[] = [];
  for (let s = 0; s < messages; s++) {
    const ts = start + s * 1_000;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(generator.next(ts))) {
      metrics[k] = typeof v === "number" ? v : v ? 1 : 0;
    }
    batch.push({ ts, metrics });
  }
  const run = (forecast: boolean) => {
    const options = forecast
      ? DEFAULT_MACHINE_OPTIONS
      : { ...DEFAULT_MACHINE_OPTIONS, forecast: false as const };
    const state = newMachineState({ factory: "bench", machine: "press-01" }, {
      thresholds: {},
      rules: [],
    });
    const started = performance.now();
    for (const m of batch) handleMachineMessage(state, { kind: "telemetry", ...m }, m.ts, options);
    return ((performance.now() - started) * 1_000) / messages; // µs per message
  };
  run(true);
  run(false); // warm up the JIT for both paths
  const on: number[] = [], off: number[] = [];
  for (let i = 0; i < 3; i++) {
    on.push(run(true));
    off.push(run(false));
  }
  return {
    on: Math.min(...on),
    off: Math.min(...off),
    metrics: Object.keys(batch[0].metrics).length,
  };
}

const NAB_FILES = QUICK
  ? ["realKnownCause/machine_temperature_system_failure.csv", "realKnownCause/nyc_taxi.csv"]
  : [
    "realKnownCause/machine_temperature_system_failure.csv",
    "realKnownCause/ambient_temperature_system_failure.csv",
    "realKnownCause/nyc_taxi.csv",
    "realKnownCause/cpu_utilization_asg_misconfiguration.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv",
    "realTraffic/speed_7578.csv",
    "artificialNoAnomaly/art_daily_small_noise.csv",
    "realTweets/Twitter_volume_AAPL.csv",
  ];

const series = [...simulatorSeries(QUICK ? 2 : 8), ...await nabSeries(NAB_FILES)];
const lines: string[] = [];
const out = (line = "") => {
  lines.push(line);
  console.log(line);
};

out(
  `Command: \`deno task bench:forecast${QUICK ? " --quick" : ""}\` (${
    new Date().toISOString().slice(0, 10)
  }, Deno ${Deno.version.deno}).`,
);
out();
out(
  "MASE = mean |h-step error| / in-sample MAE of the naive one-step forecast (same resampled series); < 1 beats the naive one-step error. Scored after 200 warm-up steps. `cov` = share of actual values inside the 80 % interval.",
);
out();

const summary = new Map<string, number[][]>();
const results = new Map<string, Score>();
for (const s of series) {
  for (const config of CONFIGS) {
    const score = backtest(s, config);
    results.set(`${s.name}|${config.name}`, score);
    const list = summary.get(config.name) ?? [];
    list.push([...score.mase.values()]);
    summary.set(config.name, list);
  }
}

out(
  "Per series, default configuration ((α, β, φ) grid ranked half the horizon ahead, seasonality on):",
);
out();
out(
  "| series | points | step | period | MASE h=1 | h=⅛ H | h=½ H | h=H | naive MASE at H | cov h=1 | cov h=H |",
);
out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const s of series) {
  const score = results.get(`${s.name}|${CONFIGS[0].name}`)!;
  const hs = [...score.mase.keys()];
  const cell = (h: number | undefined) =>
    h === undefined ? "" : `${score.mase.get(h)!.toFixed(2)} (${formatSpan(h * score.step)})`;
  const last = hs.at(-1)!;
  out(
    `| ${s.name} | ${score.points} | ${formatSpan(score.step)} | ${
      score.period === null ? "–" : formatSpan(score.period)
    } | ${cell(hs[0])} | ${cell(hs[1])} | ${cell(hs[2])} | ${cell(hs[3])} | ${
      score.naive.get(last)!.toFixed(2)
    } | ${(score.coverage.get(hs[0])! * 100).toFixed(0)} % | ${
      (score.coverage.get(last)! * 100).toFixed(0)
    } % |`,
  );
}
out();
out(`Configurations compared (geometric mean of MASE over the ${series.length} series):`);
out();
out("| configuration | h=1 | h=⅛ H | h=½ H | h=H |");
out("|---|---:|---:|---:|---:|");
for (const [name, rows] of summary) {
  const cols = [0, 1, 2, 3].map((i) =>
    geometricMean(rows.map((r) => r[Math.min(i, r.length - 1)])).toFixed(3)
  );
  out(`| ${name} | ${cols.join(" | ")} |`);
}
const naiveRows = series.map((
  s,
) => [...results.get(`${s.name}|${CONFIGS[0].name}`)!.naive.values()]);
out(
  `| naive (last value) | ${
    [0, 1, 2, 3].map((i) =>
      geometricMean(naiveRows.map((r) => r[Math.min(i, r.length - 1)])).toFixed(3)
    ).join(" | ")
  } |`,
);
out();
let totalPoints = 0, totalSeconds = 0;
for (const s of series) {
  const score = results.get(`${s.name}|${CONFIGS[0].name}`)!;
  totalPoints += score.points;
  totalSeconds += score.seconds;
}
out(
  `Forecaster throughput (default configuration, including one full-horizon forecast per step for scoring): ${
    Math.round(totalPoints / totalSeconds).toLocaleString("en")
  } points/s on one core.`,
);
const cost = handlerCost(QUICK ? 5_000 : 20_000);
out(
  `Machine handler per telemetry message (simulated press, ${cost.metrics} metrics, detection stack on): ${
    cost.on.toFixed(1)
  } µs with forecasts, ${cost.off.toFixed(1)} µs without (${
    (cost.on - cost.off).toFixed(1)
  } µs for forecasts, ${
    Math.round((cost.on - cost.off) * 1_000 / cost.metrics)
  } ns per point over ${cost.metrics} metrics).`,
);
const sizes = series.map((s) => results.get(`${s.name}|${CONFIGS[0].name}`)!.snapshotChars)
  .sort((a, b) => a - b);
out(
  `Forecaster snapshot at the end of each series (default configuration, JSON characters per metric): median ${
    sizes[sizes.length >> 1].toLocaleString("en")
  }, max ${sizes.at(-1)!.toLocaleString("en")}.`,
);

if (WRITE) {
  const path = new URL("../BENCHMARKS.md", import.meta.url);
  const text = await Deno.readTextFile(path);
  const section = `<!-- forecast:start -->\n## Forecasts (MASE)\n\n${
    lines.join("\n")
  }\n<!-- forecast:end -->`;
  const begin = text.indexOf("<!-- forecast:start -->"),
    end = text.indexOf("<!-- forecast:end -->");
  const next = begin >= 0 && end > begin
    ? text.slice(0, begin) + section + text.slice(end + "<!-- forecast:end -->".length)
    : `${text.trimEnd()}\n\n${section}\n`;
  await Deno.writeTextFile(path, next);
  console.log("BENCHMARKS.md: forecast section written");
}
