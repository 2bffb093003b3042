import type { BenchTarget } from "./bench_target.ts";
import { runRateStep, type StepResult, type StepRig } from "./rate_step.ts";

/** Options of {@link rampRate}. */
export interface RampOptions {
  /** Offered rates to try, ascending, msgs/s. */
  readonly rates: readonly number[];
  readonly stepMs: number;
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
 * good and the first bad rate.
 *
 * @example
 * ```ts
 * import type { BenchTarget } from "./bench_target.ts";
 * import type { StepRig } from "./rate_step.ts";
 * declare const raw: BenchTarget;
 * declare const rig: StepRig;
 * const ramp = await rampRate(raw, rig, { rates: [5_000, 10_000], stepMs: 8_000, refine: 1 });
 * ramp.sustainedRate;
 * ```
 */
export async function rampRate(
  target: BenchTarget,
  rig: StepRig,
  options: RampOptions,
): Promise<RampResult> {
  const steps: StepResult[] = [];
  const step = async (rate: number) => {
    const attempts = await runFairStep(target, rig, { rate, ms: options.stepMs }, options.onStep);
    steps.push(...attempts);
    return attempts.at(-1)!;
  };
  let good: StepResult | undefined;
  let bad: StepResult | undefined;
  for (const rate of options.rates) {
    const result = await step(rate);
    if (result.verdict !== "ok") {
      bad = result;
      break;
    }
    good = result;
  }
  // A rate that could not be offered ends the ramp: bisecting would measure generator or broker.
  for (
    let i = 0;
    i < options.refine && bad !== undefined && bad.verdict !== "under-offered";
    i++
  ) {
    const low = good?.offeredRate ?? 0;
    const rate = Math.round((low + bad.offeredRate) / 2 / RATE_GRAIN) * RATE_GRAIN;
    if (rate <= low || rate >= bad.offeredRate) break;
    const result = await step(rate);
    if (result.verdict === "ok") good = result;
    else bad = result;
  }
  return { steps, sustainedRate: good?.offeredRate ?? 0, sustainedStep: good };
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
