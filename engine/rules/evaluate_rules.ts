import { type CompiledRule, compileRule } from "./_compiled_rule.ts";
import { recordRateSample } from "./_rate_window.ts";
import { newRunState, retireRun, reviseRun, stepRule } from "./_rule_lifecycle.ts";
import type { RuleOutput, RuleTransition } from "./alert_transition.ts";
import type { Rule } from "./rule.ts";
import type { RuleInput, RuleSample } from "./rule_input.ts";
import type { RuleEngineState, RuleRunState } from "./rule_state.ts";

const NOTHING: RuleOutput = Object.freeze({ transitions: Object.freeze([]) });

// Reused between calls so the common case (nothing happened) allocates no
// array; evaluation is synchronous, so no two calls share it at once.
const scratch: RuleTransition[] = [];

/**
 * Evaluates a machine's rules on one input and updates `state` in place (the
 * machine actor owns it). Pure and synchronous: no I/O, no clock reads.
 *
 * **Time.** Rules run on the machine's own time axis: a sample is evaluated
 * at its `ts`, a tick at `now − lag`, where lag is receive time − `ts` of the
 * newest sample (so a device whose clock is off, or a gateway replaying a
 * backlog, does not trip `no_data`); time never runs backwards. Backtests feed
 * samples with `now = ts`, which makes live and backtest the same computation.
 *
 * **Values hold until replaced.** Ticks re-evaluate against each metric's
 * latest value, flag, score and forecast, so `for` timers complete between
 * sparse samples and an alert does not clear because data stopped; alert on
 * silence with `no_data`. A fresh value without a score has score 0. An
 * unknown value (never seen, rate window too short) makes its predicate
 * false, and so `not` of it true. Metric names every JavaScript object has
 * (`constructor`, …) are ignored; {@link validateRule} refuses them in rules.
 *
 * **Duplicates.** A value whose `ts` is not newer than that metric's latest is
 * ignored; a sample with nothing new is not evaluated at all, so a QoS 1
 * redelivery never raises a second alert.
 *
 * **Rule set.** `rules` is every rule of the factory (ids unique); rules that
 * do not apply to the machine are skipped. Run state follows the list: a new
 * version is revised as {@link applyRuleChange} describes, and a rule that
 * was disabled, deleted or no longer applies has its alerts cleared with that
 * reason. Pass the same rule objects each time: each is compiled once.
 *
 * @example
 * ```ts
 * import type { Rule } from "./rule.ts";
 * import { newRuleEngineState } from "./rule_state.ts";
 *
 * declare const rules: readonly Rule[];
 *
 * const state = newRuleEngineState({ factory: "plant-1", machine: "press-01" });
 * const { transitions } = evaluateRules(state, rules, {
 *   kind: "sample", ts: 1_000, values: { vibration: 7.4 }, anomalous: [], status: "normal",
 * }, 1_020);
 * ```
 */
export function evaluateRules(
  state: RuleEngineState,
  rules: readonly Rule[],
  input: RuleInput,
  now: number,
): RuleOutput {
  scratch.length = 0;
  let at: number;
  if (input.kind === "sample") {
    if (!absorbSample(state, input, now)) return NOTHING;
    at = state.lastAt === null ? input.ts : Math.max(input.ts, state.lastAt);
  } else {
    state.status = input.status;
    at = machineTimeOf(state, now);
  }
  state.lastAt = at;
  state.startedAt ??= at;

  let running = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    let run = state.rules[rule.id];
    const compiled = compileRule(rule);
    if (!rule.enabled || !compiled.appliesTo(state.target)) {
      if (run !== undefined) {
        retireRun(state, rule.id, rule.enabled ? "out_of_scope" : "rule_disabled", at, scratch);
      }
      continue;
    }
    if (run === undefined) {
      run = newRunState(compiled);
      state.rules[rule.id] = run;
      state.ruleCount++;
    } else if (run.version !== rule.version) {
      reviseRun(run, compiled);
    }
    running++;
    if (input.kind === "sample" && compiled.rates.length > 0) {
      feedRates(state, run, compiled, input.ts);
    }
    stepRule(state, run, compiled, at, scratch);
  }

  if (state.ruleCount !== running) retireDeleted(state, rules, at);
  return scratch.length === 0 ? NOTHING : { transitions: scratch.splice(0) };
}

/** Where a tick at engine time `now` falls on the machine's time axis. */
export function machineTimeOf(state: RuleEngineState, now: number): number {
  const at = now - state.lagMs;
  return state.lastAt === null ? at : Math.max(at, state.lastAt);
}

/** Takes in a sample's new values; false when it brought nothing new. */
function absorbSample(state: RuleEngineState, input: RuleSample, now: number): boolean {
  const { ts, values, scores } = input;
  let fresh = false;
  for (const metric in values) {
    const reading = state.metrics[metric];
    const score = scores?.[metric] ?? 0;
    if (reading === undefined) {
      state.metrics[metric] = { value: values[metric], ts, anomalous: false, score };
    } else if (ts > reading.ts) {
      reading.value = values[metric];
      reading.ts = ts;
      reading.anomalous = false;
      reading.score = score;
    } else {
      continue;
    }
    fresh = true;
  }
  if (!fresh) return false;
  const { anomalous, forecasts } = input;
  for (let i = 0; i < anomalous.length; i++) {
    const reading = state.metrics[anomalous[i]];
    if (reading?.ts === ts) reading.anomalous = true;
  }
  if (forecasts !== undefined) {
    for (let i = 0; i < forecasts.length; i++) {
      state.forecasts[forecasts[i].metric] = forecasts[i].points;
    }
  }
  state.status = input.status;
  if (state.lastSampleTs === null || ts > state.lastSampleTs) {
    state.lastSampleTs = ts;
    state.lagMs = now - ts;
  }
  return true;
}

function feedRates(
  state: RuleEngineState,
  run: RuleRunState,
  compiled: CompiledRule,
  ts: number,
): void {
  for (let i = 0; i < compiled.rates.length; i++) {
    const { key, metric, windowMs } = compiled.rates[i];
    const reading = state.metrics[metric];
    if (reading?.ts !== ts) continue;
    const window = run.rates[key] ??= { ts: [], values: [], head: 0 };
    recordRateSample(window, windowMs, ts, reading.value);
  }
}

function retireDeleted(state: RuleEngineState, rules: readonly Rule[], at: number): void {
  const listed = new Set(rules.map((rule) => rule.id));
  for (const id of Object.keys(state.rules)) {
    if (!listed.has(id)) retireRun(state, id, "rule_deleted", at, scratch);
  }
}
