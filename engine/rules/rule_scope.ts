import type { RuleScope } from "./rule.ts";

/** The machine a rule engine state belongs to. */
export interface RuleTarget {
  readonly factory: string;
  readonly machine: string;
  /** Derived from the machine id when absent (see {@link machineTypeOf}). */
  readonly machineType?: string;
  /** The factory's IANA time zone for schedules; `"UTC"` when absent. */
  readonly timeZone?: string;
}

const NUMBERED = /^(.+)-\d+$/;

/**
 * A machine's type as rules see it: the id without its trailing `-NN`, or the
 * whole id when it has no such suffix.
 *
 * @example
 * ```ts
 * machineTypeOf("press-01"); // "press"
 * machineTypeOf("cnc-mill-12"); // "cnc-mill"
 * machineTypeOf("boiler"); // "boiler"
 * ```
 */
export function machineTypeOf(machine: string): string {
  const match = NUMBERED.exec(machine);
  return match === null ? machine : match[1];
}

/**
 * Whether a rule with `scope` watches `target`: same factory, and the machine
 * or its type listed (either list suffices; with neither, every machine).
 *
 * @example
 * ```ts
 * ruleAppliesTo(
 *   { factory: "f", machineTypes: ["press"] },
 *   { factory: "f", machine: "press-02" },
 * ); // true
 * ```
 */
export function ruleAppliesTo(scope: RuleScope, target: RuleTarget): boolean {
  if (scope.factory !== target.factory) return false;
  if (scope.machines === undefined && scope.machineTypes === undefined) return true;
  if (scope.machines?.includes(target.machine)) return true;
  return scope.machineTypes?.includes(target.machineType ?? machineTypeOf(target.machine)) ??
    false;
}
