import type { BenchTarget } from "./bench_target.ts";
import { runRateStep, type StepResult, type StepRig } from "./rate_step.ts";

/** Options of {@link rampRate}. */
export interface RampOptions {
  /** Offered rates to try, ascending, msgs/s. */
  readonly rates: readonly number[];
  readonly stepMs: number;
  /**
   * Steps past the last listed rate, by the last listed gap, while they pass:
   * a host faster than the list was written for must not end the ramp at a
   * rate the target merely passed (the generator's ceiling against the
   * broker alone was 86,000 msgs/s on one host and 212,000 on another).
   */
  readonly stepsPast: number;
  /** Extra steps bisecting between the last passing and the first failing rate. */
  readonly refine: number;
  /** Called after each step, e.g. to print progress. */
  readonly onStep?: (step: StepResult) => void;
}

/** The steps of a ramp and the highest rate sustained. */
export interface RampResult {
  readonly steps: readonly StepResult[];
  /** Highest offered rate with no loss and bounded lag; 0 if none. */
  readonly sustainedRate: number;
  /** The step at {@link sustainedRate}. */
  readonly sustainedStep: StepResult | undefined;
}

/** Rates are rounded to this when bisecting, msgs/s. */
const RATE_GRAIN = 500;

/**
 * Raises the offered rate step by step until `target` loses messages or its
 * lag stops being bounded, then bisects `refine` times between the last
 * good and the first bad rate. Past the last listed rate it goes on by the
 * last listed gap (see {@link RampOptions.stepsPast}).
 *
 * @example
 * ```ts
 * import type { BenchTarget } from "./bench_target.ts";
 * import type { StepRig } from "./rate_step.ts";
 * declare const raw: BenchTarget;
 * declare const rig: StepRig;
 * const ramp = await rampRate(raw, rig, {
 *   rates: [5_000, 10_000],
 *   stepsPast: 4,
 *   stepMs: 8_000,
 *   refine: 1,
 * });
 * ramp.sustainedRate;
 * ```
 */
export function rampRate(
  target: BenchTarget,
  rig: StepRig,
  options: RampOptions,
): Promise<RampResult> {
  return climb(
    (rate) => runFairStep(target, rig, { rate, ms: options.stepMs }, options.onStep),
    options,
  );
}

/**
 * The ramp of {@link rampRate} over any step runner, which answers every
 * attempt at a rate (the last one counts).
 */
export async function climb(
  runStep: (rate: number) => Promise<StepResult[]>,
  options: Pick<RampOptions, "rates" | "stepsPast" | "refine">,
): Promise<RampResult> {
  const steps: StepResult[] = [];
  const step = async (rate: number) => {
    const attempts = await runStep(rate);
    steps.push(...attempts);
    return attempts.at(-1)!;
  };
  let good: StepResult | undefined;
  let bad: StepResult | undefined;
  for (const rate of ascendingRates(options.rates, options.stepsPast)) {
    const result = await step(rate);
    if (result.verdict !== "ok") {
      bad = result;
      break;
    }
    good = result;
  }
  // A rate the generator could not offer is bisected like any failure: both targets then stop
  // at what the rig delivers (the broker's ceiling), not one at a step that happened to miss it.
  for (let i = 0; i < options.refine && bad !== undefined; i++) {
    const low = good?.offeredRate ?? 0;
    const rate = Math.round((low + bad.offeredRate) / 2 / RATE_GRAIN) * RATE_GRAIN;
    if (rate <= low || rate >= bad.offeredRate) break;
    const result = await step(rate);
    if (result.verdict === "ok") good = result;
    else bad = result;
  }
  return { steps, sustainedRate: good?.offeredRate ?? 0, sustainedStep: good };
}

/**
 * The listed rates, then `past` more by the last gap between two of them (by
 * the one rate itself when only one is listed).
 */
export function* ascendingRates(rates: readonly number[], past: number): Generator<number> {
  yield* rates;
  const last = rates.at(-1);
  if (last === undefined) return;
  const gap = rates.length > 1 ? last - rates.at(-2)! : last;
  for (let k = 1; k <= past; k++) yield last + k * gap;
}

/** Re-runs of a failing step that other work on the host disturbed. */
const DISTURBED_RETRIES = 2;

/**
 * Runs one step, and runs it again (up to {@link DISTURBED_RETRIES} times)
 * while it fails and other work on the host was busy during it: a shared
 * machine's neighbours must not decide where the ramp ends. Answers every
 * attempt; the last one counts.
 */
export async function runFairStep(
  target: BenchTarget,
  rig: StepRig,
  options: { rate: number; ms: number },
  onStep?: (step: StepResult) => void,
): Promise<StepResult[]> {
  const attempts: StepResult[] = [];
  for (;;) {
    const result = await runRateStep(target, rig, options);
    attempts.push(result);
    onStep?.(result);
    const unfair = result.verdict !== "ok" && result.disturbed;
    if (!unfair || attempts.length > DISTURBED_RETRIES) return attempts;
  }
}
