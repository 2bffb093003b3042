/**
 * Fault classification on a labelled fault set generated from the
 * simulator's CNC profile (simulator/labelled_faults.ts): feature windows
 * (−10 min … +2 min, the labels' window) of normal running and of four
 * injected fault classes; a stratified split by machine into training and
 * test sets; the engine's classifier (engine/learning/fault_classifier.ts)
 * cross-validated on the training set and scored on the held-out test set
 * (macro F1, confusion matrix). It also measures how long a training blocks
 * the event loop in process and in the training Worker.
 *
 *     deno task bench:classifier            # print
 *     deno task bench:classifier --write    # and update BENCHMARKS.md
 *
 * @module
 */
import {
  FaultModel,
  FEATURE_NAMES,
  inProcessTrainer,
  metricFeatures,
  scoreConfusion,
  stratifiedFolds,
  type TrainingClass,
  type TrainingExample,
  workerTrainer,
} from "../engine/learning/mod.ts";
import { type LabelledFaultWindow, labelledFaultWindows } from "../simulator/labelled_faults.ts";

const PER_CLASS = 60;
const TEST_SHARE = 0.3;
const TREES = 50;
const FOLDS = 5;
const SEED = 42;

function example(window: LabelledFaultWindow): TrainingExample {
  const metrics: Record<string, number[]> = {};
  for (const [metric, points] of Object.entries(window.series)) {
    metrics[metric] = metricFeatures(points);
  }
  // The generator's names match the training classes; the cast keeps them.
  return { window: { metrics }, cls: window.cls as TrainingClass };
}

/**
 * Longest gap between 1 ms timer ticks while `work` runs: how long the event
 * loop (ingestion, actors) stood still.
 */
async function loopStall(work: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  const start = performance.now();
  // Yield once so the probe is running before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 5));
  await work();
  const ms = performance.now() - start;
  // Let the probe tick once more: a stall that ends with the work is seen only then.
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(timer);
  return { ms, stallMs: worst };
}

const generateStart = performance.now();
const windows = labelledFaultWindows({ perClass: PER_CLASS, seed: 1 });
const examples = windows.map(example);
const generateMs = performance.now() - generateStart;

// Stratified split: every class keeps the same test share; machines never straddle it.
const classes = [...new Set(examples.map((e) => e.cls))].sort();
const y = examples.map((e) => classes.indexOf(e.cls));
const parts = Math.round(1 / TEST_SHARE);
const fold = stratifiedFolds(y, parts, SEED);
const train = examples.filter((_, i) => fold[i] !== 0);
const test = examples.filter((_, i) => fold[i] === 0);

const options = { folds: FOLDS, trees: TREES, seed: SEED };
const inProcess = await loopStall(() => inProcessTrainer(train, options));
let result!: Awaited<ReturnType<typeof workerTrainer>>;
const inWorker = await loopStall(async () => {
  result = await workerTrainer(train, options);
});

const model = FaultModel.load(result.model);
const confusion = result.model.classes.map(() => result.model.classes.map(() => 0));
const predictStart = performance.now();
let confidenceSum = 0;
for (const e of test) {
  const prediction = model.predict(e.window);
  confidenceSum += prediction.confidence;
  confusion[result.model.classes.indexOf(e.cls)][result.model.classes.indexOf(prediction.class)]++;
}
const predictMs = (performance.now() - predictStart) / test.length;
const held = scoreConfusion(result.model.classes, confusion);
const cv = result.evaluation;

function matrix(names: readonly string[], m: readonly (readonly number[])[]): string {
  const head = `| labelled ↓ / predicted → | ${names.join(" | ")} |`;
  const rule = `|---|${names.map(() => "---:").join("|")}|`;
  const rows = names.map((n, i) => `| ${n} | ${m[i].join(" | ")} |`);
  return [head, rule, ...rows].join("\n");
}

const f = (x: number) => x.toFixed(3);
const section = [
  "## Fault classification (learning from operators)",
  "",
  `Measured ${new Date().toISOString().slice(0, 16)}Z on ${Deno.build.os}/${Deno.build.arch}, ` +
  `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores (shared). Command: ` +
  "`deno task bench:classifier --write`.",
  "",
  `Data: \`simulator/labelled_faults.ts\`, CNC profile with its random faults off, ${PER_CLASS} windows ` +
  `per class (each a different simulated machine), 1 Hz, −10 min … +2 min around the event; ` +
  `classes ${classes.join(", ")} (normal includes a third with a harmless one-sample vibration ` +
  `spike, the false-alarm kind). Features: ${cv.features.length} (${FEATURE_NAMES.length} per ` +
  `metric × ${
    cv.features.length / FEATURE_NAMES.length
  } metrics). Split stratified by class: ${train.length} training, ` +
  `${test.length} held-out test windows. Model: the engine's random forest ` +
  `(\`engine/learning/random_forest.ts\`), ${TREES} trees, √features tried per split, seed ${SEED}.`,
  "",
  "| measure | value |",
  "|---|---:|",
  `| held-out test macro F1 | **${f(held.macroF1)}** |`,
  `| held-out test accuracy | ${f(held.accuracy)} |`,
  `| ${cv.folds}-fold CV macro F1 (training set, as the models page shows) | ${f(cv.macroF1)} |`,
  `| mean confidence on the test set | ${f(confidenceSum / test.length)} |`,
  `| generate + featurize ${windows.length} windows | ${generateMs.toFixed(0)} ms |`,
  `| one training (CV + final fit), in process: wall / longest event-loop stall | ` +
  `${inProcess.ms.toFixed(0)} ms / ${inProcess.stallMs.toFixed(0)} ms |`,
  `| one training in the Worker (the engine's way): wall / longest event-loop stall | ` +
  `${inWorker.ms.toFixed(0)} ms / ${inWorker.stallMs.toFixed(0)} ms |`,
  `| one prediction (features given) | ${predictMs.toFixed(2)} ms |`,
  "",
  "Per class on the test set (F1): " +
  held.classes.map((c) => `${c} ${f(held.perClass[c].f1)}`).join(", ") + ".",
  "",
  "Confusion matrix on the held-out test set:",
  "",
  matrix(held.classes, held.confusion),
  "",
  "Training runs in a Worker (`workerTrainer`): in process, one training stalls ingestion and " +
  "every actor for the stall shown above; in the Worker the event loop keeps ticking (its " +
  "stall is the worker's start-up). `npm:ml-random-forest` was tried first and works in Deno, " +
  "but its trees (`ml-cart`) re-split the whole node for every candidate threshold: the same " +
  "training took 94 s in process (110 s in the Worker) on this machine, so the engine uses its " +
  "own forest.",
].join("\n");

console.log(section);

if (Deno.args.includes("--write")) {
  const path = new URL("../BENCHMARKS.md", import.meta.url);
  const start = "<!-- classifier:start -->";
  const end = "<!-- classifier:end -->";
  // Re-read right before writing: other benchmarks update their own sections.
  const text = await Deno.readTextFile(path).catch(() => "# Benchmarks\n");
  const block = `${start}\n${section}\n${end}`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  const next = a >= 0 && b > a
    ? text.slice(0, a) + block + text.slice(b + end.length)
    : `${text.trimEnd()}\n\n${block}\n`;
  await Deno.writeTextFile(path, next);
  console.log(`\nupdated ${path.pathname}`);
}
