/**
 * `deno task bench:detector [runs]`: detector throughput in points/s on one core
 * (median of `runs`, default 5),
 * with the full stack on (rolling σ, median/MAD, EWMA, CUSUM, flatline,
 * likelihood; plus, per machine, the isolation forest's background training
 * and — worst case — scoring of every row, which the actor only does for
 * flagged rows), and the snapshot sizes after a long run.
 *
 * @module
 */
import { MachineDetector } from "../engine/detect/machine_detector.ts";
import { seededRandom } from "../engine/detect/prng.ts";

const METRICS = ["temp", "rpm", "vibration", "power"] as const;

/** Points per second through {@link MachineDetector}s of 4 metrics each. */
export function detectorThroughput(machines: number, rows: number, scoreEveryRow: boolean): number {
  const random = seededRandom(11);
  const detectors = Array.from({ length: machines }, () => new MachineDetector());
  // Pre-generate inputs so the PRNG is not measured.
  const data = new Float64Array(rows * METRICS.length);
  for (let i = 0; i < data.length; i++) data[i] = 50 + 10 * Math.sin(i / 97) + random();
  const row: Record<string, number> = {};
  const start = performance.now();
  for (let r = 0; r < rows; r++) {
    const ts = r * 1000;
    for (const d of detectors) {
      let normal = true;
      for (let m = 0; m < METRICS.length; m++) {
        const v = data[r * METRICS.length + m];
        row[METRICS[m]] = v;
        if (d.metric(METRICS[m]).update(v, ts).flagged) normal = false;
      }
      d.observeRow(row, normal, scoreEveryRow || !normal);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return rows * machines * METRICS.length / seconds;
}

/**
 * JSON snapshot sizes (characters) after a long run of one machine of 4
 * metrics: the largest per-metric detector state, and the machine's own part
 * (isolation-forest rows and bookkeeping, without the metric states).
 */
export function snapshotSizes(rows = 20_000): { metric: number; forest: number } {
  const random = seededRandom(3);
  const d = new MachineDetector();
  const row: Record<string, number> = {};
  for (let r = 0; r < rows; r++) {
    let normal = true;
    for (let m = 0; m < METRICS.length; m++) {
      const v = 50 * (m + 1) + 10 * Math.sin(r / 97 + m) + random();
      row[METRICS[m]] = v;
      if (d.metric(METRICS[m]).update(v, r * 60_000).flagged) normal = false;
    }
    d.observeRow(row, normal, !normal);
  }
  const { metrics, ...machine } = d.snapshot();
  const metric = Math.max(...Object.values(metrics).map((s) => JSON.stringify(s).length));
  return { metric, forest: JSON.stringify(machine).length };
}

/** Median and range of `runs` measurements (the host is shared: one run says little). */
function repeated(
  runs: number,
  measure: () => number,
): { median: number; min: number; max: number } {
  const values = Array.from({ length: runs }, measure).sort((a, b) => a - b);
  return { median: values[Math.floor(runs / 2)], min: values[0], max: values[runs - 1] };
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 5);
  const fmt = (n: number) => Math.round(n).toLocaleString("en");
  const show = (r: { median: number; min: number; max: number }) =>
    `median ${fmt(r.median)} points/s (${runs} runs: ${fmt(r.min)}–${fmt(r.max)})`;
  detectorThroughput(10, 2_000, false); // warm-up (JIT)
  const asActor = repeated(runs, () => detectorThroughput(100, 5_000, false));
  const worst = repeated(runs, () => detectorThroughput(100, 5_000, true));
  console.log(`full stack, as the actor runs it: ${show(asActor)}`);
  console.log(`full stack, forest scoring every row: ${show(worst)}`);
  const size = snapshotSizes();
  console.log(
    `snapshot after 20,000 rows: ${size.metric} B per metric, ${size.forest} B forest part per machine`,
  );
}
